"""PostgreSQL only: a GIN index for ``Patient?identifier=`` / ``ifNoneExist`` lookups.

Partial (Patient and Practitioner rows only), so bulk ingest of clinical resources pays
nothing for it. SQLite (the embedded default) has no GIN and scans instead.
"""

from django.db import migrations

INDEX = "res_identifiers_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON ammed_fhir_resource "
        "USING gin (identifiers jsonb_path_ops) "
        "WHERE resource_type IN ('Patient', 'Practitioner')"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("ammed_fhir", "0002_compartment_permission_patient_proxy")]

    operations = [migrations.RunPython(create, drop)]
