"""Low blood sugar that sugar did not fix, and a patient who barely answers (#15, the lead's probes).

ADA Standards of Care 2024 §6: after 15 g of fast sugar the glucose is rechecked; hypoglycaemia that
persists after treatment needs emergency services, as does altered consciousness (level 3). Two
phrasings of the probes stayed urgent: sugar taken and the patient *not recovered*
(血糖只有2.4，吃了两块糖还没缓过来: the lexicon knew only 还是低 / 没上来 after a recheck), and a
call answered only feebly (喊他不怎么应: AVPU responds to voice at best, reduced consciousness).
Twins: sugar taken and recovered; a call answered; sugar words in a diet question.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.knowledge.symptoms import present
from tests.followup.followup_vignette_builder import assess_words, reason_codes

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
INSULIN = {"id": "hy", "age": 72, "conditions": ["diabetes"], "meds": ["insulin"]}

NOT_RECOVERED = [
    "血糖只有2.4，吃了两块糖还没缓过来",
    "喝了糖水半天了还是没缓过来，血糖2.6",
    "吃了几块饼干还没缓解，人还是发抖出汗",
    "吃了糖也不见好，血糖2.8",
    "血糖只有2.4，吃了兩塊糖還沒緩過來",  # traditional characters
]


@pytest.mark.parametrize("text", NOT_RECOVERED)
def test_sugar_taken_without_recovery_is_hypoglycaemia_not_correcting(text: str) -> None:
    assert "hypoglycaemia_not_correcting" in present(text)


def test_on_insulin_it_is_an_emergency() -> None:
    out = assess_words(NOT_RECOVERED[0], NOW, **INSULIN)
    assert out["disposition"] == "emergency", out["reasons"]
    assert "syndrome-hypoglycaemia-persisting" in reason_codes(out)


RECOVERED = [
    "血糖2.9，吃了两块糖就缓过来了",
    "喝了糖水，现在好多了",
    "平时能不能吃糖，吃了糖血糖会不会高",
    "糖尿病好多年了，还没好",
]


@pytest.mark.parametrize("text", RECOVERED)
def test_recovery_or_a_question_about_sugar_is_not_persisting(text: str) -> None:
    assert "hypoglycaemia_not_correcting" not in present(text)


FEEBLE = [
    "老伴一身冷汗，喊他不怎么应",
    "叫她半天才应一声",
    "喊他名字不太答应，迷迷瞪瞪的",
    "叫他不怎么理人",
]


@pytest.mark.parametrize("text", FEEBLE)
def test_a_call_answered_feebly_is_reduced_consciousness(text: str) -> None:
    # 不怎么理人 alone is the lexicon's drowsiness term already: a lowered level either way
    assert {"confusion", "unresponsive", "drowsiness"} & set(present(text))


def test_a_feeble_answer_with_a_low_glucose_is_an_emergency() -> None:
    out = assess_words("老伴一身冷汗，喊他不怎么应，测了血糖2.2", NOW, **INSULIN)
    assert out["disposition"] == "emergency", out["reasons"]


@pytest.mark.parametrize("text", ["叫他吃饭他马上答应了", "喊她一声就应了", "叫他不要乱吃药"])
def test_a_call_answered_is_no_finding(text: str) -> None:
    found = present(text)
    assert "confusion" not in found and "unresponsive" not in found


# A carer's words for a low glucose that has reached the brain (ADA level 3: altered mental status
# needing assistance). Each was urgent with its reading (level 2) because the words went unread.
LEVEL_3 = [
    ("我妈早上起不来，叫她只会嗯一声，身上全是汗", "confusion"),
    ("测了血糖1.9，人发呆不说话", "confusion"),
    ("血糖仪一测只有1.8，人软绵绵的，眼神发直", "confusion"),
    ("他人有点迷糊，认不出我了，血糖2点多", "confusion"),
    ("我妈刚才突然胡说八道，还出汗，血糖2.7", "confusion"),
    ("血糖2.5，给他喂糖水他不会咽", "unable_to_swallow"),
]


@pytest.mark.parametrize(("text", "concept"), LEVEL_3)
def test_a_carers_words_for_altered_consciousness_are_read(text: str, concept: str) -> None:
    assert concept in present(text)


@pytest.mark.parametrize(("text", "_concept"), LEVEL_3[1:])
def test_with_a_low_reading_they_are_severe_hypoglycaemia(text: str, _concept: str) -> None:
    out = assess_words(text, NOW, **INSULIN)
    assert out["disposition"] == "emergency", out["reasons"]
    assert "hypoglycemia-neuro" in reason_codes(out)


def test_a_recheck_after_the_sugar_still_low_is_persisting() -> None:
    out = assess_words("血糖2.6，喝了一杯果汁，二十分钟后测还是2.9", NOW, **INSULIN)
    assert out["disposition"] == "emergency", out["reasons"]


@pytest.mark.parametrize(
    "text",
    ["不认识这个人", "我在家没事就发呆", "他认出我了，说话清楚", "血糖2.0，手抖心慌，人是清醒的"],
)
def test_everyday_words_and_a_clear_mind_are_no_altered_consciousness(text: str) -> None:
    found = set(present(text))
    assert not found & {"confusion", "unresponsive", "unable_to_swallow"}


def test_nonsense_without_a_speaker_is_not_read_as_confusion() -> None:
    # the toyhom corpus substitutes 胡说八道 for 放屁 (the development pool): no speaker, no onset
    assert "confusion" not in present("现在就是症状胃胀特别肯胡说八道")
    assert "confusion" in present("人开始胡说八道")
