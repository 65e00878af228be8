"""Data migration: the role groups (physician, pharmacist, nurse, patient, integration) and
the model permissions each holds (``clinical.workspace.roles.ROLE_PERMISSIONS``)."""

from __future__ import annotations

from django.contrib.auth.management import create_permissions
from django.db import migrations


def forwards(apps, schema_editor):
    # Permissions are normally made after migrate (post_migrate); make them now.
    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, verbosity=0, apps=apps)
        config.models_module = None
    from clinical.workspace.roles import sync_role_groups

    sync_role_groups(apps)


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=["physician", "pharmacist", "nurse"]):
        group.permissions.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("workspace", "0001_worklist"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("ammed_fhir", "0008_backfill_compartments"),
        ("followup", "0001_initial"),
        ("orders", "0004_drop_claim_indexes"),
        ("monitor", "0002_audit_append_only_trigger"),
        ("agent", "0001_agent_messages"),
        ("diet", "0001_disease_diet_entry"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
