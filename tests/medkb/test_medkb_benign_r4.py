"""Round-4 development cases for guidance over-triage (#15): guidance_vignettes_benign_r4.yaml,
written before the rule changes (64 benign OTC questions in pharmacy wording, 34 red flags in the
same register), scored as bench/guidance_pop_dev.py --file scores them. The misses left are listed
with why (strict xfail: a fix makes the test say so)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench.guidance_pop_dev import answer, judge, load_cases

CASES = load_cases(Path(__file__).parent / "guidance_vignettes_benign_r4.yaml")
# Baseline (2026-12-06, before any rule change): 63 of 64 benign controls get see_doctor urgent or
# emergency, almost all from the #15 safety net (clauses the shared reader does not read: courtesy,
# what the patient already has or took, circumstances, how they still manage); five red flags miss.
KNOWN_MISSES = {
    f"B4-{i:03d}": "baseline: over-triaged (see_doctor urgent+ from words the shared layer does "
    "not read), or the label's product not offered"
    for i in range(1, 65)
    if i != 6
} | {
    "R4-001": "thunderclap headache in words is read only as unread words (urgent), not emergency",
    "R4-013": "loperamide is not held back with bloody diarrhoea and fever",
    "R4-014": "a dehydrated infant reaches urgent, not emergency (no clinical-dehydration row)",
    "R4-028": "a non-blanching rash in words (用杯子压着也不褪色) is not read: urgent, not emergency",
    "R4-031": "a drowsy febrile child in words (一直昏睡, 不太理人) is not read: urgent, not emergency",
}


def test_the_set_is_large_and_well_formed() -> None:
    ids = [c["id"] for c in CASES]
    assert len(set(ids)) == len(ids) and set(KNOWN_MISSES) <= set(ids)
    benign = [c for c in CASES if c.get("benign")]
    red = [c for c in CASES if not c.get("benign")]
    assert len(benign) >= 60 and len(red) >= 30
    assert all(c["expect"].get("see_doctor_at_most") == "routine" for c in benign)
    assert all(c["expect"].get("see_doctor_at_least") in ("urgent", "emergency") for c in red)
    assert all(len(c["source"]) > 10 for c in CASES)


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[c["id"]]))
        if c["id"] in KNOWN_MISSES
        else c
        for c in CASES
    ],
    ids=[c["id"] for c in CASES],
)
def test_case_meets_its_expectations(kb: Any, case: dict[str, Any]) -> None:
    body = answer(case["request"])
    got = judge(case, body)
    assert got["ok"], (got.get("checks"), got["bad_verdicts"], got.get("level"))
