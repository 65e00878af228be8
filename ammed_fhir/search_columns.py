"""Extract the indexed search columns of a FHIR resource (pure functions, no queries)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import get_default_timezone, is_naive, make_aware

_EFFECTIVE_FIELDS = (
    "effectiveDateTime",
    "effectiveInstant",
    "issued",
    "authoredOn",
    "onsetDateTime",
    "performedDateTime",
    "recordedDate",
    "sent",
    "occurrenceDateTime",
    "date",
    "created",
)
_EFFECTIVE_PERIODS = ("effectivePeriod", "performedPeriod", "period", "onsetPeriod")


def reference_id(ref: Any, expected_type: str) -> str:
    """``{"reference": "Patient/123"}`` → ``"123"`` (empty when not of ``expected_type``)."""
    if not isinstance(ref, dict):
        return ""
    value = ref.get("reference") or ""
    if not isinstance(value, str):
        return ""
    parts = value.rstrip("/").split("/")
    if len(parts) >= 2 and parts[-2] == expected_type:
        return parts[-1]
    if len(parts) >= 4 and parts[-4] == expected_type and parts[-2] == "_history":
        return parts[-3]
    return ""


def patient_of(resource: dict[str, Any]) -> str:
    """The id of the resource's first Patient compartment ("" when none): the Patient
    itself, else its ``subject``/``patient``/``beneficiary``/``for``, else the first
    Patient named by the R4 compartment parameters (``ammed_fhir.compartments``)."""
    from ammed_fhir.compartments import patients_of

    found = patients_of(resource)
    return found[0] if found else ""


def _codings(concept: Any) -> list[str]:
    """Token values of a CodeableConcept: ``system|code`` and the bare ``code`` (any system)."""
    out: list[str] = []
    if isinstance(concept, dict):
        for coding in concept.get("coding") or []:
            if isinstance(coding, dict) and coding.get("code"):
                out.append(f"{coding.get('system') or ''}|{coding['code']}")
                out.append(str(coding["code"]))
    return out


def codes_of(resource: dict[str, Any]) -> list[str]:
    codes = _codings(resource.get("code")) + _codings(resource.get("medicationCodeableConcept"))
    for comp in resource.get("component") or []:
        if isinstance(comp, dict):
            codes += _codings(comp.get("code"))
    return sorted(set(codes))


def identifiers_of(resource: dict[str, Any]) -> list[str]:
    """Token values of the identifiers: ``system|value`` and the bare ``value``."""
    out = []
    for ident in resource.get("identifier") or []:
        if isinstance(ident, dict) and ident.get("value"):
            out.append(f"{ident.get('system') or ''}|{ident['value']}")
            out.append(str(ident["value"]))
    return sorted(set(out))


def status_of(resource: dict[str, Any]) -> str:
    status = resource.get("status")
    if isinstance(status, str):
        return status
    clinical = resource.get("clinicalStatus")
    if isinstance(clinical, dict):
        codes = _codings(clinical)
        if codes:
            return codes[1]
    return ""


def parse_fhir_datetime(value: Any) -> datetime | None:
    """Parse a FHIR date/dateTime/instant; partial dates take their first instant."""
    if not isinstance(value, str) or not value:
        return None
    dt = parse_datetime(value)
    if dt is None:
        text = value
        if len(text) == 4:
            text += "-01-01"
        elif len(text) == 7:
            text += "-01"
        d = parse_date(text)
        if d is None:
            return None
        dt = datetime(d.year, d.month, d.day)
    if is_naive(dt):
        dt = make_aware(dt, get_default_timezone())
    return dt


def effective_of(resource: dict[str, Any]) -> datetime | None:
    for key in _EFFECTIVE_FIELDS:
        dt = parse_fhir_datetime(resource.get(key))
        if dt:
            return dt
    for key in _EFFECTIVE_PERIODS:
        period = resource.get(key)
        if isinstance(period, dict):
            dt = parse_fhir_datetime(period.get("start"))
            if dt:
                return dt
    return None


def columns(resource: dict[str, Any]) -> dict[str, Any]:
    """The search columns; ``patient_id`` is the first Patient compartment, and
    ``other_patients`` the others (``{"<id>": True}``; see ``ammed_fhir.compartments``)."""
    from ammed_fhir.compartments import patients_of

    patients = patients_of(resource)
    return {
        "patient_id": patients[0] if patients else "",
        "other_patients": {pid: True for pid in patients[1:]},
        "status": status_of(resource),
        "codes": codes_of(resource),
        "identifiers": identifiers_of(resource),
        "effective": effective_of(resource),
    }
