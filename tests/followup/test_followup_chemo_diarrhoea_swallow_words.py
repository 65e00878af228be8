"""Severe diarrhoea on chemotherapy, and choking on drinks after a thyroidectomy (#15, the lead's
probes).

- On capecitabine, 吃化疗药以后拉肚子，一天拉了七八次 was *urgent*: seven or more stools a day is
  NCI CTCAE v5.0 grade 3 diarrhoea, and the UKONS 24-hour triage tool (2023) sends it (red) for
  immediate assessment: chemotherapy diarrhoea can kill within a day (dehydration, DPD
  deficiency with fluoropyrimidines). Now ``diarrhea_severe`` (seven or more, or without end)
  and ``syndrome-chemo-diarrhoea-severe``.
- Three days after a total thyroidectomy, 说话声音变了，喝水老呛 was *review*: a changed voice with
  choking on drinks is recurrent laryngeal nerve palsy with aspiration (British Thyroid
  Association 2014; NICE NG128 swallow screening: choking on water is a failed screen). Now
  ``choking_on_swallowing``, urgent.
Twins: three stools a day, a cough after a cold drink taken too fast, a child choking on laughter.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.knowledge.symptoms import present
from tests.followup.followup_vignette_builder import assess_words, reason_codes

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
CHEMO = {"age": 58, "sex": "female", "conditions": ["cancer"], "meds": ["capecitabine"]}
THYROID = {"age": 45, "sex": "female", "surgery": {"days_ago": 3, "text": "甲状腺全切术"}}


@pytest.mark.parametrize(
    "text",
    ["一天拉了七八次", "拉肚子拉了十几次", "今天拉了8次稀的", "拉肚子拉个不停", "一天拉了七八次了"],
)
def test_seven_or_more_stools_or_without_end_is_severe_diarrhoea(text: str) -> None:
    assert "diarrhea_severe" in present(text)


@pytest.mark.parametrize("text", ["今天拉了三次", "拉了两次肚子", "拉了五次窗帘"])
def test_fewer_stools_or_a_curtain_is_not_severe(text: str) -> None:
    assert "diarrhea_severe" not in present(text)


def test_severe_diarrhoea_on_chemotherapy_is_an_emergency() -> None:
    out = assess_words("吃化疗药以后拉肚子，一天拉了七八次", NOW, **CHEMO)
    assert out["disposition"] == "emergency", out["reasons"]
    assert "syndrome-chemo-diarrhoea-severe" in reason_codes(out)


def test_ordinary_diarrhoea_on_chemotherapy_stays_urgent() -> None:
    out = assess_words("吃化疗药以后拉肚子，今天拉了三次", NOW, **CHEMO)
    assert out["disposition"] == "urgent", out["reasons"]


@pytest.mark.parametrize(
    "text", ["喝水老呛", "一喝水就呛", "喝水呛得咳嗽", "吃东西老是呛着", "喝水總嗆"]
)
def test_choking_on_drinks_or_food_is_read(text: str) -> None:
    assert "choking_on_swallowing" in present(text)


@pytest.mark.parametrize("text", ["喝水喝太快呛了一下", "孩子笑得呛着了", "炒辣椒的味道太呛了"])
def test_a_drink_too_fast_laughter_or_a_pungent_smell_is_not(text: str) -> None:
    assert "choking_on_swallowing" not in present(text)


def test_a_changed_voice_and_choking_after_a_thyroidectomy_is_urgent() -> None:
    out = assess_words("说话声音变了，喝水老呛", NOW, **THYROID)
    assert out["disposition"] in ("urgent", "emergency"), out["reasons"]
