"""The patient saying the wound is infected or inflamed (伤口感染了, 刀口发炎了) is the wound
infection concept (wound_pus: medkb's wound_infection merged into it) for every consumer; a
worry about it (担心伤口感染) is no report, and prevention (怎么预防伤口感染) is a question."""

from __future__ import annotations

import pytest
from django.utils import timezone

from clinical.followup.services.ruledata import rank
from clinical.knowledge import symptoms
from tests.followup.followup_vignette_builder import assess_vignette

REPORTS = ["伤口感染了", "刀口发炎了", "切口感染了，有点红", "傷口發炎了", "我爸刀口感染了"]
NOT_REPORTS = ["担心伤口感染", "我很怕刀口发炎", "如何预防伤口感染", "伤口感染怎么预防？"]


@pytest.mark.parametrize("text", REPORTS)
def test_a_report_of_wound_infection_is_the_concept(text: str) -> None:
    assert "wound_pus" in symptoms.present(text)


@pytest.mark.parametrize("text", NOT_REPORTS)
def test_a_worry_or_prevention_question_is_no_report(text: str) -> None:
    assert "wound_pus" not in symptoms.present(text)


def _disposition(text: str) -> str:
    now = timezone.now()
    v = {"id": "wi", "age": 56, "surgery": {"days_ago": 8}, "discharge_days_ago": 3}
    v["survey"] = [["伤口情况", text, 2]]
    return assess_vignette(v, now)["disposition"]


def test_after_surgery_a_reported_infection_is_seen_within_24h_a_worry_is_not() -> None:
    assert rank(_disposition("刀口发炎了")) >= rank("urgent")
    assert rank(_disposition("担心伤口感染")) < rank("urgent")
