"""No two accounts share an email address, in any case: a unique index on LOWER(email) of
django.contrib.auth's user table (accounts without an address are left out).

The project uses auth's own User, whose model state belongs to the auth app, so the index is
created through the schema editor rather than declared on the model: Django builds the right
SQL for PostgreSQL and SQLite, and ``makemigrations`` has nothing to add to auth. Forms check
the same rule first (accounts.selectors.address_taken) and a race ends at this index.
"""

from django.db import migrations, models
from django.db.models.functions import Lower

CONSTRAINT = models.UniqueConstraint(Lower("email"), condition=~models.Q(email=""), name="user_email_unique_any_case")


def add_index(apps, schema_editor):
    schema_editor.add_constraint(apps.get_model("auth", "User"), CONSTRAINT)


def remove_index(apps, schema_editor):
    schema_editor.remove_constraint(apps.get_model("auth", "User"), CONSTRAINT)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_existing_addresses_verified")]

    operations = [migrations.RunPython(add_index, remove_index)]
