"""Who may see which patient. Everything outside your compartment looks missing (404).

Roles are Django groups: ``physician``, ``pharmacist``, ``nurse``, ``patient``, ``integration``.
- superusers see everything;
- ``integration`` accounts (EMR systems) may push and read every patient, never sign off;
- clinicians (physician, pharmacist, nurse) see the patients assigned to them (who may sign
  off what: ``clinical.workspace.signoff``);
- a patient user sees only their own compartment, and of its Communications only the
  released messages addressed to them and their own (``patient_may_see``).

Compartments follow the R4 Patient CompartmentDefinition (``ammed_fhir.compartments``): a
resource is in the compartment of every Patient it references from a listed element
(``Resource.patient_id`` plus ``Resource.other_patients``). /fhir uses ``can_read_fhir`` and
``search_scope``; resources in no compartment are shared only when their type is reference
data (Practitioner, Medication...), else only integrations and superusers see them.

Assignments are ``PatientAssignment`` rows (made in the admin, through
``POST /api/v1/assignments``, or from ``Patient.generalPractitioner`` naming a Practitioner
linked to a user by ``PractitionerAccount``). Each one is mirrored as a django-guardian
object permission ``ammed_fhir.view_compartment`` on the stored Patient resource, and that
object permission is what visibility checks read. Signals keep the two in step; a Patient
stored after its assignment gets the permission when it is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection
from django.db.models import Q
from django.http import Http404

from ammed_fhir import compartments
from ammed_fhir.models import PatientAccount, PatientAssignment, PractitionerAccount, Resource
from ammed_fhir.write_policy import MESSAGE_CATEGORY_SYSTEM

ROLES = ("physician", "pharmacist", "nurse", "patient", "integration")
CLINICIAN_ROLES = ("physician", "pharmacist", "nurse")
VIEW_PERM = "view_compartment"  # object permission on the Patient's Resource row

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
    from guardian.shortcuts import get_objects_for_user

    assigned = get_objects_for_user(
        user,
        f"ammed_fhir.{VIEW_PERM}",
        klass=Resource.objects.filter(resource_type="Patient"),
        use_groups=False,
        with_superuser=False,
        accept_global_perms=False,
    ).values_list("resource_id", flat=True)
    ids = set(assigned)
    own = own_patient_id(user)
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


def can_write_fhir(user: User) -> bool:
    """EMR integrations and administrators push resources through /fhir."""
    return bool(getattr(user, "is_superuser", False)) or has_role(user, "integration")


def can_sign_off(user: User) -> bool:
    """Clinicians (and administrators) sign off held messages; integrations never do."""
    if not getattr(user, "is_authenticated", False):
        return False
    if has_role(user, "integration"):
        return False
    return bool(getattr(user, "is_superuser", False)) or is_clinician(user)


def can_manage_assignments(user: User) -> bool:
    """Administrators and EMR integrations assign patients to clinicians."""
    return can_write_fhir(user)


def can_read_resource(user: User, patient_id: str) -> bool:
    """A resource in a patient's compartment needs that patient; others need a login.

    Coarse (one compartment, no content rules): /fhir reads use ``can_read_fhir``."""
    if not getattr(user, "is_authenticated", False):
        return False
    if not patient_id:
        return True
    return can_access_patient(user, patient_id)


# ---- /fhir read, vread and search: compartments and what a patient may see --------------


def assigned_patient_ids(user: User) -> set[str]:
    """The patients assigned to ``user`` (django-guardian object permissions), own excluded."""
    if not getattr(user, "is_authenticated", False):
        return set()
    from guardian.shortcuts import get_objects_for_user

    return set(
        get_objects_for_user(
            user,
            f"ammed_fhir.{VIEW_PERM}",
            klass=Resource.objects.filter(resource_type="Patient"),
            use_groups=False,
            with_superuser=False,
            accept_global_perms=False,
        ).values_list("resource_id", flat=True)
    )


def is_staff_alert(comm: dict[str, Any]) -> bool:
    """A care-team alert (``gate.alert_care_team``, escalations): category ``alert`` of
    AM-Med's message categories. Never shown to a patient."""
    codings = [
        coding
        for concept in comm.get("category") or []
        if isinstance(concept, dict)
        for coding in concept.get("coding") or []
        if isinstance(coding, dict)
    ]
    return any(
        c.get("system") == MESSAGE_CATEGORY_SYSTEM and c.get("code") == "alert" for c in codings
    )


def patient_may_see(resource: dict[str, Any], own: str) -> bool:
    """What a patient sees of a resource in their own compartment. Everything but
    Communications; of those, the released messages addressed to them (``completed`` with
    ``recipient`` = ``Patient/<own>``) and the ones they sent, never a care-team alert. Held
    (``on-hold``), rejected (``not-done``) and draft messages look missing."""
    if resource.get("resourceType") != "Communication":
        return True
    if is_staff_alert(resource):
        return False
    ref = f"Patient/{own}"
    if (resource.get("sender") or {}).get("reference") == ref:
        return True
    recipients = resource.get("recipient")
    return resource.get("status") == "completed" and any(
        isinstance(r, dict) and r.get("reference") == ref
        for r in (recipients if isinstance(recipients, list) else [])
    )


def can_read_fhir(user: User, resource: dict[str, Any], patient_ids: set[str]) -> bool:
    """May ``user`` read ``resource`` (one version of it) through /fhir?

    ``patient_ids``: every Patient compartment it is in (``compartments.patients_of``).
    Integration accounts and superusers read everything. A clinician reads the
    compartments of the patients assigned to them. A patient user reads their own
    compartment, with ``patient_may_see``'s limits. A resource in no compartment is
    readable by every logged-in user only when its type is shared reference data
    (Practitioner, Organization, Medication...); otherwise by nobody but the first two.
    Checking many rows (history, ``$everything``, ``$export``): use ``fhir_reader``.
    """
    return fhir_reader(user)(resource, patient_ids)


def fhir_reader(user: User) -> Callable[[dict[str, Any], set[str]], bool]:
    """``can_read_fhir`` for one user over many rows: the user's roles, assigned patients
    and own patient are read once (at first need), not once per row. Build one per request
    or job; it does not see assignments changed after it read them."""
    if not getattr(user, "is_authenticated", False):
        return lambda resource, patient_ids: False
    if sees_all_patients(user):
        return lambda resource, patient_ids: True
    known: dict[str, Any] = {}

    def assigned() -> set[str]:
        if "assigned" not in known:
            known["assigned"] = assigned_patient_ids(user)
        return known["assigned"]

    def own() -> str | None:
        if "own" not in known:
            known["own"] = own_patient_id(user)
        return known["own"]

    def readable(resource: dict[str, Any], patient_ids: set[str]) -> bool:
        if not patient_ids:
            return compartments.is_shared_type(str(resource.get("resourceType") or ""))
        if patient_ids & assigned():
            return True
        mine = own()
        return bool(mine) and mine in patient_ids and patient_may_see(resource, mine)

    return readable


def search_scope(user: User, resource_type: str) -> Q | None:
    """The rows of ``resource_type`` a /fhir search by ``user`` may return, as a filter
    (None: all), with the rules of ``can_read_fhir`` so totals never count hidden rows."""
    if sees_all_patients(user):
        return None
    nothing = Q(pk__in=[])
    if not getattr(user, "is_authenticated", False):
        return nothing
    if compartments.is_shared_type(resource_type):
        return None
    scope = nothing
    assigned = sorted(assigned_patient_ids(user))
    if assigned:
        scope |= Q(patient_id__in=assigned) | Q(other_patients__has_any_keys=assigned)
    own = own_patient_id(user)
    if own:
        mine = Q(patient_id=own) | Q(other_patients__has_key=own)
        if resource_type == "Communication":
            mine &= _patient_communications(own)
        scope |= mine
    return scope


def _patient_communications(own: str) -> Q:
    """``patient_may_see`` for Communications, as SQL."""
    ref = f"Patient/{own}"
    if connection.vendor != "postgresql":
        return _patient_communications_sqlite(ref)
    alert = [{"coding": [{"system": MESSAGE_CATEGORY_SYSTEM, "code": "alert"}]}]
    released_to_me = Q(status="completed", data__recipient__contains=[{"reference": ref}])
    sent_by_me = Q(data__sender__reference=ref)
    not_alert = Q(data__category__isnull=True) | ~Q(data__category__contains=alert)
    return (released_to_me | sent_by_me) & not_alert


def _patient_communications_sqlite(ref: str) -> Q:
    if connection.vendor != "sqlite":
        return Q(pk__in=[])  # fail closed on a database without a rule written for it
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL

    table = Resource._meta.db_table
    sql = (
        f"((({table}.status = 'completed' AND EXISTS (SELECT 1 FROM json_each({table}.data, "
        "'$.recipient') r WHERE json_extract(r.value, '$.reference') = %s)) "
        f"OR json_extract({table}.data, '$.sender.reference') = %s) "
        f"AND NOT EXISTS (SELECT 1 FROM json_each({table}.data, '$.category') c, "
        "json_each(c.value, '$.coding') k WHERE json_extract(k.value, '$.system') = %s "
        "AND json_extract(k.value, '$.code') = 'alert'))"
    )
    return Q(RawSQL(sql, [ref, ref, MESSAGE_CATEGORY_SYSTEM], output_field=BooleanField()))


# ---- assignments and their guardian object permissions ---------------------------------


def assign(user: AbstractBaseUser, patient_id: str, source: str = "api") -> PatientAssignment:
    """Make ``user`` responsible for ``patient_id`` (idempotent); grants the object permission."""
    assignment, _ = PatientAssignment.objects.get_or_create(
        patient_id=patient_id, user=user, defaults={"source": source}
    )
    grant(assignment.user_id, [patient_id])
    return assignment


def unassign(user: AbstractBaseUser, patient_id: str) -> int:
    """Remove the assignment and its object permission; returns how many were removed."""
    deleted = 0
    for assignment in PatientAssignment.objects.filter(patient_id=patient_id, user=user):
        assignment.delete()  # the post_delete signal revokes the permission
        deleted += 1
    return deleted


def _permission():
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(Resource)
    return Permission.objects.get(content_type=ct, codename=VIEW_PERM)


def grant(user_id: int, patient_ids: Iterable[str]) -> None:
    """Give ``user_id`` the object permission on each stored Patient of ``patient_ids``."""
    from guardian.models import UserObjectPermission

    rows = list(
        Resource.objects.filter(
            resource_type="Patient", resource_id__in=list(patient_ids)
        ).values_list("id", flat=True)
    )
    if not rows:
        return
    perm = _permission()
    have = set(
        UserObjectPermission.objects.filter(
            user_id=user_id, permission=perm, object_pk__in=[str(r) for r in rows]
        ).values_list("object_pk", flat=True)
    )
    UserObjectPermission.objects.bulk_create(
        [
            UserObjectPermission(
                user_id=user_id,
                permission=perm,
                content_type_id=perm.content_type_id,
                object_pk=str(r),
            )
            for r in rows
            if str(r) not in have
        ]
    )


def revoke(user_id: int, patient_id: str) -> None:
    from guardian.models import UserObjectPermission

    rows = Resource.objects.filter(resource_type="Patient", resource_id=patient_id).values_list(
        "id", flat=True
    )
    UserObjectPermission.objects.filter(
        user_id=user_id, permission=_permission(), object_pk__in=[str(r) for r in rows]
    ).delete()


def on_assignment_saved(sender, instance: PatientAssignment, **kwargs) -> None:
    grant(instance.user_id, [instance.patient_id])


def on_assignment_deleted(sender, instance: PatientAssignment, **kwargs) -> None:
    revoke(instance.user_id, instance.patient_id)


def on_patients_stored(patients: list[dict]) -> None:
    """After Patients are stored: assignments from ``generalPractitioner``, then permissions
    for every assignment that names them (including ones made before the Patient arrived)."""
    from ammed_fhir.search_columns import reference_id

    ids = [str(p["id"]) for p in patients]
    wanted: dict[str, set[str]] = {}
    for patient in patients:
        for ref in patient.get("generalPractitioner") or []:
            prac = reference_id(ref, "Practitioner")
            if prac:
                wanted.setdefault(prac, set()).add(str(patient["id"]))
    if wanted:
        accounts = PractitionerAccount.objects.filter(practitioner_id__in=wanted).values_list(
            "practitioner_id", "user_id"
        )
        for prac, user_id in accounts:
            for pid in sorted(wanted[prac]):
                PatientAssignment.objects.get_or_create(
                    patient_id=pid, user_id=user_id, defaults={"source": "generalPractitioner"}
                )
    by_user: dict[int, list[str]] = {}
    for pid, user_id in PatientAssignment.objects.filter(patient_id__in=ids).values_list(
        "patient_id", "user_id"
    ):
        by_user.setdefault(user_id, []).append(pid)
    for user_id, pids in by_user.items():
        grant(user_id, pids)


def on_practitioner_linked(sender, instance: PractitionerAccount, **kwargs) -> None:
    """Linking a user to a Practitioner assigns the stored Patients naming it as their GP."""
    from django.db import connection

    from ammed_fhir.search_columns import reference_id

    ref = f"Practitioner/{instance.practitioner_id}"
    patients = Resource.objects.filter(resource_type="Patient")
    if connection.vendor == "postgresql":
        patients = patients.filter(data__generalPractitioner__contains=[{"reference": ref}])
    for pid, data in patients.values_list("resource_id", "data"):
        gps = data.get("generalPractitioner") or []
        if any(reference_id(gp, "Practitioner") == instance.practitioner_id for gp in gps):
            PatientAssignment.objects.get_or_create(
                patient_id=pid, user_id=instance.user_id, defaults={"source": "generalPractitioner"}
            )
