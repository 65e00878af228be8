"""Role groups and the model permissions each one holds (set by a data migration).

Model permissions only open admin pages; what a clinician sees on them is still limited to
their assigned patients (``clinical.workspace.admin_mixins``), and who may sign off what is
``clinical.workspace.signoff``. Patients and integrations get no admin permission.
"""

from __future__ import annotations

from typing import Any

ROLE_GROUPS = ("physician", "pharmacist", "nurse", "patient", "integration")

# Read access every clinician needs to work on their patients.
_CLINICIAN_VIEW = (
    "ammed_fhir.view_patientresource",
    "ammed_fhir.view_patientassignment",
    "followup.view_assessment",
    "followup.view_followupstate",
    "followup.view_alertrecord",
    "followup.change_alertrecord",  # acknowledge / mark handled
    "followup.view_followupcareplan",
    "orders.view_orderschedule",
    "orders.view_dosereminder",
    "orders.view_delivery",
    "orders.view_patientroutine",
    "monitor.view_review",
    "monitor.change_review",  # decisions; medication content is further limited (signoff)
    "monitor.view_auditevent",
    "agent.view_agentmessage",
    "diet.view_diseasedietentry",
    "workspace.view_worklist",
)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "physician": (
        *_CLINICIAN_VIEW,
        "followup.change_followupcareplan",  # CarePlan approval (signoff.may_approve_careplan)
        "orders.change_orderschedule",  # order approval (medication sign-off)
        "orders.change_patientroutine",
    ),
    "pharmacist": (
        *_CLINICIAN_VIEW,
        "orders.change_orderschedule",
    ),
    "nurse": (
        *_CLINICIAN_VIEW,
        "orders.change_patientroutine",
    ),
    "patient": (),
    "integration": (),
}


def sync_role_groups(apps: Any = None) -> None:
    """Create the role groups and give each exactly its ``ROLE_PERMISSIONS`` (idempotent).

    ``apps``: a migration's app registry, or None for the live models."""
    if apps is None:
        from django.contrib.auth.models import Group, Permission
    else:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    for name in ROLE_GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for dotted in ROLE_PERMISSIONS[name]:
            app_label, codename = dotted.split(".", 1)
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is not None:
                wanted.append(perm)
        group.permissions.set(wanted)
