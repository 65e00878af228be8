"""Post-operative fever rules report one fever finding: the most specific that fired
(postop.yaml: the rows that read a temperature, ``fever_ge``, in data order)."""

from __future__ import annotations

from clinical.followup.services.ruledata import rules
from clinical.followup.services.rules.base import Reason
from clinical.followup.services.rules.postop import _dedupe_fever


def _reason(code: str) -> Reason:
    return Reason(code=code, text=code, disposition="urgent", family="postop", source="test")


def test_the_fever_rows_are_those_that_read_a_temperature_in_data_order() -> None:
    fever = [row["code"] for row in rules("postop") if "fever_ge" in row]
    assert fever == [
        "postop-fever-wound",
        "postop-wound-fever",
        "postop-fever",
        "postop-early-fever",
        "postop-high-fever-reported",
    ]


def test_only_the_first_fever_finding_is_kept_and_other_findings_stay() -> None:
    wound, generic, high, pus = (
        _reason("postop-wound-fever"),
        _reason("postop-fever"),
        _reason("postop-high-fever-reported"),
        _reason("postop-wound-pus"),
    )
    assert _dedupe_fever([wound, pus, generic, high]) == [wound, pus]


def test_one_fever_finding_is_left_alone() -> None:
    generic, pus = _reason("postop-fever"), _reason("postop-wound-pus")
    assert _dedupe_fever([generic, pus]) == [generic, pus]
