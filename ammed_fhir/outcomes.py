"""OperationOutcome as both the error type and a value of the FHIR boundary.

Every problem found in a request becomes one ``issue`` (severity, code, diagnostics and the
FHIRPath ``expression`` of the element at fault); all issues are collected first, then the
request fails once with ``FhirError`` carrying the HTTP status.
"""

from __future__ import annotations

from typing import Any

Issue = dict[str, Any]

# FHIR issue-type code → the HTTP status it maps to when it is the worst problem.
_STATUS_BY_CODE = {
    "not-found": 404,
    "forbidden": 403,
    "login": 401,
    "security": 401,
    "too-costly": 413,
    "conflict": 409,
    "duplicate": 400,
    "not-supported": 400,
    "exception": 500,
}


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


def all_ok(diagnostics: str = "All OK") -> dict[str, Any]:
    return outcome([issue("informational", diagnostics, severity="information")])


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


def status_for(issues: list[Issue], default: int = 400) -> int:
    """The HTTP status of a failed request: the most specific one its issues name."""
    statuses = {_STATUS_BY_CODE.get(i.get("code", ""), default) for i in issues}
    for preferred in (413, 401, 403, 409, 404):
        if preferred in statuses and len(statuses) == 1:
            return preferred
    return default if statuses else default


def not_found(what: str) -> FhirError:
    return FhirError.one(404, "not-found", f"{what} is not known")
