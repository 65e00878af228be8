"""OperationOutcome as both the error type and a value of the FHIR boundary.

Every problem found in a request becomes one ``issue`` (severity, code, diagnostics and the
FHIRPath ``expression`` of the element at fault); all issues are collected first, then the
request fails once with ``FhirError`` carrying the HTTP status.
"""

from __future__ import annotations

from typing import Any

Issue = dict[str, Any]


def issue(
    code: str,
    diagnostics: str,
    expression: str | list[str] | None = None,
    *,
    severity: str = "error",
) -> Issue:
    """One OperationOutcome.issue (``code`` from the FHIR IssueType value set)."""
    out: Issue = {"severity": severity, "code": code, "diagnostics": diagnostics}
    if expression:
        out["expression"] = [expression] if isinstance(expression, str) else list(expression)
    return out


def outcome(issues: list[Issue]) -> dict[str, Any]:
    """An OperationOutcome resource holding ``issues``."""
    return {"resourceType": "OperationOutcome", "issue": issues}


class FhirError(Exception):
    """A request the FHIR boundary refuses; rendered as an OperationOutcome with ``status``."""

    def __init__(self, status: int, issues: list[Issue]):
        super().__init__("; ".join(i.get("diagnostics", "") for i in issues))
        self.status = status
        self.issues = issues

    @classmethod
    def one(
        cls, status: int, code: str, diagnostics: str, expression: str | None = None
    ) -> FhirError:
        return cls(status, [issue(code, diagnostics, expression)])

    def outcome(self) -> dict[str, Any]:
        return outcome(self.issues)
