"""GIN indexes for the contact search (contacts/search.py), on PostgreSQL only.

They index expressions, not columns, so nothing has to be kept in step by the code that writes
contacts and interactions. They are not in the models' Meta (SQLite, the embedded default, has no
GIN and rebuilds tables with their Meta indexes), so the expressions are frozen here: they must
stay identical to contact_document() and interaction_document(), or the planner cannot use them
(tests/test_contact_search.py reads the query plan).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

CONFIG = "simple"


def contact_index():
    document = (
        SearchVector("first_name", "last_name", config=CONFIG, weight="A")
        + SearchVector("company", "job_title", config=CONFIG, weight="B")
        + SearchVector("how_we_met", "where_we_met", "location", config=CONFIG, weight="C")
        + SearchVector("notes", config=CONFIG, weight="D")
    )
    return GinIndex(document, name="contact_search_idx")


def interaction_index():
    return GinIndex(SearchVector("summary", "next_step", "notes", config=CONFIG), name="interaction_search_idx")


INDEXES = (("Contact", contact_index), ("Interaction", interaction_index))


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in INDEXES:
        schema_editor.add_index(apps.get_model("contacts", model_name), index())


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in INDEXES:
        schema_editor.remove_index(apps.get_model("contacts", model_name), index())


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0006_unique_tiebreaks"),
    ]

    operations = [migrations.RunPython(add_indexes, remove_indexes, elidable=False)]
