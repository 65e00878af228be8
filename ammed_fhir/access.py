"""Who may see which patient. Everything outside your compartment looks missing (404).

Roles are Django groups: ``physician``, ``nurse``, ``patient``, ``integration``.
- superusers see everything;
- ``integration`` accounts (EMR systems) may push and read every patient, never sign off;
- clinicians (physician, nurse) see the patients assigned to them;
- a patient user sees only their own compartment.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import Http404

from ammed_fhir.models import PatientAccount, PatientAssignment

ROLES = ("physician", "nurse", "patient", "integration")
CLINICIAN_ROLES = ("physician", "nurse")

User = AbstractBaseUser | AnonymousUser


def roles_of(user: User) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))


def has_role(user: User, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_clinician(user: User) -> bool:
    return has_role(user, *CLINICIAN_ROLES)


def sees_all_patients(user: User) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, "integration")


def visible_patient_ids(user: User) -> set[str] | None:
    """The patient ids ``user`` may see, or None meaning "all"."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if sees_all_patients(user):
        return None
    ids = set(PatientAssignment.objects.filter(user=user).values_list("patient_id", flat=True))
    own = PatientAccount.objects.filter(user=user).values_list("patient_id", flat=True).first()
    if own:
        ids.add(own)
    return ids


def can_access_patient(user: User, patient_id: str) -> bool:
    visible = visible_patient_ids(user)
    return visible is None or patient_id in visible


def require_patient(user: User, patient_id: str) -> None:
    """Raise Http404 unless ``user`` may see ``patient_id`` (forbidden looks like unknown)."""
    if not patient_id or not can_access_patient(user, patient_id):
        raise Http404("patient not found")


def own_patient_id(user: User) -> str | None:
    """The FHIR Patient id of a patient user, else None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return PatientAccount.objects.filter(user=user).values_list("patient_id", flat=True).first()


def on_patients_stored(patients: list[dict]) -> None:
    """Assign each stored Patient to the users linked to its ``generalPractitioner``."""
    from ammed_fhir.models import PractitionerAccount
    from ammed_fhir.search_columns import reference_id

    wanted: dict[str, set[str]] = {}
    for patient in patients:
        for ref in patient.get("generalPractitioner") or []:
            prac = reference_id(ref, "Practitioner")
            if prac:
                wanted.setdefault(prac, set()).add(str(patient["id"]))
    if not wanted:
        return
    accounts = PractitionerAccount.objects.filter(practitioner_id__in=wanted).values_list(
        "practitioner_id", "user_id"
    )
    for prac, user_id in accounts:
        for pid in sorted(wanted[prac]):
            PatientAssignment.objects.get_or_create(
                patient_id=pid, user_id=user_id, defaults={"source": "generalPractitioner"}
            )


def can_write_fhir(user: User) -> bool:
    """EMR integrations and administrators push resources through /fhir."""
    return bool(getattr(user, "is_superuser", False)) or has_role(user, "integration")


def can_sign_off(user: User) -> bool:
    """Clinicians (and administrators) sign off held messages; integrations never do."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(getattr(user, "is_superuser", False)) or is_clinician(user)


def can_read_resource(user: User, patient_id: str) -> bool:
    """A resource in a patient's compartment needs that patient; others need a login."""
    if not getattr(user, "is_authenticated", False):
        return False
    if not patient_id:
        return True
    return can_access_patient(user, patient_id)
