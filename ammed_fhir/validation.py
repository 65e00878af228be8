"""Validation of FHIR resources with fhir.resources (R4B models serve R4 input).

fhir.resources checks structure, datatypes (dates, codes, ids…) and unknown elements with
pydantic; two FHIR rules it leaves out are added here so an EMR gets every problem at once:
required primitive elements (``Observation.status``) whose check the library only runs when
everything else passed, and required value-set bindings whose codes it lists but does not
enforce (``Observation.status = "bogus"``). Every issue carries its FHIRPath expression.
"""

from __future__ import annotations

import functools
import json
import typing
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ammed_fhir.outcomes import Issue, issue


class FhirValidationError(ValueError):
    """A resource failed validation; ``issues`` are OperationOutcome issues with expressions."""

    def __init__(self, issues: list[dict[str, Any]]):
        super().__init__("; ".join(i["diagnostics"] for i in issues))
        self.issues = issues


@functools.cache
def _model_class(resource_type: str) -> type | None:
    from fhir.resources.R4B import get_fhir_model_class

    try:
        return get_fhir_model_class(resource_type)
    except (KeyError, ValueError, AttributeError):
        return None


@functools.cache
def is_resource_type(name: str) -> bool:
    """True for the name of a FHIR resource (not a datatype) that R4B models know."""
    if not name or not name[0].isupper():
        return False
    cls = _model_class(name)
    if cls is None:
        return False
    from fhir_core.fhirabstractmodel import FHIRAbstractModel

    try:
        from fhir.resources.R4B.resource import Resource
    except ImportError:  # pragma: no cover
        return issubclass(cls, FHIRAbstractModel)
    return issubclass(cls, Resource)


def _fhirpath(prefix: str, loc: tuple[Any, ...]) -> str:
    out = prefix
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and part and part != "__root__" and "[" not in part:
            out += f".{part}"
    return out


# ---- rules fhir.resources does not enforce ---------------------------------------------


class _FieldRule(typing.NamedTuple):
    alias: str
    ext_alias: str | None
    required: bool  # required primitive (element_required)
    codes: frozenset[str] | None  # required binding (enum without "+")
    child: str | None  # complex datatype / backbone element class name
    many: bool


def _child_name(annotation: Any) -> tuple[str | None, bool]:
    """The FHIR class name behind a field annotation and whether it repeats."""
    many = False
    ann = annotation
    for _ in range(4):
        origin = typing.get_origin(ann)
        args = [a for a in typing.get_args(ann) if a is not type(None)]
        if origin in (list, typing.List):  # noqa: UP006
            many = True
            ann = args[0] if args else None
            continue
        if origin is typing.Union or (origin is not None and args and origin is not list):
            if origin is typing.Annotated:
                return None, many
            ann = args[0] if args else None
            continue
        break
    if ann is None or typing.get_origin(ann) is typing.Annotated:
        return None, many
    name = getattr(ann, "__name__", "")
    if name.endswith("Type") and name not in {"Type"}:
        base = name[: -len("Type")]
        if base and base[0].isupper() and base not in {"Code", "String", "Uri"}:
            return base, many
    return None, many


_BINDINGS_FILE = Path(__file__).resolve().parent / "data" / "required_bindings.json"


@functools.cache
def _extra_bindings() -> dict[str, frozenset[str]]:
    """``Type.element`` → allowed codes, from data/required_bindings.json (sourced rows)."""
    rows = json.loads(_BINDINGS_FILE.read_text(encoding="utf-8"))["bindings"]
    return {row["path"]: frozenset(row["codes"]) for row in rows}


@functools.cache
def _rules(class_name: str) -> tuple[_FieldRule, ...]:
    cls = _model_class(class_name)
    if cls is None:
        return ()
    rules = []
    for name, field in cls.model_fields.items():
        if name.endswith("__ext") or name in {"resource_type", "fhir_comments"}:
            continue
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        enum = extra.get("enum_values")
        codes = frozenset(enum) if isinstance(enum, list) and "+" not in enum else None
        codes = _extra_bindings().get(f"{class_name}.{field.alias or name}", codes)
        child, many = _child_name(field.annotation)
        if child in {"Resource", "Extension", "Narrative", "Meta"}:
            child = None  # contained resources are validated on their own; skip the rest
        if child is not None and _model_class(child) is None:
            child = None
        required = bool(extra.get("element_required"))
        if not (required or codes or child):
            continue
        ext = f"_{field.alias or name}"
        rules.append(_FieldRule(field.alias or name, ext, required, codes, child, many))
    return tuple(rules)


def _walk(class_name: str, data: Any, path: str, issues: list[Issue], depth: int = 0) -> None:
    if not isinstance(data, dict) or depth > 25:
        return
    for rule in _rules(class_name):
        value = data.get(rule.alias)
        if rule.required and value is None and not data.get(rule.ext_alias):
            issues.append(
                issue(
                    "required",
                    f"{path}.{rule.alias}: a value is required",
                    f"{path}.{rule.alias}",
                )
            )
            continue
        if value is None:
            continue
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            where = f"{path}.{rule.alias}" + (f"[{i}]" if isinstance(value, list) else "")
            if rule.codes is not None and isinstance(item, str) and item not in rule.codes:
                issues.append(
                    issue(
                        "code-invalid",
                        f"{where}: {item!r} is not one of {', '.join(sorted(rule.codes))}",
                        where,
                    )
                )
            elif rule.child is not None:
                _walk(rule.child, item, where, issues, depth + 1)


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
    try:
        _model_class(rtype).model_validate(resource)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err.get("loc", ()))
            where = _fhirpath(prefix, loc)
            missing = err.get("type") in {"missing", "model_field_validation.missing"}
            msg = err.get("msg", "invalid")
            issues.append(issue("required" if missing else "invalid", f"{where}: {msg}", where))
    except (ValueError, TypeError) as exc:  # model validators outside pydantic's error list
        issues.append(issue("invalid", f"{prefix}: {exc}", prefix))
    seen = {i["expression"][0] for i in issues if i.get("expression")}
    extra: list[Issue] = []
    _walk(rtype, resource, prefix, extra)
    issues += [i for i in extra if i["expression"][0] not in seen]
    return issues


# --- many resources of one shape ---------------------------------------------------------------

_SKELETONS: set[str] = set()  # skeletons validated in full (bounded: cleared when large)
_PLACEHOLDER_ID = "x"
_PLACEHOLDER_TEXT = "x"


@functools.cache
def _primitive_adapter(kind: str) -> Any:
    """A pydantic adapter for a list of FHIR ``id`` or ``string`` values, with the very
    constraints fhir.resources puts on those elements."""
    from fhir_core.types import Id, String
    from pydantic import TypeAdapter

    marker = Id() if kind == "id" else String()
    return TypeAdapter(list[typing.Annotated[str, marker]])


def _skeleton(comm: dict[str, Any], ids: list[str], strings: list[str]) -> dict[str, Any]:
    """``comm`` with its id, references and payload texts replaced by fixed valid values;
    the replaced values are appended to ``ids`` / ``strings``."""
    out = dict(comm)
    if isinstance(out.get("id"), str):
        ids.append(out["id"])
        out["id"] = _PLACEHOLDER_ID

    def ref(value: Any) -> Any:
        if isinstance(value, dict) and isinstance(value.get("reference"), str):
            strings.append(value["reference"])
            return {**value, "reference": f"{value['reference'].split('/')[0]}/x"}
        return value

    for key in ("subject", "sender"):
        if key in out:
            out[key] = ref(out[key])
    for key in ("recipient", "about", "basedOn", "partOf"):
        if isinstance(out.get(key), list):
            out[key] = [ref(v) for v in out[key]]
    if isinstance(out.get("payload"), list):
        payload = []
        for p in out["payload"]:
            if isinstance(p, dict) and isinstance(p.get("contentString"), str):
                strings.append(p["contentString"])
                p = {**p, "contentString": _PLACEHOLDER_TEXT}
            payload.append(p)
        out["payload"] = payload
    return out


def validate_communications(comms: list[dict[str, Any]]) -> None:
    """``validate_resource`` for many Communications that share a shape (the gate's batches).

    Each differs from its skeleton (``_skeleton``: id, references and payload texts replaced
    by fixed valid values) only in values of FHIR type ``id`` and ``string``. Every distinct
    skeleton is validated in full once per process; the replaced values of all the
    Communications are validated in one call per type, with the same constraints
    fhir.resources applies to those elements. A problem anywhere re-runs the full validation
    of the Communication(s) concerned, so the error is the one ``validate_resource`` gives.
    """
    if len(_SKELETONS) > 4096:
        _SKELETONS.clear()
    suspects: list[dict[str, Any]] = []
    all_ids: list[str] = []
    all_strings: list[str] = []
    for comm in comms:
        ids: list[str] = []
        strings: list[str] = []
        if not isinstance(comm, dict) or comm.get("resourceType") != "Communication":
            suspects.append(comm)
            continue
        key = json.dumps(_skeleton(comm, ids, strings), sort_keys=True, ensure_ascii=False)
        if key not in _SKELETONS:
            validate_resource(json.loads(key))
            _SKELETONS.add(key)
        all_ids += ids
        all_strings += strings
    try:
        _primitive_adapter("id").validate_python(all_ids)
        _primitive_adapter("string").validate_python(all_strings)
    except ValidationError:
        suspects = list(comms)
    for comm in suspects:
        validate_resource(comm)  # raises with the exact issues
