"""The lead's probes (#15), session of 2026-12-07 (sixth): psychosis, a chemical swallowed,
spotting in pregnancy.

- Voices heard or persecution believed (老是听到有人说我坏话, 有人要害我们, 觉得孩子不是我的) were
  unread (review). They are ``psychotic_symptoms``, urgent (NICE CG178 §1.3: refer a first
  episode of psychosis urgently); within 6 weeks of a birth, postpartum psychosis is an emergency
  (NICE CG192 §1.10.2: assess within 4 hours; RCPsych).
- A household chemical or a pesticide swallowed (孩子喝了一口84消毒液, 误喝了农药) was unread: it is
  ``poison_ingestion``, an emergency (中国急性中毒诊断与治疗专家共识 2016; WHO poisoning
  guidelines): call 120 and do not induce vomiting.
- 见红 (spotting) in pregnancy was unread, so early pregnancy with one-sided pain and 见红 was
  review; it is bleeding, and the ectopic-pregnancy rule (NICE NG126) makes it an emergency.

Twins: a voice on the phone, a chemical used or smelt, 见红 of the stock market.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.knowledge import symptoms
from tests.followup.followup_vignette_builder import assess_words, reason_codes

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
ADULT = {"age": 35, "sex": "male"}
MOTHER = {"age": 28, "sex": "female"}


@pytest.mark.parametrize(
    "text",
    [
        "老是听到有人说我坏话",
        "总听见有人在耳边骂我",
        "觉得有人要害我们",
        "总觉得有人跟踪我，监视我",
        "说饭里有人下了毒，不敢吃",
        "觉得孩子不是我的，被人换了",
    ],
)
def test_voices_and_persecution_are_psychotic_symptoms(text: str) -> None:
    assert "psychotic_symptoms" in symptoms.present(text)


@pytest.mark.parametrize(
    "text",
    [
        "电话里听到有人说话",
        "听到有人敲门",
        "担心孩子不是我的性格",
        "怕有人害怕打针",
        "他说我坏话了",
    ],
)
def test_a_voice_really_there_or_a_worry_is_not_psychosis(text: str) -> None:
    assert "psychotic_symptoms" not in symptoms.present(text)


def test_psychotic_symptoms_are_urgent() -> None:
    out = assess_words("老是听到有人说我坏话，晚上睡不着", NOW, **ADULT)
    assert out["disposition"] in ("urgent", "emergency")


def test_psychotic_symptoms_after_a_birth_are_an_emergency() -> None:
    out = assess_words("产后两周，心情特别低落，觉得孩子不是我的，有人要害我们", NOW, **MOTHER)
    assert "syndrome-postpartum-psychosis" in reason_codes(out)
    assert out["disposition"] == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "孩子喝了一口84消毒液",
        "老人误喝了农药",
        "孩子把洁厕灵喝了",
        "孩子吞了一颗纽扣电池",
        "误服了老鼠药",
    ],
)
def test_a_chemical_swallowed_is_poison_ingestion_an_emergency(text: str) -> None:
    assert "poison_ingestion" in symptoms.present(text)
    out = assess_words(text, NOW, age=3, sex="female")
    assert out["disposition"] == "emergency"


@pytest.mark.parametrize(
    "text",
    ["用消毒液洗了手", "孕五个月闻消毒液对胎儿有影响吗", "消毒液掉在手指上了", "家里刚打了农药"],
)
def test_a_chemical_used_or_smelt_is_not_ingestion(text: str) -> None:
    assert "poison_ingestion" not in symptoms.present(text)


@pytest.mark.parametrize("text", ["有点见红", "今天早上见红了", "突然见红好多"])
def test_spotting_is_bleeding(text: str) -> None:
    assert "bleeding" in symptoms.present(text) or "heavy_bleeding" in symptoms.present(text)


def test_early_pregnancy_with_pain_and_spotting_is_the_ectopic_emergency() -> None:
    out = assess_words("怀孕8周，肚子一边疼，有点见红", NOW, age=30, sex="female")
    assert "syndrome-pregnancy-pain-bleeding" in reason_codes(out)
    assert out["disposition"] == "emergency"


def test_the_stock_market_is_no_bleeding() -> None:
    assert "bleeding" not in symptoms.present("今天股市见红了")
