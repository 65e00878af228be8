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

from django.db import transaction
from django.utils import timezone

from ammed_fhir import events, search_columns
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
        wanted = code if "|" in code else f"|{code}"
        system, value = wanted.split("|", 1)
        rows = [
            r
            for r in rows
            if any(c == wanted or (not system and c.split("|", 1)[1] == value) for c in r[1])
        ]
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


@transaction.atomic
def write(resource: dict[str, Any]) -> dict[str, Any]:
    """Create or update one resource (new id when absent); validates, versions, publishes.

    Raises ``ammed_fhir.validation.FhirValidationError`` on an invalid resource.
    """
    resource = dict(resource)
    rtype = resource.get("resourceType", "")
    resource.setdefault("id", str(uuid.uuid4()))
    validate_resource(resource)
    now = timezone.now()
    existing = (
        Resource.objects.select_for_update()
        .filter(resource_type=rtype, resource_id=resource["id"])
        .first()
    )
    version = existing.version_id + 1 if existing else 1
    stored = _meta(resource, version, now)
    cols = search_columns.columns(stored)
    if existing:
        for key, value in cols.items():
            setattr(existing, key, value)
        existing.version_id = version
        existing.last_updated = now
        existing.data = stored
        existing.save()
    else:
        Resource.objects.create(
            resource_type=rtype,
            resource_id=resource["id"],
            version_id=version,
            last_updated=now,
            data=stored,
            **cols,
        )
    ResourceVersion.objects.create(
        resource_type=rtype,
        resource_id=resource["id"],
        version_id=version,
        last_updated=now,
        data=stored,
    )
    events.publish_on_commit(
        [
            events.Change(
                rtype,
                resource["id"],
                version,
                cols["patient_id"],
                "update" if existing else "create",
            )
        ]
    )
    return stored
