"""Demo users and role groups for ``make demo`` (never used in production)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token

from ammed_fhir.models import PatientAccount, PatientAssignment, PractitionerAccount

ROLE_GROUPS = ("physician", "pharmacist", "nurse", "patient", "integration")
DEMO_PASSWORD_HINT = "password = username"

# username → (role label, group, is_superuser)
_DEMO = {
    "admin": ("admin (superuser)", None, True),
    "dr_wang": ("physician", "physician", False),
    "pharm_sun": ("pharmacist", "pharmacist", False),
    "nurse_li": ("nurse (assigned)", "nurse", False),
    "nurse_zhao": ("nurse (unassigned)", "nurse", False),
    "zhang_wei": ("patient", "patient", False),
    "emr": ("integration (EMR)", "integration", False),
}
# Demo FHIR ids (fixtures/bundles).
DEMO_PRACTITIONER = "prac-wang"
DEMO_PATIENTS = ("demo-surgery", "demo-htn-dm")


def ensure_demo_users() -> dict[str, str]:
    """Create the role groups and demo users (idempotent); return role label → username."""
    from clinical.workspace.roles import sync_role_groups

    User = get_user_model()
    sync_role_groups()  # the groups and their model permissions (as the migration sets them)
    out: dict[str, str] = {}
    for username, (label, group, superuser) in _DEMO.items():
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_password(username)
        user.is_staff = superuser or group in {"physician", "pharmacist", "nurse"}
        user.is_superuser = superuser
        user.save()
        if group:
            user.groups.add(Group.objects.get(name=group))
        out[label] = username
    Token.objects.get_or_create(user=User.objects.get(username="emr"))
    return out


def link_demo_accounts() -> None:
    """Link demo users to the fixture Patient/Practitioner and assign the demo patients.

    dr_wang is linked to Practitioner ``prac-wang``; both demo Patients name that
    Practitioner as ``generalPractitioner``, so dr_wang is assigned through that link
    (whichever comes first: the link or the Patients); if this runs before the Patients
    are stored, dr_wang is assigned explicitly instead. nurse_li is assigned explicitly;
    nurse_zhao stays unassigned (the outsider).
    """
    User = get_user_model()
    PractitionerAccount.objects.get_or_create(
        user=User.objects.get(username="dr_wang"), defaults={"practitioner_id": DEMO_PRACTITIONER}
    )
    PatientAccount.objects.get_or_create(
        user=User.objects.get(username="zhang_wei"), defaults={"patient_id": DEMO_PATIENTS[0]}
    )
    for pid in DEMO_PATIENTS:
        for username in (
            "dr_wang",
            "pharm_sun",
            "nurse_li",
        ):  # dr_wang: usually already made from the GP link
            PatientAssignment.objects.get_or_create(
                patient_id=pid,
                user=User.objects.get(username=username),
                defaults={"source": "demo"},
            )
