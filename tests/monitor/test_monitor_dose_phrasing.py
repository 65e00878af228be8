"""Dose statements in other phrasings (issue #16): 隔…小时, a mass with a frequency, mL of a
liquid with its stated strength, a child's amount anywhere in the sentence."""

from __future__ import annotations

import pytest

from clinical.monitor.context import PatientContext
from clinical.monitor.engine import run_monitor

ADULT = PatientContext(patient_id="a", age_years=40)
CHILD = PatientContext(patient_id="c", age_years=5, weight_kg=18)


def codes(text: str, ctx: PatientContext) -> set[str]:
    result = run_monitor(text, ctx)
    return {f.code for f in result.findings if f.check == "dose_limit"}


@pytest.mark.parametrize(
    "text",
    [
        "布洛芬0.8g，隔3小时吃一次。",  # a mass after the name + 隔…小时
        "对乙酰氨基酚口服溶液（每1ml含32mg），一次喂40ml，一天4次。",  # mL with its strength
    ],
)
def test_an_adult_overdose_in_other_phrasings_holds(text: str) -> None:
    assert codes(text, ADULT) & {"dose_single_exceeds_max", "dose_daily_exceeds_max"}


@pytest.mark.parametrize(
    "text",
    ["宝宝咳嗽，喝5ml就可以，氨溴索口服溶液。", "孩子头疼，吃1片就可以，对乙酰氨基酚片0.5g。"],
)
def test_a_childs_amount_anywhere_in_the_sentence_holds(text: str) -> None:
    assert "dose_pediatric" in codes(text, CHILD)


def test_an_adult_dose_within_limits_releases() -> None:
    assert codes("布洛芬0.2g，隔8小时吃一次。", ADULT) == set()


def test_a_childs_liquid_dose_is_checked_per_kg_against_the_knowledge_layer() -> None:
    within = "建议使用美林（每次9毫升（布洛芬180毫克），24小时内不超过3次）。"
    assert codes(within, CHILD) == set()  # 540 mg/day ≤ 30 mg/kg × 18 kg
    over = "布洛芬混悬液（100ml:2g），每次15ml，一天4次。"
    assert codes(over, CHILD) == {"dose_pediatric_exceeds_max"}
    no_weight = PatientContext(patient_id="c2", age_years=5)
    assert codes(within, no_weight) == {"dose_pediatric"}  # unknown weight: held, never guessed


def test_paracetamol_in_pregnancy_is_noted_not_held() -> None:
    pregnant = PatientContext(patient_id="p", age_years=30, pregnant=True, pregnancy_weeks=34)
    result = run_monitor("发热可以用对乙酰氨基酚片0.5g，每次1片，每天不超过3次。", pregnant)
    assert result.action == "release", result.findings
