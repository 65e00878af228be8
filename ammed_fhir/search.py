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
    "Flag",
)
# type → parameter → (kind, documentation)
SEARCH_PARAMS: dict[str, dict[str, tuple[str, str]]] = {
    "Patient": {
        "_id": ("token", "Logical id"),
        "identifier": ("token", "A patient identifier (system|value or value)"),
        "name": (
            "string",
            "A name part (text, family, given, prefix, suffix) starting with the value, any case",
        ),
        "gender": ("token", "male | female | other | unknown"),
        "birthdate": ("date", "Birth date, with prefixes ge/gt/le/lt/eq"),
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
for _t in ("MedicationRequest", "Communication", "CarePlan", "Flag"):
    SEARCH_PARAMS[_t]["status"] = ("token", "Status code; comma-separated means any of")
for _params in SEARCH_PARAMS.values():
    _params["_lastUpdated"] = ("date", "When the version was stored, with prefixes")

# _include: type → parameter → (target type, JSON elements holding the reference)
INCLUDES: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "MedicationRequest": {"patient": ("Patient", ("subject",))},
    "Observation": {"patient": ("Patient", ("subject",)), "subject": ("Patient", ("subject",))},
    "Condition": {"patient": ("Patient", ("subject",)), "subject": ("Patient", ("subject",))},
    "CarePlan": {"patient": ("Patient", ("subject",)), "subject": ("Patient", ("subject",))},
    "Communication": {
        "patient": ("Patient", ("subject",)),
        "subject": ("Patient", ("subject",)),
        "recipient": ("Patient", ("recipient",)),
    },
}
# _sort: name → column (every type: _id, _lastUpdated; date where the type has one)
_SORTS = {"_id": "resource_id", "_lastUpdated": "last_updated", "date": "effective"}
_SUMMARY = {"true", "false", "text", "data", "count"}
_RESULT_PARAMS = {
    "_count",
    "_offset",
    "_format",
    "_sort",
    "_total",
    "_totalMethod",  # fhirpy's count() sends it (Aidbox); the total is always counted
    "_summary",
    "_elements",
    "_include",
    "_revinclude",
}
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
    updated: list[tuple[str, datetime, datetime]] = field(default_factory=list)
    birthdates: list[tuple[str, datetime, datetime]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    genders: list[str] = field(default_factory=list)
    count: int = 0
    offset: int = 0
    sort: list[str] = field(default_factory=list)  # column names, "-" for descending
    total: str = "accurate"  # accurate | none (estimate is accurate here)
    summary: str = ""
    elements: list[str] = field(default_factory=list)
    include: list[tuple[str, str]] = field(default_factory=list)  # (param, target type)
    revinclude: list[tuple[str, str]] = field(default_factory=list)  # (source type, param)


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


def parse_since(raw: str | None, where: str = "_since") -> datetime | None:
    """The one reader of ``_since`` (``_history``, ``$everything``, ``$export``).

    R4 types ``_since`` as an instant, so a dateTime must carry its zone; a bare date
    (``2026``, ``2026-11``, ``2026-11-29``) is taken as the start of that period in the
    server's zone, which is how ``_history`` has always read it. Anything else is a 400
    naming the parameter."""
    if not raw:
        return None
    if len(raw) > 10:
        moment = parse_datetime(raw.replace("Z", "+00:00")) if "T" in raw else None
        if moment is None or is_naive(moment):
            raise FhirError.one(
                400, "invalid", f"{where} {raw!r} must be an instant with a zone", where
            )
        return moment
    rng = _date_range(raw)
    if rng is None:
        raise FhirError.one(400, "invalid", f"{where} {raw!r} is not a FHIR instant", where)
    return rng[0]


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
        if name in _RESULT_PARAMS and name not in {"_count", "_offset"}:
            problem = _result_param(req, name, value)
            if problem:
                issues.append(
                    issue("not-supported" if "supported" in problem else "invalid", problem, where)
                )
            continue
        if name in _RESULT_PARAMS:
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
        if base in {"_lastUpdated", "birthdate"}:
            prefix = value[:2] if value[:2] in _DATE_PREFIXES else "eq"
            raw = value[2:] if value[:2] in _DATE_PREFIXES else value
            rng = _date_range(raw)
            if rng is None:
                issues.append(issue("invalid", f"{name} {value!r} is not a FHIR date", where))
                continue
            (req.updated if base == "_lastUpdated" else req.birthdates).append((prefix, *rng))
        elif base == "name":
            req.names.append(value)
        elif base == "gender":
            req.genders += _token_values(value)
        elif base == "_id":
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


def _result_param(req: SearchRequest, name: str, value: str) -> str:
    """Apply one result parameter to ``req``; a problem's description, or ""."""
    rtype = req.resource_type
    if name in {"_format", "_totalMethod"}:
        return ""
    if name == "_total":
        if value not in {"none", "estimate", "accurate"}:
            return f"_total {value!r} is not none, estimate or accurate"
        req.total = "none" if value == "none" else "accurate"
        return ""
    if name == "_summary":
        if value not in _SUMMARY:
            return f"_summary {value!r} is not one of {', '.join(sorted(_SUMMARY))}"
        req.summary = value
        return ""
    if name == "_elements":
        req.elements += [n.strip() for n in value.split(",") if n.strip()]
        return ""
    if name == "_sort":
        for part in value.split(","):
            part = part.strip()
            key = part.lstrip("-")
            column = _SORTS.get(key)
            if column is None or (key == "date" and "date" not in SEARCH_PARAMS.get(rtype, {})):
                allowed = "_id, _lastUpdated" + (
                    ", date" if "date" in SEARCH_PARAMS.get(rtype, {}) else ""
                )
                return f"_sort {part!r} is not supported on {rtype} (supported: {allowed})"
            req.sort.append(("-" if part.startswith("-") else "") + column)
        return ""
    if name == "_include":
        parts = value.split(":")
        target = INCLUDES.get(rtype, {}).get(parts[1]) if len(parts) in {2, 3} else None
        if parts[0] != rtype or target is None or (len(parts) == 3 and parts[2] != target[0]):
            return (
                f"_include {value!r} is not supported on {rtype} (supported: "
                + (", ".join(f"{rtype}:{p}" for p in INCLUDES.get(rtype, {})) or "none")
                + ")"
            )
        req.include.append((parts[1], target[0]))
        return ""
    if name == "_revinclude":
        parts = value.split(":")
        target = INCLUDES.get(parts[0], {}).get(parts[1]) if len(parts) in {2, 3} else None
        if target is None or target[0] != rtype or (len(parts) == 3 and parts[2] != rtype):
            return f"_revinclude {value!r} is not supported on {rtype}"
        req.revinclude.append((parts[0], parts[1]))
        return ""
    return f"{name} is not supported"


def _apply_dates(qs: QuerySet, column: str, dates: list[tuple[str, datetime, datetime]]):
    for prefix, start, end in dates:
        if prefix == "ge":
            qs = qs.filter(**{f"{column}__gte": start})
        elif prefix == "gt":
            qs = qs.filter(**{f"{column}__gte": end})
        elif prefix == "le":
            qs = qs.filter(**{f"{column}__lt": end})
        elif prefix == "lt":
            qs = qs.filter(**{f"{column}__lt": start})
        else:
            qs = qs.filter(**{f"{column}__gte": start, f"{column}__lt": end})
    return qs


def _apply_birthdates(qs: QuerySet, dates: list[tuple[str, datetime, datetime]]) -> QuerySet:
    """``birthDate`` is text (YYYY[-MM[-DD]]) in the JSON: compared as ISO strings."""
    from django.db.models.fields.json import KT

    qs = qs.annotate(_birth=Cast(KT("data__birthDate"), TextField()))  # plain text (SQLite)
    for prefix, start, end in dates:
        lo, hi = start.date().isoformat(), end.date().isoformat()
        if prefix == "ge":
            qs = qs.filter(_birth__gte=lo)
        elif prefix == "gt":
            qs = qs.filter(_birth__gte=hi)
        elif prefix == "le":
            qs = qs.filter(_birth__lt=hi)
        elif prefix == "lt":
            qs = qs.filter(_birth__lt=lo)
        else:
            qs = qs.filter(_birth__gte=lo, _birth__lt=hi)
    return qs


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
    qs = _apply_dates(qs, "effective", req.dates)
    qs = _apply_dates(qs, "last_updated", req.updated)
    if req.birthdates:
        qs = _apply_birthdates(qs, req.birthdates)
    if req.genders:
        from django.db.models.fields.json import KT

        # Cast to text: on SQLite, `__in` on a JSON key wraps each value in JSON() ("malformed
        # JSON" for a bare token); a text column compares plain strings on both databases.
        gender = Cast(KT("data__gender"), TextField())
        qs = qs.annotate(_gender=gender).filter(_gender__in=req.genders)
    for value in req.names:
        qs = _name_starts_with(qs, value)
    return qs


# FHIR string search: a HumanName matches when one of its string parts starts with the
# value, case-insensitively (https://hl7.org/fhir/R4/search.html#string).
_NAME_PARTS = ("text", "family", "given[*]", "prefix[*]", "suffix[*]")
_REGEX_META = set(".^$*+?()[]{}|\\")


def _name_starts_with(qs: QuerySet, value: str) -> QuerySet:
    table = Resource._meta.db_table
    if connection.vendor == "postgresql":
        pattern = "^" + "".join(f"\\{c}" if c in _REGEX_META else c for c in value)
        literal = pattern.replace("\\", "\\\\").replace('"', '\\"')
        cond = " || ".join(f'@.{part} like_regex "{literal}" flag "i"' for part in _NAME_PARTS)
        return qs.extra(
            where=[f'jsonb_path_exists("{table}"."data", %s::jsonpath)'],
            params=[f"$.name[*] ? ({cond})"],
        )
    like = value.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return qs.extra(
        where=[
            f"""EXISTS (SELECT 1 FROM json_tree("{table}"."data", '$.name') AS t
            WHERE t.type = 'text' AND (t.key IN ('text', 'family') OR t.path LIKE '%%.given'
            OR t.path LIKE '%%.prefix' OR t.path LIKE '%%.suffix')
            AND lower(t.value) LIKE %s ESCAPE '\\')"""
        ],
        params=[like],
    )


def run(
    req: SearchRequest, visible: set[str] | None = None, *, scope: Q | None = None
) -> tuple[int, list[dict[str, Any]]]:
    """(total, the page of resources) for ``req``."""
    qs = queryset(req, visible, scope=scope)
    total = qs.count() if req.total != "none" or req.count == 0 else -1
    if req.count == 0:
        return total, []
    order = [*req.sort, "id"] if req.sort else ["effective", "id"]
    rows = qs.order_by(*order).values_list("data", flat=True)
    return total, list(rows[req.offset : req.offset + req.count])


_REVINCLUDE_LIMIT = 1000  # rows one _revinclude may add to a page


def _refs_to(resource: dict[str, Any], elements: tuple[str, ...], target: str) -> set[str]:
    from ammed_fhir.search_columns import reference_id

    out = set()
    for name in elements:
        value = resource.get(name)
        for ref in value if isinstance(value, list) else [value]:
            rid = reference_id(ref, target)
            if rid:
                out.add(rid)
    return out


def included(
    req: SearchRequest,
    rows: list[dict[str, Any]],
    *,
    scope_for: Any,
    readable: Any,
) -> list[dict[str, Any]]:
    """The resources ``_include``/``_revinclude`` add to a page of ``rows``, inside the
    caller's compartment: ``scope_for(type)`` is ``access.search_scope`` for the caller,
    ``readable(resource)`` its ``access.can_read_fhir`` check."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    page = {(r.get("resourceType"), r.get("id")) for r in rows}
    for param, target in req.include:
        elements = INCLUDES[req.resource_type][param][1]
        ids = set().union(*(_refs_to(r, elements, target) for r in rows)) if rows else set()
        if not ids:
            continue
        qs = Resource.objects.filter(resource_type=target, resource_id__in=ids)
        scope = scope_for(target)
        if scope is not None:
            qs = qs.filter(scope)
        for data in qs.values_list("data", flat=True):
            if readable(data):
                found[(target, data["id"])] = data
    ids = {r["id"] for r in rows}
    for source, param in req.revinclude:
        if not ids:
            break
        elements = INCLUDES[source][param][1]
        qs = Resource.objects.filter(resource_type=source).filter(
            Q(patient_id__in=ids) | Q(other_patients__has_any_keys=sorted(ids))
        )
        scope = scope_for(source)
        if scope is not None:
            qs = qs.filter(scope)
        rows_in = qs.order_by("effective", "id").values_list("data", flat=True)
        for data in rows_in[:_REVINCLUDE_LIMIT]:
            if _refs_to(data, elements, req.resource_type) & ids and readable(data):
                found[(source, data["id"])] = data
    return [data for key, data in found.items() if key not in page]
