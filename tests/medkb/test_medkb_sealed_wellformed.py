"""The sealed guidance set (tests/medkb/sealed/guidance.yaml) parses and every case is
well-formed: a valid request for the real serializer and checkable expectations. No outcome
is asserted here (bench/guidance_agent_sealed.py scores it; never tune rules to it)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from clinical.medkb.serializers import GuidanceRequestSerializer

SET = Path(__file__).parent / "sealed" / "guidance.yaml"
LEVELS = {"none", "routine", "urgent", "emergency"}
EXPECT_KEYS = {
    "see_doctor_at_least",
    "see_doctor_at_most",
    "must_not_recommend",
    "must_recommend_one_of",
}
CASES: list[dict[str, Any]] = yaml.safe_load(SET.read_text("utf-8"))["cases"]


def test_the_set_is_large_enough_and_ids_are_unique() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) >= 70 and len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"G-\d{3}", i) for i in ids)
    assert sum(bool(c.get("benign")) for c in CASES) >= 20
    assert len(Counter(c["family"] for c in CASES)) >= 6


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case_is_well_formed(case: dict[str, Any]) -> None:
    assert set(case) <= {"id", "family", "source", "request", "expect", "benign"}
    assert isinstance(case["family"], str) and case["family"]
    assert isinstance(case["source"], str) and len(case["source"]) > 10
    ser = GuidanceRequestSerializer(data=case["request"])
    assert ser.is_valid(), ser.errors
    exp = case["expect"]
    assert exp and set(exp) <= EXPECT_KEYS
    for key in ("see_doctor_at_least", "see_doctor_at_most"):
        assert exp.get(key, "none") in LEVELS
    for key in ("must_not_recommend", "must_recommend_one_of"):
        items = exp.get(key, [])
        assert isinstance(items, list) and all(isinstance(i, str) and i for i in items)
    if case.get("benign"):
        assert exp.get("see_doctor_at_most") in ("none", "routine")
        assert exp.get("must_recommend_one_of")
        assert "see_doctor_at_least" not in exp
