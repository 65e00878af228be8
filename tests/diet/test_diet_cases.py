"""Data-driven diet cases (diet_cases.yaml): every rule family, aliases, free-text questions."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from clinical.diet.services import consult

CASES = yaml.safe_load((Path(__file__).parent / "diet_cases.yaml").read_text(encoding="utf-8"))
AVOID_CASES = [c for c in CASES if c["expect"] == "avoid"]


def _answer(case: dict) -> dict:
    return consult(
        food=case.get("food") if "question" not in case else None,
        question=case.get("question"),
        patient=case.get("patient"),
    ).to_dict()


def test_there_are_at_least_sixty_cases_with_unique_ids() -> None:
    assert len(CASES) >= 60
    assert len({c["id"] for c in CASES}) == len(CASES)


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case: dict) -> None:
    answer = _answer(case)
    codes = [r["code"] for r in answer["reasons"]]
    assert answer["verdict"] == case["expect"], (answer["verdict"], codes, answer["advice"])
    for code in case.get("codes", []):
        assert code in codes, (code, codes)
    for code in case.get("not_codes", []):
        assert code not in codes, (code, codes)
    if "question" in case and "food" in case:
        assert answer["food"] == case["food"]
    for reason in answer["reasons"]:
        assert reason["because"] and reason["source"] and reason["text"]
    assert answer["advice"]


@pytest.mark.django_db
def test_no_case_whose_reference_is_avoid_comes_back_ok() -> None:
    """The safety property on its own: a reference ``avoid`` is never answered ``ok``."""
    assert AVOID_CASES
    wrong = [c["id"] for c in AVOID_CASES if _answer(c)["verdict"] == "ok"]
    assert wrong == []


@pytest.mark.django_db
def test_every_avoid_case_states_its_source_in_sources() -> None:
    for case in AVOID_CASES:
        answer = _answer(case)
        assert answer["sources"], case["id"]
        assert {r["source"] for r in answer["reasons"]} <= set(answer["sources"])
