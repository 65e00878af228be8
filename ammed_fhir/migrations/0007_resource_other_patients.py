"""``Resource.other_patients``: the Patient compartments a resource is in besides
``patient_id`` (issue #17: compartments per the R4 CompartmentDefinition, list-valued
references included). PostgreSQL also gets a partial GIN index for the ``?|`` look-ups of
the access checks; rows with no other patient (nearly all) are not in it, so ingest pays
nothing for it. Existing rows are filled by 0008 (a data migration)."""

from django.db import migrations, models

INDEX = "res_other_patients_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON ammed_fhir_resource "
        "USING gin (other_patients) WHERE other_patients <> '{}'::jsonb"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("ammed_fhir", "0006_outbox_events")]

    operations = [
        migrations.AddField(
            model_name="resource",
            name="other_patients",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(create_index, drop_index),
    ]
