"""``ResourceVersion`` keeps the versions a resource's current row superseded; the current
version lives in ``Resource`` only. Drop the history rows that duplicate a current row
(written by earlier code), so that the next update can copy that row into the history."""

from django.db import migrations
from django.db.models import Exists, OuterRef


def drop_copies_of_current(apps, schema_editor):
    Resource = apps.get_model("ammed_fhir", "Resource")
    ResourceVersion = apps.get_model("ammed_fhir", "ResourceVersion")
    current = Resource.objects.filter(
        resource_type=OuterRef("resource_type"),
        resource_id=OuterRef("resource_id"),
        version_id=OuterRef("version_id"),
    )
    ResourceVersion.objects.filter(Exists(current)).delete()


def restore_copies_of_current(apps, schema_editor):
    Resource = apps.get_model("ammed_fhir", "Resource")
    ResourceVersion = apps.get_model("ammed_fhir", "ResourceVersion")
    ResourceVersion.objects.bulk_create(
        (
            ResourceVersion(
                resource_type=r.resource_type,
                resource_id=r.resource_id,
                version_id=r.version_id,
                last_updated=r.last_updated,
                data=r.data,
            )
            for r in Resource.objects.iterator(chunk_size=2000)
        ),
        batch_size=2000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("ammed_fhir", "0004_plain_indexes")]

    operations = [migrations.RunPython(drop_copies_of_current, restore_copies_of_current)]
