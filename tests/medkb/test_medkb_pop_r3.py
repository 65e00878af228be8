"""Round-3 development cases for special populations (#15): guidance_vignettes_pop_r3.yaml,
written before the rule changes, scored as bench/guidance_pop_dev.py scores them (the sealed
bench's judge plus per-product verdicts). The misses left are listed with why (strict xfail:
a fix makes the test say so)."""

from __future__ import annotations

from typing import Any

import pytest
from guidance_helpers import case_params

from bench.guidance_pop_dev import answer, judge, load_cases

CASES = load_cases()
KNOWN_MISSES = {
    "POP-021": "possible pregnancy of unknown weeks with a headache: the pre-eclampsia rule holds "
    "for unknown gestation (never assumed < 20 weeks), so urgent, not routine",
    "POP-040": "乳房胀痛 is not in the shared lexicon: unrecognised words go to a clinician "
    "(the safe failure; reported to the lexicon's owners)",
    "POP-074": "paracetamol label: 严重肝肾功能不全者禁用 (CKD G4) wins over NICE's paracetamol "
    "preference for self-care; the case expected paracetamol recommended",
    "POP-075": "as POP-074: eGFR 25 is severe renal impairment (ckd_severe), paracetamol's label "
    "contraindication applies",
}


def test_the_set_is_large_and_well_formed() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) >= 70 and len(set(ids)) == len(ids)
    assert {c["family"] for c in CASES} >= {
        "pregnancy",
        "breastfeeding",
        "allergy",
        "paediatric",
        "renal",
        "hepatic",
    }
    assert all(len(c["source"]) > 10 for c in CASES)


@pytest.mark.parametrize("case", case_params(CASES, KNOWN_MISSES), ids=[c["id"] for c in CASES])
def test_case_meets_its_expectations(kb: Any, case: dict[str, Any]) -> None:
    body = answer(case["request"])
    got = judge(case, body)
    assert got["ok"], (got.get("checks"), got["bad_verdicts"], got.get("level"))
