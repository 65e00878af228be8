"""The read/write API that domain apps use for FHIR resources.

Domain code never touches ``Resource`` rows directly: it reads a patient's record and
writes AM-Med-authored resources (CarePlan, Communication, Observation) through here,
so versioning, search columns and change events stay consistent.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from django.db import connection, models, transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from ammed_fhir import events, fhirjson, search_columns
from ammed_fhir.models import Resource, ResourceVersion
from ammed_fhir.validation import validate_resource


def _meta(resource: dict[str, Any], version_id: int, when: datetime) -> dict[str, Any]:
    out = dict(resource)
    meta = dict(out.get("meta") or {})
    meta["versionId"] = str(version_id)
    meta["lastUpdated"] = when.isoformat(timespec="milliseconds")
    out["meta"] = meta
    return out


def read(resource_type: str, resource_id: str) -> dict[str, Any] | None:
    """The current version of a resource, or None."""
    row = (
        Resource.objects.filter(resource_type=resource_type, resource_id=resource_id)
        .only("data")
        .first()
    )
    return row.data if row else None


# The JSON as text, decoded with orjson: several times faster than the ORM's json.loads,
# which shows where many records are read at once (a batch of reminders, the nightly sweep).
_TEXT = Cast("data", TextField())


def read_many(resource_type: str, resource_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The current versions of several resources of one type, by id (absent ids left out)."""
    rows = (
        Resource.objects.filter(resource_type=resource_type, resource_id__in=set(resource_ids))
        .annotate(text=_TEXT)
        .values_list("resource_id", "text")
    )
    return {rid: orjson.loads(text) for rid, text in rows}


def search(
    resource_type: str,
    *,
    patient_id: str | None = None,
    status: str | list[str] | None = None,
    code: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    order: str = "effective",
) -> list[dict[str, Any]]:
    """Resources of one type filtered by the indexed columns. ``code`` is ``system|code`` or ``|code``/``code``."""
    qs = Resource.objects.filter(resource_type=resource_type)
    if patient_id is not None:
        qs = qs.filter(patient_id=patient_id)
    if isinstance(status, str):
        qs = qs.filter(status=status)
    elif status:
        qs = qs.filter(status__in=status)
    if since is not None:
        qs = qs.filter(effective__gte=since)
    if until is not None:
        qs = qs.filter(effective__lt=until)
    rows = list(qs.order_by(order, "id").values_list("data", "codes"))
    if code:
        wanted = code[1:] if code.startswith("|") else code
        rows = [r for r in rows if wanted in (r[1] or [])]
    return [r[0] for r in rows]


@dataclass
class PatientRecord:
    """Everything stored about one patient that the clinical engines read."""

    patient: dict[str, Any]
    conditions: list[dict[str, Any]] = field(default_factory=list)
    medication_requests: list[dict[str, Any]] = field(default_factory=list)
    observations: list[dict[str, Any]] = field(default_factory=list)
    allergies: list[dict[str, Any]] = field(default_factory=list)
    procedures: list[dict[str, Any]] = field(default_factory=list)
    encounters: list[dict[str, Any]] = field(default_factory=list)
    careplans: list[dict[str, Any]] = field(default_factory=list)


_RECORD_TYPES = {
    "Condition": "conditions",
    "MedicationRequest": "medication_requests",
    "Observation": "observations",
    "AllergyIntolerance": "allergies",
    "Procedure": "procedures",
    "Encounter": "encounters",
    "CarePlan": "careplans",
}


def patient_record(patient_id: str) -> PatientRecord | None:
    """The patient's record in one query, each list ordered by effective time; None if unknown."""
    rows = (
        Resource.objects.filter(
            patient_id=patient_id, resource_type__in=["Patient", *_RECORD_TYPES]
        )
        .order_by("effective", "id")
        .values_list("resource_type", "data")
    )
    patient: dict[str, Any] | None = None
    buckets: dict[str, list[dict[str, Any]]] = {v: [] for v in _RECORD_TYPES.values()}
    for rtype, data in rows:
        if rtype == "Patient":
            patient = data
        else:
            buckets[_RECORD_TYPES[rtype]].append(data)
    if patient is None:
        return None
    return PatientRecord(patient=patient, **buckets)


def patient_records(
    patient_ids: list[str] | set[str],
    types: tuple[str, ...] | None = None,
    observation_codes: list[str] | None = None,
) -> dict[str, PatientRecord]:
    """Several patients' records in one query (unknown patients are absent from the result).

    ``types`` narrows what is read (e.g. only Conditions, MedicationRequests and
    AllergyIntolerances for the output monitor); the other lists stay empty.
    ``observation_codes``: on PostgreSQL, only Observations carrying one of these codes
    (the indexed ``codes`` column), never a patient's whole history of readings.
    """
    ids = sorted(set(patient_ids))
    if not ids:
        return {}
    wanted = [t for t in _RECORD_TYPES if types is None or t in types]
    which = Q(resource_type__in=["Patient", *wanted])
    if observation_codes is not None and "Observation" in wanted:
        which = Q(resource_type__in=["Patient", *(t for t in wanted if t != "Observation")])
        obs = Q(resource_type="Observation")
        if connection.vendor == "postgresql":
            obs &= Q(codes__has_any_keys=observation_codes)
        which |= obs
    rows = (
        Resource.objects.filter(which, patient_id__in=ids)
        .order_by("effective", "id")
        .annotate(text=_TEXT)
        .values_list("patient_id", "resource_type", "text")
    )
    patients: dict[str, dict[str, Any]] = {}
    buckets: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for pid, rtype, text in rows:
        data = orjson.loads(text)
        if rtype == "Patient":
            patients[pid] = data
        else:
            buckets.setdefault(pid, {v: [] for v in _RECORD_TYPES.values()})[
                _RECORD_TYPES[rtype]
            ].append(data)
    return {
        pid: PatientRecord(
            patient=patient,
            **(buckets.get(pid) or {v: [] for v in _RECORD_TYPES.values()}),
        )
        for pid, patient in patients.items()
    }


@transaction.atomic
def write(resource: dict[str, Any]) -> dict[str, Any]:
    """Create or update one resource (new id when absent); validates, versions, publishes.

    Raises ``ammed_fhir.validation.FhirValidationError`` on an invalid resource.
    """
    resource = dict(resource)
    resource.setdefault("id", str(uuid.uuid4()))
    validate_resource(resource)
    return write_validated([resource])[0][0]


@transaction.atomic
def write_many(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Validate and store several resources in one transaction (all or nothing)."""
    prepared = []
    for resource in resources:
        resource = dict(resource)
        resource.setdefault("id", str(uuid.uuid4()))
        validate_resource(resource)
        prepared.append(resource)
    return [stored for stored, _ in write_validated(prepared)]


def write_validated(
    resources: list[dict[str, Any]],
    *,
    fresh: set[tuple[str, str]] | None = None,
    origin: str = "",
) -> list[tuple[dict[str, Any], str]]:
    """Store already-validated resources (each with ``resourceType`` and ``id``) in bulk.

    Invariants: one current row per (type, id) holding the current version; every version
    it supersedes is kept in ``ResourceVersion`` (so every version is kept, and a create
    writes one row, not two), search columns recomputed from the stored JSON, one change
    event per resource published when the surrounding transaction commits. Constant number
    of queries whatever the count (one locking read, bulk insert/update, bulk version
    insert). Returns (stored, action) pairs, action ``create`` or ``update``. The same
    (type, id) twice: the later one wins, the earlier one is kept as a version. ``fresh``
    names (type, id) keys the caller just minted (server uuids for creates): they are not
    looked up, which saves the locking read for them.
    ``origin`` is recorded on the change events (``events.Change.origin``).
    """
    if not resources:
        return []
    now = timezone.now()
    with transaction.atomic():
        keys = {(r["resourceType"], r["id"]) for r in resources} - (fresh or set())
        existing = _lock_existing(keys) if keys else {}
        # an id written again after a deletion continues its version numbers
        kept = _kept_versions(keys - set(existing)) if keys - set(existing) else {}
        new_rows: dict[tuple[str, str], Resource] = {}
        changed_rows: dict[tuple[str, str], Resource] = {}
        versions: list[ResourceVersion] = []
        superseded: set[tuple[str, str]] = set()  # stored rows this batch replaces
        out: list[tuple[dict[str, Any], str]] = []
        changes: list[events.Change] = []
        for resource in resources:
            key = (resource["resourceType"], resource["id"])
            row = existing.get(key) or new_rows.get(key)
            version = row.version_id + 1 if row is not None else kept.get(key, 0) + 1
            stored = _meta(resource, version, now)
            cols = search_columns.columns(stored)
            action = "update" if row is not None else "create"
            if row is not None and key in existing and key not in superseded:
                superseded.add(key)  # the stored current version: copied in SQL below
            elif row is not None:  # written earlier in this batch: it becomes history
                versions.append(
                    ResourceVersion(
                        resource_type=key[0],
                        resource_id=key[1],
                        version_id=row.version_id,
                        last_updated=row.last_updated,
                        data=row.data,
                    )
                )
            if row is None:
                row = Resource(
                    resource_type=key[0],
                    resource_id=key[1],
                    version_id=version,
                    last_updated=now,
                    data=stored,
                    **cols,
                )
                new_rows[key] = row
            else:
                row.version_id = version
                row.last_updated = now
                row.data = stored
                for name, value in cols.items():
                    setattr(row, name, value)
                if key in existing:
                    changed_rows[key] = row
            out.append((stored, action))
            changes.append(
                events.Change(key[0], key[1], version, cols["patient_id"], action, origin)
            )
        dumped: dict[int, str] = {}  # the same JSON may go to both tables: encode it once
        if superseded:
            _keep_current_versions(superseded)  # before the rows are overwritten
        if new_rows:
            _bulk_insert(Resource, list(new_rows.values()), dumped)
        if changed_rows:
            Resource.objects.bulk_update(
                list(changed_rows.values()),
                ["version_id", "last_updated", "data", *_COLUMN_FIELDS],
                batch_size=1000,
            )
        if versions:
            _bulk_insert(ResourceVersion, versions, dumped)
        _after_write([stored for stored, _ in out])
        events.publish_on_commit(changes)
    return out


_COLUMN_FIELDS = ["patient_id", "other_patients", "status", "codes", "identifiers", "effective"]


def _keep_current_versions(keys: set[tuple[str, str]]) -> None:
    """Copy the current rows of ``keys`` into ``ResourceVersion`` inside the database (their
    JSON never travels to Python and back): they are about to be superseded."""
    current = Resource.objects.filter(_keys_query(keys)).values_list(
        "resource_type", "resource_id", "version_id", "last_updated", "data"
    )
    sql, params = current.query.sql_with_params()
    table = connection.ops.quote_name(ResourceVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (resource_type, resource_id, version_id, last_updated, data) "
            + sql,
            params,
        )


def read_version(resource_type: str, resource_id: str, version_id: int) -> dict[str, Any] | None:
    """One version of a resource: the current row when it is that version, else history
    (None for a deletion: see ``is_deletion``)."""
    for model in (Resource, ResourceVersion):
        data = (
            model.objects.filter(
                resource_type=resource_type, resource_id=resource_id, version_id=version_id
            )
            .values_list("data", flat=True)
            .first()
        )
        if data is not None:
            return None if is_deletion(data) else data
    return None


# A deletion is a history version whose JSON is this marker (no resource): the current row
# goes, every version stays, and the next write of the same id continues the numbering.
DELETED = "_deleted"


def is_deletion(data: Any) -> bool:
    return isinstance(data, dict) and data.get(DELETED) is True


def deleted_version(resource_type: str, resource_id: str) -> tuple[int, dict[str, Any]] | None:
    """When the resource's latest version is a deletion: (its version, the last version
    before it, or {} if none is kept); else None."""
    rows = list(
        ResourceVersion.objects.filter(resource_type=resource_type, resource_id=resource_id)
        .order_by("-version_id")
        .values_list("version_id", "data")[:2]
    )
    if not rows or not is_deletion(rows[0][1]) or read(resource_type, resource_id) is not None:
        return None
    return rows[0][0], (rows[1][1] if len(rows) > 1 else {})


@transaction.atomic
def delete(resource_type: str, resource_id: str, *, if_match: int | None = None) -> int | None:
    """Delete a resource: its current version moves to history, followed by a deletion
    version; a ``delete`` change event goes out on commit. Returns the deletion's version,
    None when nothing current was there. ``if_match``: the version the caller last read;
    another one raises ``VersionMismatch``."""
    row = (
        Resource.objects.select_for_update()
        .filter(resource_type=resource_type, resource_id=resource_id)
        .defer("data")
        .first()
    )
    if if_match is not None and (row is None or row.version_id != if_match):
        raise VersionMismatch(row.version_id if row is not None else None)
    if row is None:
        return None
    now = timezone.now()
    version = row.version_id + 1
    _keep_current_versions({(resource_type, resource_id)})
    ResourceVersion.objects.create(
        resource_type=resource_type,
        resource_id=resource_id,
        version_id=version,
        last_updated=now,
        data={
            "resourceType": resource_type,
            "id": resource_id,
            "meta": {"versionId": str(version), "lastUpdated": now.isoformat()},
            DELETED: True,
        },
    )
    patient_id = row.patient_id
    if resource_type == "Patient":  # its compartment permissions name this row
        from guardian.models import UserObjectPermission

        UserObjectPermission.objects.filter(
            content_type__app_label="ammed_fhir",
            content_type__model="resource",
            object_pk=str(row.pk),
        ).delete()
    row.delete()
    events.publish_on_commit(
        [events.Change(resource_type, resource_id, version, patient_id, "delete")]
    )
    return version


class VersionMismatch(Exception):
    """``if_match`` named another version than the stored one (None: nothing stored)."""

    def __init__(self, current: int | None):
        super().__init__(f"current version {current}")
        self.current = current


def history(
    resource_type: str, resource_id: str | None = None, *, since: datetime | None = None
) -> tuple[models.QuerySet, models.QuerySet]:
    """(current rows, kept versions) of one resource or of a whole type, newest first; each
    yields (resource_id, version_id, last_updated, data) tuples."""
    out = []
    for model in (Resource, ResourceVersion):
        qs = model.objects.filter(resource_type=resource_type)
        if resource_id is not None:
            qs = qs.filter(resource_id=resource_id)
        if since is not None:
            qs = qs.filter(last_updated__gte=since)
        out.append(
            qs.order_by("-last_updated", "-version_id").values_list(
                "resource_id", "version_id", "last_updated", "data"
            )
        )
    return out[0], out[1]


def _bulk_insert(
    model: type[models.Model], rows: list[models.Model], dumped: dict[int, str]
) -> None:
    """Insert many rows: PostgreSQL ``COPY`` (no per-row SQL, no array quoting), else bulk_create."""
    if connection.vendor != "postgresql" or len(rows) < 20:
        model.objects.bulk_create(rows, batch_size=1000)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    # wrap_database_errors: a unique violation surfaces as django.db.IntegrityError
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(sql) as copy,
    ):
        for row in rows:
            values = []
            for f in fields:
                value = getattr(row, f.attname)
                if f.attname in json_fields:
                    text = dumped.get(id(value))
                    if text is None:
                        text = dumped[id(value)] = fhirjson.dumps(value).decode()
                    value = text
                values.append(value)
            copy.write_row(values)


def _kept_versions(keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The highest kept history version of each of ``keys`` that has one (deleted ids)."""
    rows = (
        ResourceVersion.objects.filter(_keys_query(keys))
        .values("resource_type", "resource_id")
        .annotate(top=models.Max("version_id"))
        .values_list("resource_type", "resource_id", "top")
    )
    return {(t, i): v for t, i, v in rows}


def _lock_existing(keys: set[tuple[str, str]]) -> dict[tuple[str, str], Resource]:
    """Current rows for ``keys``, locked for update, in one query."""
    rows = Resource.objects.select_for_update().filter(_keys_query(keys)).defer("data")
    return {(r.resource_type, r.resource_id): r for r in rows}


def _keys_query(keys: set[tuple[str, str]]) -> Q:
    """Rows whose (resource_type, resource_id) is in ``keys``: one IN list per type."""
    by_type: dict[str, list[str]] = {}
    for rtype, rid in keys:
        by_type.setdefault(rtype, []).append(rid)
    query = Q()
    for rtype, ids in by_type.items():
        query |= Q(resource_type=rtype, resource_id__in=ids)
    return query


def _after_write(stored: list[dict[str, Any]]) -> None:
    """Access side effects of stored Patients (assignments from generalPractitioner)."""
    patients = [r for r in stored if r.get("resourceType") == "Patient"]
    if patients:
        from ammed_fhir import access

        access.on_patients_stored(patients)
