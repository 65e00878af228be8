"""FHIR search: parameters parsed into a typed request before they touch storage.

Supported (and announced in the CapabilityStatement from ``SEARCH_PARAMS``):
``Patient?identifier=``; ``patient=`` (or ``subject=``) on the clinical types;
``Observation?code=&date=``; ``status=`` on MedicationRequest, Communication and CarePlan;
``_id`` everywhere; ``_count``/``_offset`` paging. Anything else is refused (400) rather
than silently ignored, so a client never mistakes an unfiltered page for a filtered one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils.dateparse import parse_datetime
from django.utils.timezone import get_default_timezone, is_naive, make_aware

from ammed_fhir.models import Resource
from ammed_fhir.outcomes import FhirError, Issue, issue

_CLINICAL = (
    "Condition",
    "MedicationRequest",
    "Observation",
    "AllergyIntolerance",
    "Procedure",
    "Encounter",
    "CarePlan",
    "Communication",
)
# type → parameter → (kind, documentation)
SEARCH_PARAMS: dict[str, dict[str, tuple[str, str]]] = {
    "Patient": {
        "_id": ("token", "Logical id"),
        "identifier": ("token", "A patient identifier (system|value or value)"),
    },
    "Practitioner": {
        "_id": ("token", "Logical id"),
        "identifier": ("token", "A practitioner identifier (system|value or value)"),
    },
}
for _t in _CLINICAL:
    SEARCH_PARAMS[_t] = {
        "_id": ("token", "Logical id"),
        "patient": ("reference", "The patient (Patient/id or id) whose record holds it"),
        "subject": ("reference", "Same as patient (Patient subjects only)"),
    }
SEARCH_PARAMS["Observation"]["code"] = ("token", "LOINC or other code (system|code or code)")
SEARCH_PARAMS["Observation"]["date"] = ("date", "Effective time, with prefixes ge/gt/le/lt/eq")
for _t in ("MedicationRequest", "Communication", "CarePlan"):
    SEARCH_PARAMS[_t]["status"] = ("token", "Status code; comma-separated means any of")

_RESULT_PARAMS = {"_count", "_offset", "_format"}
_MAX_PAGING = 2**63 - 1  # PostgreSQL's OFFSET/LIMIT are bigints
_DATE_PREFIXES = ("ge", "gt", "le", "lt", "eq")


@dataclass
class SearchRequest:
    """A parsed search: filters by column, plus paging."""

    resource_type: str
    ids: list[str] = field(default_factory=list)
    patient_id: str | None = None
    statuses: list[str] = field(default_factory=list)
    codes: list[list[str]] = field(default_factory=list)  # AND of ORs
    identifiers: list[list[str]] = field(default_factory=list)
    dates: list[tuple[str, datetime, datetime]] = field(default_factory=list)
    count: int = 0
    offset: int = 0


def _token_values(raw: str) -> list[str]:
    """``a,b`` → any of; ``system|code`` exact; ``code`` or ``|code`` any system."""
    out = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        if part.startswith("|"):
            part = part[1:]
        out.append(part)
    return out


def _date_range(raw: str) -> tuple[datetime, datetime] | None:
    """A FHIR date/dateTime as the [start, end) interval its precision covers."""
    tz = get_default_timezone()
    try:
        if len(raw) == 4 and raw.isdigit():
            start = datetime(int(raw), 1, 1)
            end = datetime(int(raw) + 1, 1, 1)
        elif len(raw) == 7 and raw[4] == "-":
            y, m = int(raw[:4]), int(raw[5:7])
            start = datetime(y, m, 1)
            end = datetime(y + (m == 12), m % 12 + 1, 1)
        elif len(raw) == 10:
            start = datetime.strptime(raw, "%Y-%m-%d")
            end = start + timedelta(days=1)
        else:
            dt = parse_datetime(raw)
            if dt is None:
                return None
            start, end = dt, dt + timedelta(seconds=1)
        if is_naive(start):
            start, end = make_aware(start, tz), make_aware(end, tz)
        start.astimezone(UTC), end.astimezone(UTC)  # stored and compared in UTC
    except (ValueError, OverflowError):  # 9999-12-31T23:59:59 + 1 s, year 0 in UTC…
        return None
    return start, end


def parse(resource_type: str, params: list[tuple[str, str]]) -> SearchRequest:
    """Parse query parameters; raise FhirError(400) naming every unsupported or bad one."""
    supported = SEARCH_PARAMS.get(resource_type)
    if supported is None:
        raise FhirError.one(
            400, "not-supported", f"search is not supported on {resource_type}", resource_type
        )
    req = SearchRequest(resource_type, count=settings.FHIR_DEFAULT_PAGE_SIZE)
    issues: list[Issue] = []
    for name, value in params:
        where = f"{resource_type}?{name}"
        if "\x00" in name or "\x00" in value:  # PostgreSQL text cannot hold NUL
            issues.append(issue("invalid", "a search parameter contains a NUL character", where))
            continue
        if name in _RESULT_PARAMS:
            if name == "_format":
                continue
            # ASCII digits only ("²".isdigit() is true), and no more than a bigint holds
            if not (value.isascii() and value.isdigit()) or len(value) > 19:
                issues.append(issue("invalid", f"{name} must be a non-negative integer", where))
                continue
            if int(value) > _MAX_PAGING:
                issues.append(issue("invalid", f"{name} must be at most {_MAX_PAGING}", where))
                continue
            if name == "_count":
                req.count = min(int(value), settings.FHIR_MAX_PAGE_SIZE)
            else:
                req.offset = int(value)
            continue
        base = name.split(":", 1)[0]
        if base not in supported or ":" in name:
            issues.append(
                issue(
                    "not-supported",
                    f"search parameter {name!r} is not supported on {resource_type} "
                    f"(supported: {', '.join(sorted(supported))})",
                    where,
                )
            )
            continue
        if not value:
            issues.append(issue("invalid", f"{name} needs a value", where))
            continue
        if base == "_id":
            req.ids += _token_values(value)
        elif base in {"patient", "subject"}:
            ref = value.split("/")
            if len(ref) == 2 and ref[0] != "Patient" or len(ref) > 2:
                issues.append(issue("invalid", f"{name} must be Patient/<id> or <id>", where))
                continue
            req.patient_id = ref[-1]
        elif base == "status":
            req.statuses += _token_values(value)
        elif base == "code":
            req.codes.append(_token_values(value))
        elif base == "identifier":
            req.identifiers.append(_token_values(value))
        elif base == "date":
            prefix = value[:2] if value[:2] in _DATE_PREFIXES else "eq"
            raw = value[2:] if value[:2] in _DATE_PREFIXES else value
            rng = _date_range(raw)
            if rng is None:
                issues.append(issue("invalid", f"date {value!r} is not a FHIR date", where))
                continue
            req.dates.append((prefix, *rng))
    if issues:
        raise FhirError(400, issues)
    return req


def _json_list_has_any(qs: QuerySet, column: str, values: list[str]) -> QuerySet:
    """Rows whose JSON string-array ``column`` holds any of ``values``."""
    from django.db.models import Q

    cond = Q()
    if connection.vendor == "postgresql":
        for v in values:
            cond |= Q(**{f"{column}__contains": [v]})
        return qs.filter(cond)
    alias = f"_{column}_text"
    qs = qs.annotate(**{alias: Cast(column, TextField())})
    for v in values:
        cond |= Q(**{f"{alias}__contains": json.dumps(v)})
    return qs.filter(cond)


def queryset(
    req: SearchRequest, visible: set[str] | None = None, *, scope: Q | None = None
) -> QuerySet:
    """The rows matching ``req`` (inside the ``visible`` patient ids; None = all), and
    inside ``scope`` when given (``ammed_fhir.access.search_scope``)."""
    qs = Resource.objects.filter(resource_type=req.resource_type)
    if visible is not None:
        qs = qs.filter(patient_id__in=visible)
    if scope is not None:
        qs = qs.filter(scope)
    if req.ids:
        qs = qs.filter(resource_id__in=req.ids)
    if req.patient_id is not None:
        qs = qs.filter(patient_id=req.patient_id)
    if req.statuses:
        qs = qs.filter(status__in=req.statuses)
    for values in req.codes:
        qs = _json_list_has_any(qs, "codes", values)
    for values in req.identifiers:
        qs = _json_list_has_any(qs, "identifiers", values)
    for prefix, start, end in req.dates:
        if prefix == "ge":
            qs = qs.filter(effective__gte=start)
        elif prefix == "gt":
            qs = qs.filter(effective__gte=end)
        elif prefix == "le":
            qs = qs.filter(effective__lt=end)
        elif prefix == "lt":
            qs = qs.filter(effective__lt=start)
        else:
            qs = qs.filter(effective__gte=start, effective__lt=end)
    return qs


def run(
    req: SearchRequest, visible: set[str] | None = None, *, scope: Q | None = None
) -> tuple[int, list[dict[str, Any]]]:
    """(total, the page of resources) for ``req``."""
    qs = queryset(req, visible, scope=scope)
    total = qs.count()
    if req.count == 0:
        return total, []
    rows = qs.order_by("effective", "id").values_list("data", flat=True)
    return total, list(rows[req.offset : req.offset + req.count])
