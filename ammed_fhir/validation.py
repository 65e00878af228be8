"""Validation of FHIR resources with fhir.resources (R4B models serve R4 input)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError


class FhirValidationError(ValueError):
    """A resource failed validation; ``issues`` are (severity, code, diagnostics, expression)."""

    def __init__(self, issues: list[dict[str, Any]]):
        super().__init__("; ".join(i["diagnostics"] for i in issues))
        self.issues = issues


def _model_class(resource_type: str):
    from fhir.resources.R4B import get_fhir_model_class

    try:
        return get_fhir_model_class(resource_type)
    except (KeyError, ValueError, AttributeError):
        return None


def validate_resource(resource: dict[str, Any], path: str = "") -> None:
    """Raise FhirValidationError naming every problem with its FHIRPath-like expression."""
    rtype = resource.get("resourceType") if isinstance(resource, dict) else None
    prefix = path or (rtype or "resource")
    if not isinstance(rtype, str) or not rtype:
        raise FhirValidationError(
            [
                {
                    "severity": "error",
                    "code": "required",
                    "diagnostics": "resourceType is missing",
                    "expression": [prefix],
                }
            ]
        )
    cls = _model_class(rtype)
    if cls is None:
        raise FhirValidationError(
            [
                {
                    "severity": "error",
                    "code": "not-supported",
                    "diagnostics": f"unknown resourceType {rtype!r}",
                    "expression": [prefix],
                }
            ]
        )
    try:
        cls.model_validate(resource)
    except ValidationError as exc:
        issues = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err.get("loc", ()) if p != "__root__")
            issues.append(
                {
                    "severity": "error",
                    "code": "invalid" if err.get("type") != "missing" else "required",
                    "diagnostics": f"{loc or rtype}: {err.get('msg')}",
                    "expression": [f"{prefix}.{loc}" if loc else prefix],
                }
            )
        raise FhirValidationError(issues) from exc
