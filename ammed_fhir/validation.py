"""Validation of FHIR R4 (4.0.1) resources against the R4 element model.

The model (``data/fhir_r4_schema.json``) is generated from the HL7 R4 StructureDefinitions
and ValueSets by ``bench/gen_fhir_r4_schema.py``; it is compiled once per process into
plain dicts and every resource is walked once, collecting every problem with its FHIRPath
``expression``:

* structure: unknown elements, arrays where one value is allowed (and the reverse), ``null``
  (except as a placeholder in a primitive array whose ``_element`` holds the extension),
  more than one choice (``value[x]``), missing required elements (min 1), ``resourceType``
  that R4 does not define (R4B/R5-only types such as ``SubscriptionTopic`` are unknown);
* datatypes: JSON booleans for ``boolean``, JSON numbers for ``decimal``/``integer`` (within
  their ranges), the R4 regular expressions of ``id``, ``code``, ``uri``, ``date``,
  ``dateTime``, ``instant``, ``time``, ``base64Binary``, ``oid``, ``uuid`` (and real
  calendar dates);
* terminology: every required binding whose codes the specification enumerates (including
  ``Quantity.comparator``);
* references: ``Type/id[/_history/v]``, absolute URLs, ``urn:uuid:``/``urn:oid:`` or
  ``#local``; the type must be one the element allows (``Observation.subject`` may not be an
  Organization);
* invariants: ele-1 (no empty objects, arrays or strings), ref-1, per-1, dom-2, dom-3,
  dom-4, dom-5, obs-6, obs-7 and narrative safety (only an XHTML ``div``; no scripts, event
  handler attributes, ``javascript:`` URLs, frames, forms or embedded objects). Other
  invariants (qty-3's unit system, the ``bdl-*`` Bundle rules…) are not checked yet.

What R4 allows is kept: numbers are accepted as parsed (``Decimal`` keeps ``1.00``), and the
caller stores the JSON it validated, unchanged.
"""

from __future__ import annotations

import calendar
import functools
import json
import math
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from ammed_fhir.outcomes import Issue, issue

_SCHEMA_FILE = Path(__file__).resolve().parent / "data" / "fhir_r4_schema.json"


class FhirValidationError(ValueError):
    """A resource failed validation; ``issues`` are OperationOutcome issues with expressions."""

    def __init__(self, issues: list[dict[str, Any]]):
        super().__init__("; ".join(i["diagnostics"] for i in issues))
        self.issues = issues


class _El(NamedTuple):
    type: str
    many: bool
    required: bool
    choice: str | None
    codes: frozenset[str] | None
    targets: frozenset[str] | None
    primitive: bool


class _Type(NamedTuple):
    kind: str
    elements: dict[str, _El]
    required: tuple[tuple[str, tuple[str, ...]], ...]  # (label, names any of which satisfies)
    choices: dict[str, tuple[str, ...]]  # choice base -> its element names


@functools.cache
def _schema() -> dict[str, Any]:
    return json.loads(_SCHEMA_FILE.read_text(encoding="utf-8"))


@functools.cache
def _compiled() -> dict[str, _Type]:
    schema = _schema()
    raw_types = schema["types"]
    primitives = {n for n, t in raw_types.items() if t["k"] == "primitive"}
    valuesets = {url: frozenset(codes) for url, codes in schema["valuesets"].items()}
    out: dict[str, _Type] = {}
    for name, spec in raw_types.items():
        elements: dict[str, _El] = {}
        required: dict[str, list[str]] = {}
        choices: dict[str, list[str]] = {}
        for el_name, el in spec["e"].items():
            etype = el["t"]
            if el_name == "id" and spec["k"] != "resource":
                etype = "string"  # Element.id is a string, not an id
            if spec["k"] == "primitive" and el_name == "value":
                continue  # a primitive's own value is the JSON value itself
            tp = el.get("tp")
            targets = frozenset(tp) if tp and "Resource" not in tp else None
            elements[el_name] = _El(
                etype,
                bool(el.get("m")),
                bool(el.get("r")),
                el.get("c"),
                valuesets.get(el["vs"]) if "vs" in el else None,
                targets,
                etype in primitives,
            )
            if el.get("c"):
                choices.setdefault(el["c"], []).append(el_name)
            if el.get("r"):
                required.setdefault(el.get("c") or el_name, []).append(el_name)
        out[name] = _Type(
            spec["k"],
            elements,
            tuple((label, tuple(names)) for label, names in required.items()),
            {base: tuple(names) for base, names in choices.items() if len(names) > 1},
        )
    return out


@functools.cache
def resource_types() -> tuple[str, ...]:
    """Every concrete FHIR R4 (4.0.1) resource type, sorted."""
    return tuple(_schema()["resources"])


@functools.cache
def _resource_type_set() -> frozenset[str]:
    return frozenset(resource_types())


def is_resource_type(name: str) -> bool:
    """True for the name of a concrete FHIR R4 resource type (not a datatype, not R4B/R5)."""
    return isinstance(name, str) and name in _resource_type_set()


@functools.cache
def _model_class(resource_type: str) -> type | None:
    """fhir.resources' R4B model of a type, for metadata R4 shares (``isSummary`` for
    ``_summary``); validation itself does not use these models."""
    from fhir.resources.R4B import get_fhir_model_class

    try:
        return get_fhir_model_class(resource_type)
    except (KeyError, ValueError, AttributeError):
        return None


# ---- primitives -------------------------------------------------------------------------

_YEAR = r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)"
_MONTH = r"(0[1-9]|1[0-2])"
_DAY = r"(0[1-9]|[1-2][0-9]|3[0-1])"
_TIME = r"([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?"
_TZ = r"(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
_PATTERNS = {
    "id": re.compile(r"[A-Za-z0-9\-\.]{1,64}"),
    "code": re.compile(r"[^\s]+( [^\s]+)*"),
    "uri": re.compile(r"\S+"),
    "url": re.compile(r"\S+"),
    "canonical": re.compile(r"\S+"),
    "oid": re.compile(r"urn:oid:[0-2](\.(0|[1-9][0-9]*))+"),
    "uuid": re.compile(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
    "date": re.compile(rf"{_YEAR}(-{_MONTH}(-{_DAY})?)?"),
    "dateTime": re.compile(rf"{_YEAR}(-{_MONTH}(-{_DAY}(T{_TIME}{_TZ})?)?)?"),
    "instant": re.compile(rf"{_YEAR}-{_MONTH}-{_DAY}T{_TIME}{_TZ}"),
    "time": re.compile(_TIME),
    "base64Binary": re.compile(r"(\s*([0-9a-zA-Z\+/=]){4}\s*)+"),
}
_INT_RANGE = {
    "integer": (-2147483648, 2147483647),
    "unsignedInt": (0, 2147483647),
    "positiveInt": (1, 2147483647),
}
_STRINGY = {"string", "markdown", "xhtml", *_PATTERNS}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MAX_STRING = 1024 * 1024


def _bad_calendar(value: str) -> bool:
    """A date part that matches the pattern but not the calendar (1968-02-30)."""
    if len(value) < 10 or value[4] != "-" or value[7] != "-":
        return False
    year, month, day = int(value[0:4]), int(value[5:7]), int(value[8:10])
    return day > calendar.monthrange(year, month)[1]


def _primitive_problem(ptype: str, value: Any) -> str | None:
    """Why ``value`` is not a valid JSON value of FHIR primitive ``ptype`` (None when it is)."""
    if ptype == "boolean":
        return None if isinstance(value, bool) else "must be a JSON boolean (true/false)"
    if ptype == "decimal":
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            return "must be a JSON number"
        if isinstance(value, float) and not math.isfinite(value):
            return "must be a finite number"
        if isinstance(value, Decimal) and not value.is_finite():
            return "must be a finite number"
        return None
    if ptype in _INT_RANGE:
        if isinstance(value, bool) or not isinstance(value, int):
            return "must be a JSON integer"
        low, high = _INT_RANGE[ptype]
        return None if low <= value <= high else f"must be between {low} and {high}"
    if ptype in _STRINGY:
        if not isinstance(value, str):
            return "must be a JSON string"
        if not value:
            return "must not be empty (ele-1)"
        if len(value) > _MAX_STRING:
            return "is longer than 1 MiB"
        if _CONTROL.search(value):
            return "contains control characters"
        pattern = _PATTERNS.get(ptype)
        if pattern is not None and not pattern.fullmatch(value):
            return f"is not a valid {ptype}"
        if ptype in {"date", "dateTime", "instant"} and _bad_calendar(value):
            return f"is not a calendar {ptype}"
        if ptype == "xhtml":
            return _narrative_problem(value)
        return None
    return None  # pragma: no cover - every R4 primitive is handled above


# ---- narrative safety (txt-1, txt-2) ----------------------------------------------------

_DIV_START = re.compile(r"\s*<div\b[^>]*\bxmlns\s*=\s*([\"'])http://www\.w3\.org/1999/xhtml\1")
_TAG = re.compile(r"<\s*/?\s*([A-Za-z][A-Za-z0-9:_-]*)")
_EVENT_ATTR = re.compile(r"<[^>]*\s(on[a-z]+)\s*=", re.IGNORECASE)
_JS_URL = re.compile(
    r"(href|src|action|background|style)\s*=\s*[\"']?\s*(javascript|vbscript|data\s*:\s*text/html)",
    re.IGNORECASE,
)
_UNSAFE_TAGS = frozenset(
    {
        "script", "iframe", "frame", "frameset", "object", "embed", "applet", "form",
        "input", "button", "select", "textarea", "base", "link", "meta", "style", "svg",
        "math", "html", "head", "body", "title", "noscript", "template", "audio", "video",
        "source", "param",
    }
)  # fmt: skip


def _narrative_problem(div: str) -> str | None:
    """Narrative safety: an XHTML ``div`` with the XHTML namespace and no active content."""
    if not _DIV_START.match(div):
        return 'must be an XHTML <div xmlns="http://www.w3.org/1999/xhtml"> (txt-1)'
    for match in _TAG.finditer(div):
        if match.group(1).lower() in _UNSAFE_TAGS:
            return f"must not contain <{match.group(1)}> (txt-1, narrative safety)"
    if _EVENT_ATTR.search(div):
        return "must not contain event handler attributes (txt-1, narrative safety)"
    if _JS_URL.search(div):
        return "must not contain script URLs (txt-1, narrative safety)"
    return None


# ---- references -------------------------------------------------------------------------

_ID = r"[A-Za-z0-9\-\.]{1,64}"
_RELATIVE = re.compile(rf"([A-Z][A-Za-z]+)/({_ID})(/_history/({_ID}))?")
_ABSOLUTE = re.compile(rf"(https?)://\S+?/([A-Z][A-Za-z]+)/({_ID})(/_history/({_ID}))?")


def _reference_problem(ref: str, targets: frozenset[str] | None) -> str | None:
    """Why a ``Reference.reference`` string is malformed or points at a disallowed type."""
    if ref.startswith("#"):
        return None  # local: ref-1 is checked against the container
    if ref.startswith("urn:uuid:"):
        return None if _PATTERNS["uuid"].fullmatch(ref) else "is not a valid urn:uuid"
    if ref.startswith("urn:oid:"):
        return None if _PATTERNS["oid"].fullmatch(ref) else "is not a valid urn:oid"
    rtype: str | None = None
    relative = _RELATIVE.fullmatch(ref)
    if relative:
        rtype = relative.group(1)
        if not is_resource_type(rtype):
            return f"names {rtype!r}, which is not an R4 resource type"
    elif "://" in ref and not re.search(r"\s", ref):
        absolute = _ABSOLUTE.fullmatch(ref)
        if absolute and is_resource_type(absolute.group(2)):
            rtype = absolute.group(2)
    else:
        return (
            "must be Type/id, Type/id/_history/version, an absolute URL, urn:uuid:, urn:oid: or #id"
        )
    if rtype is not None and targets is not None and rtype not in targets:
        return f"may not point at a {rtype} (allowed: {', '.join(sorted(targets))})"
    return None


# ---- the walk ---------------------------------------------------------------------------


class _Context:
    """What one resource's checks share with its contained resources (ref-1, dom-3)."""

    __slots__ = ("contained_ids", "local_refs", "self_referring", "ref1", "current")

    def __init__(self, contained: Any) -> None:
        self.contained_ids: set[str] = set()
        if isinstance(contained, list):
            self.contained_ids = {
                c["id"] for c in contained if isinstance(c, dict) and isinstance(c.get("id"), str)
            }
        self.local_refs: set[str] = set()
        self.self_referring: set[str] = set()
        self.ref1: list[tuple[str, str]] = []
        self.current: str | None = None


def _fail(issues: list[Issue], code: str, where: str, text: str) -> None:
    issues.append(issue(code, f"{where}: {text}", where))


def _walk(tname: str, obj: Any, path: str, issues: list[Issue], ctx: _Context) -> None:
    if not isinstance(obj, dict):
        _fail(issues, "structure", path, f"must be a JSON object ({tname})")
        return
    if not obj:
        _fail(issues, "invariant", path, "must not be empty (ele-1)")
        return
    t = _compiled()[tname]
    elements = t.elements
    for key, value in obj.items():
        where = f"{path}.{key}"
        if key[0] == "_":
            el = elements.get(key[1:])
            if el is None or not el.primitive:
                _fail(issues, "structure", where, "unknown element")
            elif value is None:
                _fail(issues, "invalid", where, "null is not allowed")
            elif el.many:
                if not isinstance(value, list):
                    _fail(issues, "structure", where, "must be an array")
                    continue
                for i, item in enumerate(value):
                    if item is not None:
                        _walk("Element", item, f"{where}[{i}]", issues, ctx)
            else:
                _walk("Element", value, where, issues, ctx)
            continue
        el = elements.get(key)
        if el is None:
            if not (key == "resourceType" and t.kind == "resource"):
                _fail(issues, "structure", where, "unknown element")
            continue
        if value is None:
            if not (el.primitive and f"_{key}" in obj):
                _fail(issues, "invalid", where, "null is not allowed")
            continue
        if el.many:
            if not isinstance(value, list):
                _fail(issues, "structure", where, "must be an array")
                continue
            if not value:
                _fail(issues, "invariant", where, "must not be an empty array (ele-1)")
                continue
            ext = obj.get(f"_{key}") if el.primitive else None
            for i, item in enumerate(value):
                w = f"{where}[{i}]"
                if item is None:
                    if not (isinstance(ext, list) and i < len(ext) and ext[i] is not None):
                        _fail(issues, "invalid", w, "null is not allowed")
                    continue
                if key == "contained":
                    _contained(item, w, issues, ctx)
                else:
                    _value(el, item, w, issues, ctx)
        elif isinstance(value, list):
            _fail(issues, "structure", where, "must be a single value, not an array")
        else:
            _value(el, value, where, issues, ctx)
    for label, names in t.required:
        if not any(n in obj or f"_{n}" in obj for n in names):
            shown = f"{label}[x]" if len(names) > 1 else label
            _fail(issues, "required", f"{path}.{shown}", "a value is required")
    for base, names in t.choices.items():
        present = [n for n in names if n in obj or f"_{n}" in obj]
        if len(present) > 1:
            _fail(issues, "structure", f"{path}.{base}[x]", f"only one of {', '.join(present)}")
    hook = _HOOKS.get(tname)
    if hook is not None:
        hook(obj, path, issues)


def _value(el: _El, item: Any, where: str, issues: list[Issue], ctx: _Context) -> None:
    if el.primitive:
        problem = _primitive_problem(el.type, item)
        if problem is not None:
            shown = item if not isinstance(item, str) or len(item) < 80 else item[:77] + "..."
            _fail(issues, "value", where, f"{shown!r} {problem}")
        elif el.codes is not None and item not in el.codes:
            _fail(
                issues,
                "code-invalid",
                where,
                f"{item!r} is not one of {', '.join(sorted(el.codes))}",
            )
        elif el.type in {"canonical", "uri"} and item[0] == "#":
            ctx.local_refs.add(item[1:])
        return
    if el.type == "Resource":
        _resource(item, where, issues)
        return
    _walk(el.type, item, where, issues, ctx)
    if el.type == "Reference" and isinstance(item, dict):
        ref = item.get("reference")
        if isinstance(ref, str) and ref:
            problem = _reference_problem(ref, el.targets)
            if problem is not None:
                _fail(issues, "value", f"{where}.reference", f"{ref!r} {problem}")
            elif ref == "#":
                if ctx.current is not None:
                    ctx.self_referring.add(ctx.current)
            elif ref[0] == "#":
                ctx.local_refs.add(ref[1:])
                ctx.ref1.append((ref[1:], f"{where}.reference"))


def _contained(item: Any, where: str, issues: list[Issue], ctx: _Context) -> None:
    if not isinstance(item, dict):
        _fail(issues, "structure", where, "must be a JSON object (a resource)")
        return
    if "contained" in item:
        _fail(
            issues,
            "invariant",
            f"{where}.contained",
            "contained resources SHALL NOT contain resources (dom-2)",
        )
    meta = item.get("meta")
    if isinstance(meta, dict):
        if "versionId" in meta or "lastUpdated" in meta:
            _fail(
                issues,
                "invariant",
                f"{where}.meta",
                "a contained resource SHALL NOT have meta.versionId or meta.lastUpdated (dom-4)",
            )
        if "security" in meta:
            _fail(
                issues,
                "invariant",
                f"{where}.meta.security",
                "a contained resource SHALL NOT have security labels (dom-5)",
            )
    if not isinstance(item.get("id"), str):
        _fail(issues, "required", f"{where}.id", "a contained resource needs an id")
    outer = ctx.current
    ctx.current = item.get("id") if isinstance(item.get("id"), str) else None
    _resource(item, where, issues, ctx)
    ctx.current = outer


def _resource(obj: Any, path: str, issues: list[Issue], ctx: _Context | None = None) -> None:
    if not isinstance(obj, dict):
        _fail(issues, "structure", path, "a resource must be a JSON object")
        return
    rtype = obj.get("resourceType")
    if not isinstance(rtype, str) or not rtype:
        _fail(issues, "required", f"{path}.resourceType", "resourceType is missing")
        return
    if not is_resource_type(rtype):
        _fail(
            issues,
            "not-supported",
            f"{path}.resourceType",
            f"unknown resourceType {rtype!r} (not FHIR R4)",
        )
        return
    own = ctx is None
    if ctx is None:
        ctx = _Context(obj.get("contained"))
    _walk(rtype, obj, path, issues, ctx)
    if not own:
        return
    for ref, where in ctx.ref1:
        if ref not in ctx.contained_ids:
            _fail(issues, "invariant", where, f"'#{ref}' names no contained resource (ref-1)")
    contained = obj.get("contained")
    if isinstance(contained, list):
        for i, item in enumerate(contained):
            cid = item.get("id") if isinstance(item, dict) else None
            if isinstance(cid, str) and cid not in ctx.local_refs and cid not in ctx.self_referring:
                _fail(
                    issues,
                    "invariant",
                    f"{path}.contained[{i}]",
                    f"contained resource {cid!r} is not referenced from the resource (dom-3)",
                )


# ---- invariants of types and resources --------------------------------------------------


def _lower_upper(value: str) -> tuple[Any, Any] | None:
    from datetime import datetime

    if "T" in value:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return (moment, moment) if moment.tzinfo is not None else None
    return None


def _period(obj: dict[str, Any], path: str, issues: list[Issue]) -> None:
    start, end = obj.get("start"), obj.get("end")
    if not (isinstance(start, str) and isinstance(end, str)):
        return
    s, e = _lower_upper(start), _lower_upper(end)
    if s is not None and e is not None:
        later = s[0] > e[0]
    else:
        n = min(len(start), len(end), 10)
        later = start[:n] > end[:n]
    if later:
        _fail(issues, "invariant", path, f"start {start} is after end {end} (per-1)")


def _codings(concept: Any) -> set[tuple[Any, Any]]:
    if not isinstance(concept, dict) or not isinstance(concept.get("coding"), list):
        return set()
    return {(c.get("system"), c.get("code")) for c in concept["coding"] if isinstance(c, dict)}


def _observation(obj: dict[str, Any], path: str, issues: list[Issue]) -> None:
    has_value = any(k.startswith("value") for k in obj)
    if has_value and "dataAbsentReason" in obj:
        _fail(
            issues,
            "invariant",
            f"{path}.dataAbsentReason",
            "dataAbsentReason SHALL only be present if value[x] is not present (obs-6)",
        )
    components = obj.get("component")
    if has_value and isinstance(components, list):
        own = _codings(obj.get("code"))
        for i, comp in enumerate(components):
            if isinstance(comp, dict) and own & _codings(comp.get("code")):
                _fail(
                    issues,
                    "invariant",
                    f"{path}.component[{i}].code",
                    "a component with the Observation's own code: the Observation SHALL NOT have a value (obs-7)",
                )


def _component(obj: dict[str, Any], path: str, issues: list[Issue]) -> None:
    if "dataAbsentReason" in obj and any(k.startswith("value") for k in obj):
        _fail(
            issues,
            "invariant",
            f"{path}.dataAbsentReason",
            "dataAbsentReason SHALL only be present if value[x] is not present (obs-6)",
        )


_HOOKS = {
    "Period": _period,
    "Observation": _observation,
    "Observation.component": _component,
}


# ---- entry points -----------------------------------------------------------------------


def validate_resource(resource: dict[str, Any], path: str = "") -> None:
    """Raise FhirValidationError naming every problem with its FHIRPath expression."""
    issues = resource_issues(resource, path)
    if issues:
        raise FhirValidationError(issues)


def resource_issues(resource: Any, path: str = "") -> list[Issue]:
    """Every validation problem of ``resource`` (empty when valid). ``path`` prefixes paths."""
    rtype = resource.get("resourceType") if isinstance(resource, dict) else None
    prefix = path or (rtype if isinstance(rtype, str) and rtype else "resource")
    if not isinstance(resource, dict):
        return [issue("structure", f"{prefix}: a resource must be a JSON object", prefix)]
    if not isinstance(rtype, str) or not rtype:
        return [issue("required", f"{prefix}: resourceType is missing", prefix)]
    if not is_resource_type(rtype):
        return [issue("not-supported", f"{prefix}: unknown resourceType {rtype!r}", prefix)]
    issues: list[Issue] = []
    _resource(resource, prefix, issues)
    return issues


def validate_communications(comms: list[dict[str, Any]]) -> None:
    """``validate_resource`` for many Communications (the gate's batches): the walk is cheap
    enough to run in full on each; the first invalid one raises its own issues."""
    for comm in comms:
        validate_resource(comm)
