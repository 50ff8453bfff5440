import django.db.models.deletion
from django.db import migrations, models


def point_at_newest_interaction(apps, schema_editor):
    """Fill the new pointer the way contacts.cadence.refresh_cadence keeps it, in one UPDATE."""
    Contact = apps.get_model("contacts", "Contact")
    Interaction = apps.get_model("contacts", "Interaction")
    newest = Interaction.objects.filter(contact=models.OuterRef("pk")).order_by("-occurred_at", "-pk")
    Contact.objects.update(last_interaction=models.Subquery(newest.values("pk")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0003_importjob"),
    ]

    operations = [
        migrations.AddField(
            model_name="contact",
            name="last_interaction",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="contacts.interaction",
            ),
        ),
        migrations.RunPython(point_at_newest_interaction, migrations.RunPython.noop, elidable=True),
    ]
