"""Mechanisms of the r11_acute tuning misses (#15 task tfu11a), each with a dangerous and a benign
twin in words not taken from the set (other body words, other verbs, traditional, full width).

1. A head word with a verb of impact and its resultative (额头撞在桌角上, 前额蹭破了) is a head
   injury (NICE NG232): on an anticoagulant an emergency; a head word with no impact is none.
2. Aspirin monotherapy is no CT indication by itself (NICE NG232 2023 §1.4): a head injury at 70
   on aspirin alone is the urgent same-day assessment of age; another antiplatelet (alone or with
   aspirin), an anticoagulant or an antiplatelet not known to be aspirin stays an emergency.
3. The leg that cannot take weight told by a cry or pain the moment it touches the ground
   (脚一沾地就疼得直叫) is inability to bear weight (NICE CG124; Ottawa rules); a landing plane
   (一落地就打电话) is not.
4. A fall onto the buttocks (一屁股坐到地上) is a fall; sitting down on a sofa is not.
5. The jaw named with tightness or aching (下颌发紧) is jaw pain, an anginal equivalent (AHA/ACC
   2021); the teeth set on edge by sour food (牙根发酸) are not.
6. A radiation word with the arm after it (窜到左胳膊) is arm pain (NICE CG95); the neck joined to
   the back is not.
7. The voice made hoarse (说话声变粗变哑) is hoarseness (RCUK 2021 airway); a louder voice is not.
8. The throat told by something stuck in it (嗓子眼里像卡着东西) is throat tightness: after a
   likely allergen an anaphylaxis emergency (WAO 2020); alone no emergency (globus).
9. Affairs put in order with the family (该安排的事都跟女儿交代清楚了) and a wish to fall asleep
   and not wake (睡过去再也不醒了才好) are suicide-risk statements (C-SSRS); a nurse's discharge
   instructions and a deep night's sleep are not.
10. Everyday functions said normal together (呼吸吞咽都正常) deny the complaint of their head
    word; functions said to be hard (喘气和说话都费劲) do not.
11. A hip pain after a fall at 78 in someone who walked at the time of the fall (摔完还能自己走回家)
    is the urgent same-day imaging of a suspected occult fracture (NICE CG124 §1.2); a limp after
    a fall alone, or not bearing weight now whatever was said of walking, stays an emergency.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.followup.services.ruledata import rank
from clinical.knowledge import symptoms
from tests.followup.followup_vignette_builder import assess_words, reason_codes

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
TICAGRELOR = {"atc": "B01AC24", "text": "替格瑞洛片 90mg"}
CILOSTAZOL = {"atc": "B01AC23", "text": "西洛他唑片 50mg"}
UNKNOWN_ANTIPLATELET = {"text": "抗血小板药（外院开的，名字记不清）"}


def _assess(text: str, **record: object) -> dict:
    return assess_words(text, NOW, **{"id": "tfu11a", "family": "syndromes", "age": 58, **record})


# --- 1. head word + impact verb + resultative -----------------------------------------------
HEAD_STRUCK = [
    "额头撞在桌角上了",
    "后脑勺磕在台阶上",
    "前额蹭破了一块皮",
    "脑袋撞上了衣柜门",
    "額頭磕青了",
]
HEAD_NOT_STRUCK = ["额头上擦了点药膏", "脑门有点出油", "后脑勺有点发凉"]


@pytest.mark.parametrize("text", HEAD_STRUCK)
def test_a_head_word_with_an_impact_resultative_is_a_head_injury(text: str) -> None:
    assert "fall_head_injury" in symptoms.present(text)


@pytest.mark.parametrize("text", HEAD_NOT_STRUCK)
def test_a_head_word_without_an_impact_is_no_head_injury(text: str) -> None:
    assert "fall_head_injury" not in symptoms.present(text)


def test_a_head_struck_on_an_anticoagulant_is_an_emergency() -> None:
    out = _assess("昨天弯腰捡东西，额头撞在桌角上了，现在没什么感觉", age=70, meds=["warfarin"])
    assert out["disposition"] == "emergency", out["reasons"]


# --- 2. aspirin monotherapy (NICE NG232 §1.4) ------------------------------------------------
BUMP = "下楼梯的时候后脑勺磕在扶手上，不晕也没吐，别的没什么感觉"


def test_a_head_injury_at_70_on_aspirin_alone_is_urgent_not_the_ct_emergency() -> None:
    out = _assess(BUMP, age=70, conditions=["chd"], meds=["aspirin"])
    assert out["disposition"] == "urgent", out["reasons"]
    assert "syndrome-head-injury-antithrombotic" not in reason_codes(out)


@pytest.mark.parametrize(
    "meds",
    [["aspirin", "clopidogrel"], ["clopidogrel"], [TICAGRELOR], [CILOSTAZOL], ["rivaroxaban"]],
)
def test_a_head_injury_on_another_antiplatelet_or_an_anticoagulant_is_an_emergency(
    meds: list,
) -> None:
    out = _assess(BUMP, age=70, conditions=["chd"], meds=meds)
    assert out["disposition"] == "emergency", out["reasons"]
    assert "syndrome-head-injury-antithrombotic" in reason_codes(out)


def test_an_antiplatelet_not_known_to_be_aspirin_counts() -> None:
    out = _assess(BUMP, age=50, meds=[UNKNOWN_ANTIPLATELET])
    assert out["disposition"] == "emergency", out["reasons"]


def test_aspirin_alone_with_a_risk_factor_stays_an_emergency() -> None:
    out = _assess("后脑勺磕在扶手上，回来以后吐了两次", age=70, meds=["aspirin"])
    assert out["disposition"] == "emergency", out["reasons"]


# --- 3. weight not borne, told by its consequence --------------------------------------------
CANNOT_BEAR = ["右脚一沾地就疼得直叫", "腿一踩地就疼得受不了", "左腿一着地就哎哟哎哟的"]
NOT_BEARING_WORDS = ["飞机一落地就给家里打了电话", "一着地就把伞收起来了"]


@pytest.mark.parametrize("text", CANNOT_BEAR)
def test_a_cry_on_touching_the_ground_is_inability_to_bear_weight(text: str) -> None:
    assert "unable_to_bear_weight" in symptoms.present(text)


@pytest.mark.parametrize("text", NOT_BEARING_WORDS)
def test_touching_the_ground_without_pain_is_not(text: str) -> None:
    assert "unable_to_bear_weight" not in symptoms.present(text)


def test_an_older_fall_with_a_leg_that_cannot_touch_the_ground_is_an_emergency() -> None:
    out = _assess("上午在卫生间滑了一跤，右腿一踩地就疼得受不了", age=82)
    assert out["disposition"] == "emergency", out["reasons"]


# --- 4. a fall onto the buttocks -----------------------------------------------------------
@pytest.mark.parametrize("text", ["早上没站稳一屁股坐到了地上", "一屁股墩在地上了"])
def test_landing_seated_on_the_ground_is_a_fall(text: str) -> None:
    assert "fall" in symptoms.present(text)


def test_sitting_down_on_a_sofa_is_no_fall() -> None:
    assert "fall" not in symptoms.present("回家一屁股坐到沙发上就不想动了")


# --- 5. and 6. jaw tightness, radiation to the arm (anginal equivalents) ----------------------
@pytest.mark.parametrize("text", ["下颌发紧", "下巴酸酸的", "腮帮子紧得慌"])
def test_the_jaw_with_tightness_or_aching_is_jaw_pain(text: str) -> None:
    assert "jaw_pain" in symptoms.present(text)


def test_teeth_set_on_edge_by_sour_food_are_no_jaw_pain() -> None:
    assert "jaw_pain" not in symptoms.present("吃了几个青杏，牙根发酸")


@pytest.mark.parametrize("text", ["心口那块闷，窜到左胳膊", "一直牵扯到左肩"])
def test_a_radiation_word_with_the_arm_is_arm_pain(text: str) -> None:
    assert "arm_pain" in symptoms.present(text)


def test_the_neck_joined_to_the_back_is_no_arm_pain() -> None:
    assert "arm_pain" not in symptoms.present("落枕了，脖子连着后背都酸")


def test_jaw_tightness_with_a_cold_sweat_in_a_diabetic_is_an_emergency() -> None:
    out = _assess("下颌一阵阵发紧，出了一身冷汗", age=71, sex="female", conditions=["diabetes"])
    assert out["disposition"] == "emergency", out["reasons"]


def test_sour_teeth_in_a_diabetic_are_no_emergency() -> None:
    out = _assess("吃了几个青杏，牙根发酸", age=71, sex="female", conditions=["diabetes"])
    assert rank(out["disposition"]) < rank("emergency"), out["reasons"]


# --- 7. and 8. the hoarse voice, the throat with something stuck ----------------------------
def test_the_voice_made_hoarse_is_hoarseness() -> None:
    assert "hoarseness" in symptoms.present("说话声变粗变哑了")


def test_a_louder_voice_is_no_hoarseness() -> None:
    assert "hoarseness" not in symptoms.present("孩子说话声音变大了")


def test_something_stuck_in_the_throat_after_peanuts_is_an_anaphylaxis_emergency() -> None:
    out = _assess("吃了花生酥以后，嗓子眼里像卡着东西，咽不下去", age=35)
    assert out["disposition"] == "emergency", out["reasons"]


def test_something_stuck_in_the_throat_alone_is_no_emergency() -> None:
    out = _assess("这几个月老觉得嗓子眼里像卡着东西，吃饭不受影响", age=45)
    assert rank(out["disposition"]) < rank("emergency"), out["reasons"]


# --- 9. crisis grammar: affairs in order, not waking ---------------------------------------
CRISIS = ["该安排的事我都跟女儿交代清楚了", "真希望哪天睡过去再也不醒了才好"]
NO_CRISIS = [
    "护士把出院该注意的都交代清楚了",
    "出院时大夫该交代的都交代了",
    "吃了药一睡过去就不醒，一觉到天亮",
]


@pytest.mark.parametrize("text", CRISIS)
def test_affairs_in_order_or_a_wish_not_to_wake_is_suicidal(text: str) -> None:
    assert "suicidal" in symptoms.present(text)


@pytest.mark.parametrize("text", NO_CRISIS)
def test_instructions_given_or_a_deep_sleep_are_not(text: str) -> None:
    assert "suicidal" not in symptoms.present(text)


# --- 10. functions said normal together ----------------------------------------------------
@pytest.mark.parametrize("text", ["呼吸吞咽都正常", "喘气、吃饭也没问题", "說話喘氣都正常"])
def test_functions_said_normal_together_deny_the_complaint(text: str) -> None:
    assert "dyspnea" not in symptoms.present(text)


@pytest.mark.parametrize("text", ["喘气和说话都费劲", "喘得厉害，说话都正常"])
def test_functions_said_hard_keep_the_complaint(text: str) -> None:
    assert "dyspnea" in symptoms.present(text)


def test_a_local_itch_with_breathing_said_normal_is_no_anaphylaxis() -> None:
    out = _assess("换了新的沐浴露，小腿有点痒，呼吸吞咽都正常", age=40)
    assert "syndrome-anaphylaxis" not in reason_codes(out)
    assert rank(out["disposition"]) < rank("emergency"), out["reasons"]


# --- 11. a hip pain in someone who walked at the time of the fall ---------------------------
def test_a_hip_pain_after_a_fall_in_someone_who_walked_then_is_urgent() -> None:
    out = _assess("前天在小区门口绊了一跤，摔完还能自己走回家，这两天胯部越来越疼", age=78)
    assert out["disposition"] == "urgent", out["reasons"]
    assert "syndrome-fall-injury" in reason_codes(out)


@pytest.mark.parametrize(
    "text",
    [
        "前天在小区门口绊了一跤，胯部疼，走路一瘸一拐的",
        "前天在小区门口绊了一跤，胯部疼得厉害",
        "前天绊了一跤，摔完还能自己走回家，今天胯部疼得下不了床了",
    ],
)
def test_a_hip_pain_with_a_limp_alone_or_weight_not_borne_now_stays_an_emergency(
    text: str,
) -> None:
    out = _assess(text, age=78)
    assert out["disposition"] == "emergency", out["reasons"]


def test_straining_is_no_ground_contact() -> None:
    assert "unable_to_bear_weight" not in symptoms.present("大便一使劲就疼，有点出血")
