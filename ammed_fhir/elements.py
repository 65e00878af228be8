"""``_summary`` and ``_elements``: the subset of a resource a client asked for.

``_summary=true`` keeps the elements R4 marks as summary (``isSummary``, read from the
fhir.resources R4B models); ``text`` keeps text, id and meta; ``data`` drops the narrative;
``false`` keeps everything; ``count`` only applies to search. ``_elements=a,b`` keeps the
named top-level elements (with ``id``, ``meta`` and ``resourceType``). A subset is marked
with the ``SUBSETTED`` tag, as R4 requires.
"""

from __future__ import annotations

import functools
from typing import Any

from ammed_fhir.outcomes import FhirError

SUMMARY_VALUES = {"true", "false", "text", "data", "count"}
_SUBSETTED = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
    "code": "SUBSETTED",
}
_ALWAYS = {"resourceType", "id", "meta"}


@functools.cache
def summary_elements(resource_type: str) -> frozenset[str]:
    from fhir.resources.R4B import get_fhir_model_class

    try:
        cls = get_fhir_model_class(resource_type)
    except (KeyError, ValueError, AttributeError, ImportError):
        return frozenset()
    names = set()
    for name, info in cls.model_fields.items():
        if (info.json_schema_extra or {}).get("summary_element_property"):
            names.add(info.alias or name)
    return frozenset(names)


def options(params: Any) -> tuple[str, list[str]]:
    """(``_summary`` value or "", ``_elements`` names) from a QueryDict or a list of pairs;
    FhirError(400) for a bad value."""
    if hasattr(params, "getlist"):
        getter = params.getlist
    else:
        pairs = list(params)

        def getter(key: str) -> list[str]:
            return [v for n, v in pairs if n == key]

    summaries = getter("_summary")
    summary = summaries[-1] if summaries else ""
    if summary and summary not in SUMMARY_VALUES:
        raise FhirError.one(
            400,
            "invalid",
            f"_summary {summary!r} is not one of {', '.join(sorted(SUMMARY_VALUES))}",
            "_summary",
        )
    names = [n.strip() for raw in getter("_elements") for n in raw.split(",") if n.strip()]
    if summary and summary != "false" and names:
        raise FhirError.one(400, "invalid", "_summary and _elements cannot be combined")
    return summary, names


def shape(resource: dict[str, Any], params: Any) -> dict[str, Any]:
    """``resource`` reduced as ``_summary``/``_elements`` in ``params`` ask."""
    summary, names = options(params)
    return apply(resource, summary, names)


def apply(resource: dict[str, Any], summary: str, names: list[str]) -> dict[str, Any]:
    if names:
        keep = _ALWAYS | set(names)
    elif summary == "true":
        keep = _ALWAYS | summary_elements(resource.get("resourceType", ""))
    elif summary == "text":
        keep = _ALWAYS | {"text"}
    elif summary == "data":
        keep = set(resource) - {"text"}
    else:
        return resource
    out = {k: v for k, v in resource.items() if k in keep}
    meta = dict(out.get("meta") or {})
    meta["tag"] = [*(meta.get("tag") or []), _SUBSETTED]
    out["meta"] = meta
    return out
