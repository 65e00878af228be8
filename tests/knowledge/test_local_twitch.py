"""A part of the body that twitches is no convulsion (#15 benign controls, the lead's probes).

抽 is the lay word for a convulsion (诊断学(第9版) 抽搐与惊厥), so a bare 抽 with a motor
complement (抽了一下, 一抽一抽) is read as a fit. Said of one limb, a muscle or the wound
(腿抽了一下, 胳膊上的肌肉抽了一下, 伤口偶尔抽一下) it is a cramp or a twinge: the probes sent
these benign words to the emergency line. A limb's twitch is a muscle cramp (which after thyroid
or parathyroid surgery is still the hypocalcaemia syndrome), the wound's is wound pain. Twins: a
whole body, hands and feet, a count of fits and no body word stay a convulsion.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.followup.services.ruledata import rank
from clinical.knowledge.symptoms import present
from tests.followup.followup_vignette_builder import assess_words

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
HIP = {"days_ago": 10, "text": "右髋关节置换术"}
THYROID = {"days_ago": 3, "text": "甲状腺全切除术"}

LIMB = [
    "腿抽了一下",
    "小腿偶尔抽一下",
    "胳膊上的肌肉抽了一下",
    "晚上脚一抽一抽的",
    "大腿时不时抽一下",
    "腿抽了幾下",  # traditional characters
]
WOUND = [
    "伤口偶尔抽一下",
    "手术的地方有时候一抽一抽的",
    "刀口抽了一下，不怎么疼",
    "切口時不時抽一下",  # traditional characters
]
FITS = [
    "他突然抽了一下，叫不醒",
    "全身抽了一下",
    "手脚一抽一抽的",
    "孩子抽了三次",
    "浑身一抽一抽的，口吐白沫",
    "右腿抽了快十分钟了还没停",  # a fit that lasts is read as one, wherever it is
]


@pytest.mark.parametrize("text", LIMB)
def test_a_limb_that_twitches_is_a_cramp_not_a_fit(text: str) -> None:
    found = present(text)
    assert "seizure" not in found
    assert "muscle_cramp" in found


@pytest.mark.parametrize("text", WOUND)
def test_a_wound_that_twitches_is_wound_pain_not_a_fit(text: str) -> None:
    found = present(text)
    assert "seizure" not in found
    assert "wound_pain" in found


@pytest.mark.parametrize("text", FITS)
def test_a_whole_body_a_count_or_no_body_word_stays_a_fit(text: str) -> None:
    assert "seizure" in present(text)


@pytest.mark.parametrize("text", ["腿抽了一下", "伤口偶尔抽一下"])
def test_after_a_hip_replacement_the_twitch_is_not_an_emergency(text: str) -> None:
    out = assess_words(text, NOW, id="tw", age=66, surgery=HIP)
    assert rank(out["disposition"]) < rank("urgent"), out["reasons"]


def test_after_a_thyroidectomy_a_hand_that_twitches_is_still_hypocalcaemia() -> None:
    out = assess_words("手抽了一下，嘴边有点麻", NOW, id="tw", age=45, surgery=THYROID)
    assert rank(out["disposition"]) >= rank("urgent"), out["reasons"]
    assert any("hypocalc" in r["code"] for r in out["reasons"]), out["reasons"]


@pytest.mark.parametrize(
    "text", ["左手突然不会动了", "右腿一下子动弹不了", "左手抽了一下，然后就不会动了"]
)
def test_a_sided_limb_that_no_longer_moves_is_weakness(text: str) -> None:
    # the twin that mattered: before the cramp rows, 抽了一下 was a fit; a hand that then does not
    # move is focal weakness (BE-FAST arm), read from the clause after it too
    assert "limb_weakness" in present(text)
