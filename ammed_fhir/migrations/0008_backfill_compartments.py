"""Data migration: recompute ``patient_id`` and ``other_patients`` of every stored resource
with the R4 compartment table (``ammed_fhir.compartments``), so an Appointment, an Account
with several subjects or a Communication with only a recipient is in its Patients'
compartments, not readable by everybody. ``patient_id`` changes only where it was empty
(the legacy elements still come first). Identifier-only references stored before cannot be
resolved here: such rows stay outside every compartment, i.e. readable by integration
accounts and administrators only (``ammed_fhir.access``)."""

from django.db import migrations


def backfill(apps, schema_editor):
    from ammed_fhir.compartments import patients_of

    Resource = apps.get_model("ammed_fhir", "Resource")
    changed = []
    rows = Resource.objects.values_list("id", "data", "patient_id", "other_patients")
    for pk, data, patient_id, other in rows.iterator(chunk_size=2000):
        patients = patients_of(data) if isinstance(data, dict) else []
        new_patient = patients[0] if patients else ""
        new_other = {pid: True for pid in patients[1:]}
        if (new_patient, new_other) != (patient_id, other or {}):
            changed.append(Resource(id=pk, patient_id=new_patient, other_patients=new_other))
        if len(changed) >= 2000:
            Resource.objects.bulk_update(changed, ["patient_id", "other_patients"])
            changed = []
    if changed:
        Resource.objects.bulk_update(changed, ["patient_id", "other_patients"])


class Migration(migrations.Migration):
    dependencies = [("ammed_fhir", "0007_resource_other_patients")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
