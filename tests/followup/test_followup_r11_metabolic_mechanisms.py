"""Mechanisms of the r11_metabolic tuning misses (#15 task tfu11m), each with a dangerous and a
benign twin in words not taken from the set (other relatives, other verbs, traditional forms).

1. A stimulus (推, 拍, 摇, 叫) answered by no more than a groan or without the eyes opening is
   reduced consciousness (AVPU P/U, RCUK ABCDE; NICE NG51 high risk): an emergency, where the
   snoring beside it is no reassurance; a stimulus that wakes the patient is nothing.
2. The object 话 put first with 都/也 before its verb (话都讲不清楚) is slurred speech (BE-FAST);
   speech said to be clear is not.
3. A skin word with a marbled or patchy simile (像大理石一样) is mottled skin (NICE NG51 high risk);
   a fungal 花斑癣 is no simile.
4. Dusky, violaceous or black skin at a wound is a sign of necrosis (urgent), with crepitus (the
   snow-crunch simile, 握雪感), fever or diabetes a necrotising infection (emergency, WSES 2018); a
   black scab is a healing scab, a clicking knee no crepitus.
5. A clicking or moving sternum after a sternotomy is sternal instability (urgent), with pus or
   fever a deep sternal wound infection (emergency, CDC/NHSN 2024, EACTS 2017); after a PCI (no
   sternotomy) it is a routine complaint.
6. A stool darker than usual but not called black (颜色发暗, 深绿) is no melaena; on an
   antithrombotic it needs a same-day check (urgent, NICE NG141, ESC 2023), otherwise not.
7. Oral iron explains black stools although the iron is called 补血 (a word with 血 that names no
   bleeding); a word of blood in the stool still keeps the red flag, an anticoagulant the syndrome.
8. A decimal number after a measuring verb (测了三点四) is the glucose of a patient on a
   glucose-lowering medicine (never of anyone else, never a temperature); a level-1 low treated and
   rechecked or recovered in the same words is the 15-15 rule done (ADA 2024 §6): below urgent on
   insulin, still urgent on a sulfonylurea, at level 2 or when it keeps coming back.
9. An approximate reading every value of which is normal (空腹五点几) is settled: its words go to
   review, not urgent; one below the range still counts.
10. More urine than before, as a comparison (尿比平时多了些), is polyuria; foam in the urine is not.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.followup.services.ruledata import rank
from clinical.knowledge import readings, symptoms
from tests.followup.followup_vignette_builder import assess_words, reason_codes

NOW = datetime(2026, 5, 12, 10, 0, tzinfo=UTC)
CABG = {"days_ago": 10, "text": "冠状动脉旁路移植术", "icd9cm3": "36.12"}
PCI = {"days_ago": 10, "text": "经皮冠状动脉支架置入术", "icd9cm3": "36.06"}
HERNIA = {"days_ago": 7, "text": "腹股沟疝修补术", "icd9cm3": "53.00"}


def _assess(text: str, **record: object) -> dict:
    record = {"id": "tfu11m", "family": "syndromes", "age": 63, **record}
    return assess_words(text, NOW, hours_ago=1, **record)


# --- 1. a stimulus answered by a groan or no eye opening -----------------------------------------
NOT_ROUSED = ["拍拍她只哼了一下，眼睛也不睁", "摇了摇他，眼睛都不睁开", "怎么喊都不睁眼"]


@pytest.mark.parametrize("text", NOT_ROUSED)
def test_a_stimulus_answered_by_a_groan_is_reduced_consciousness(text: str) -> None:
    assert "unresponsive" in symptoms.present(text)
    assert _assess(f"外公下午一直睡，打着呼噜，{text}")["disposition"] == "emergency"


@pytest.mark.parametrize("text", ["拍拍她就醒了，睁眼跟我说话", "叫他起床吃饭，他马上就起来了"])
def test_a_stimulus_that_wakes_the_patient_is_nothing(text: str) -> None:
    assert "unresponsive" not in symptoms.present(text)


# --- 2. 话都/话也 before the verb ----------------------------------------------------------------
@pytest.mark.parametrize("text", ["奶奶今天连话也讲不清楚了", "他话都说不连贯"])
def test_the_topicalised_speech_is_slurred_speech(text: str) -> None:
    assert "slurred_speech" in symptoms.present(text)


@pytest.mark.parametrize("text", ["他说话很利索，话都说得清清楚楚", "电话打了很久"])
def test_clear_speech_is_not_slurred(text: str) -> None:
    assert "slurred_speech" not in symptoms.present(text)


# --- 3. a marbled skin simile --------------------------------------------------------------------
def test_a_marbled_simile_on_the_skin_is_mottling_and_after_surgery_an_emergency() -> None:
    text = "腿上的皮肤一块白一块紫，像大理石一样"
    assert "mottled_skin" in symptoms.present(text)
    out = _assess(text, surgery=HERNIA)
    assert out["disposition"] == "emergency"
    assert "syndrome-sepsis-mottled" in reason_codes(out)


def test_a_fungal_patch_is_no_mottling() -> None:
    assert "mottled_skin" not in symptoms.present("背上长了几块花斑癣，有点痒")


# --- 4. dusky skin and crepitus at a wound ---------------------------------------------------------
def test_dusky_skin_with_crepitus_at_a_wound_is_a_necrotising_infection() -> None:
    text = "切口周围乌紫乌紫的，一按像捏雪一样"
    assert {"wound_dusky", "subcutaneous_crepitus"} <= set(symptoms.present(text))
    out = _assess(text, surgery=HERNIA)
    assert out["disposition"] == "emergency"
    assert "syndrome-wound-necrotising" in reason_codes(out)


def test_dusky_skin_at_a_wound_alone_is_urgent_and_with_diabetes_an_emergency() -> None:
    assert _assess("伤口边上变黑了", surgery=HERNIA)["disposition"] == "urgent"
    out = _assess("伤口边上变黑了", surgery=HERNIA, conditions=["diabetes"])
    assert "syndrome-wound-necrotising" in reason_codes(out)


@pytest.mark.parametrize("text", ["伤口上结的痂发黑了，不红不肿", "刀口上面的血痂黑黑的"])
def test_a_black_scab_is_no_dusky_skin(text: str) -> None:
    assert "wound_dusky" not in symptoms.present(text)
    # the scab's words still go to a clinician (the body-named safety net), never as necrosis
    out = _assess(text, surgery=HERNIA)
    assert not {"syndrome-wound-necrotising", "symptom-lexicon-level"} & reason_codes(out)


def test_a_clicking_knee_is_no_crepitus() -> None:
    assert "subcutaneous_crepitus" not in symptoms.present("上楼梯的时候膝盖咯吱咯吱响")


# --- 5. a clicking sternum after a sternotomy -------------------------------------------------------
def test_a_clicking_sternum_after_a_sternotomy_is_urgent_and_with_pus_an_emergency() -> None:
    assert "sternal_instability" in symptoms.present("一咳嗽胸骨就咯噔一下")
    out = _assess("一咳嗽胸骨就咯噔一下", surgery=CABG)
    assert out["disposition"] == "urgent"
    assert "syndrome-sternal-instability" in reason_codes(out)
    out = _assess("一咳嗽胸骨就咯噔一下，胸口的伤口流脓了", surgery=CABG)
    assert out["disposition"] == "emergency"
    assert "syndrome-sternal-wound-deep" in reason_codes(out)


def test_a_clicking_sternum_without_a_sternotomy_is_routine() -> None:
    out = _assess("一咳嗽胸骨就咯噔一下", surgery=PCI)
    assert not {"syndrome-sternal-instability", "syndrome-sternal-wound-deep"} & reason_codes(out)
    assert rank(out["disposition"]) < rank("urgent")


# --- 6. a darker stool ----------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["这几天大便颜色发暗，也不算黑", "大便有点深绿"])
def test_a_darker_stool_on_an_antithrombotic_is_urgent(text: str) -> None:
    assert "dark_stool" in symptoms.present(text)
    assert "melena" not in symptoms.present(text)
    out = _assess(text, meds=["clopidogrel"])
    assert out["disposition"] == "urgent"
    assert "syndrome-dark-stool-antithrombotic" in reason_codes(out)


def test_a_darker_stool_without_an_antithrombotic_is_below_urgent() -> None:
    assert rank(_assess("这几天大便颜色发暗，也不算黑")["disposition"]) < rank("urgent")


# --- 7. 补血 iron and black stools -------------------------------------------------------------------
IRON = {"atc": "B03AA07", "text": "硫酸亚铁片 0.3g"}


def test_black_stools_on_iron_called_a_blood_tonic_are_explained() -> None:
    out = _assess("医生开的补血药吃了一周，拉的屎是黑色的，别的都好", meds=[IRON])
    assert rank(out["disposition"]) < rank("urgent")


def test_blood_in_the_stool_on_iron_keeps_the_red_flag() -> None:
    out = _assess("医生开的补血药吃了一周，拉的屎是黑色的，还带血", meds=[IRON])
    assert rank(out["disposition"]) >= rank("urgent")


def test_black_stools_on_iron_and_an_anticoagulant_keep_the_anticoagulant() -> None:
    out = _assess("医生开的补血药吃了一周，拉的屎是黑色的，别的都好", meds=[IRON, "warfarin"])
    assert out["disposition"] == "emergency"


# --- 8. a glucose in words, treated and rechecked ------------------------------------------------------
def test_a_decimal_after_a_measuring_verb_is_a_glucose_only_in_glucose_context() -> None:
    (found, _) = readings.read_vitals("出了身虚汗，测出来三点四", glucose_context=True)
    assert [(r.kind, r.values) for r in found] == [("glucose", [3.4])]
    assert readings.read_vitals("出了身虚汗，测出来三点四")[0] == []
    for text in ("测了三十七点五", "测了体重六十二点五公斤", "测了三点多"):
        assert not [
            r for r in readings.read_vitals(text, glucose_context=True)[0] if r.kind == "glucose"
        ]


RECHECKED = [
    "有点发抖，测出来三点四，含了两颗糖，一刻钟后复测五点五",
    "測了三點七，吃了幾塊餅乾就好了",
]


@pytest.mark.parametrize("text", RECHECKED)
def test_a_treated_low_on_insulin_is_below_urgent(text: str) -> None:
    assert rank(_assess(text, meds=["insulin"], conditions=["diabetes"])["disposition"]) < rank(
        "urgent"
    )


@pytest.mark.parametrize("text", RECHECKED)
def test_a_treated_low_on_a_sulfonylurea_stays_urgent(text: str) -> None:
    out = _assess(text, meds=["gliclazide"], conditions=["diabetes"])
    assert out["disposition"] == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "有点发抖，测出来二点六，含了两颗糖，一刻钟后复测五点五",  # level 2
        "测了三点七，吃了几块饼干就好了，这礼拜老是这样",  # keeps coming back
        "测了三点七，吃了降糖药，好了",  # a medicine is no treatment of the low
    ],
)
def test_a_low_that_is_level_2_recurrent_or_untreated_stays_urgent(text: str) -> None:
    out = _assess(text, meds=["insulin"], conditions=["diabetes"])
    assert rank(out["disposition"]) >= rank("urgent")


# --- 9. an approximate reading wholly inside the normal range -----------------------------------------
def test_an_approximate_normal_glucose_goes_to_review() -> None:
    out = _assess("最近血糖挺稳的，空腹五点几", meds=["metformin"], conditions=["diabetes"])
    assert out["disposition"] == "review"


def test_an_approximate_low_glucose_still_counts() -> None:
    out = _assess("最近血糖二点几，有点心慌", meds=["insulin"], conditions=["diabetes"])
    assert rank(out["disposition"]) >= rank("urgent")


# --- 10. more urine than before -----------------------------------------------------------------------
def test_more_urine_than_before_is_polyuria() -> None:
    assert "polyuria" in symptoms.present("吃了新药以后尿比平时多了些")


def test_foam_in_the_urine_is_not_polyuria() -> None:
    assert "polyuria" not in symptoms.present("尿里的泡沫比以前多了")


# --- 11. a red stool or urine explained by a red food -----------------------------------------------
# Betacyanin (beetroot, red-fleshed dragon fruit, red amaranth) colours stool and urine red: the
# stated food is read (food_coloured_excreta) instead of bleeding, blood words, clots or dizziness
# keep the bleeding, and an anticoagulant keeps the same-day check (EHRA 2021; NICE CKS Haematuria).
BEET = "前天晚上吃了好多甜菜根，今天小便有点发红，别的都正常"


def test_a_red_urine_after_beetroot_is_food_colour_below_urgent() -> None:
    assert symptoms.present(BEET) == ["food_coloured_excreta"]
    assert rank(_assess(BEET)["disposition"]) < rank("urgent")
    assert rank(_assess(BEET, meds=["aspirin"])["disposition"]) < rank("urgent")


def test_a_red_urine_after_beetroot_on_an_anticoagulant_is_still_checked() -> None:
    out = _assess(BEET, meds=["rivaroxaban"])
    assert out["disposition"] == "urgent"
    assert "syndrome-food-colour-anticoagulant" in reason_codes(out)


@pytest.mark.parametrize(
    "text",
    ["前天晚上吃了好多甜菜根，今天大便发红，还有血块", "吃了桑葚以后大便通红，头晕得厉害"],
)
def test_blood_words_or_dizziness_keep_the_bleeding(text: str) -> None:
    assert "food_coloured_excreta" not in symptoms.present(text)
    assert rank(_assess(text)["disposition"]) >= rank("urgent")


def test_a_red_stool_without_a_stated_food_is_bleeding() -> None:
    assert "rectal_bleeding" in symptoms.present("今天早上大便红彤彤的")


# --- 12. touch that feels little, said of the wound ---------------------------------------------------
# A clause of touch that feels little (摸上去没啥感觉) after the wound's clause is the scar's
# numbness (cut cutaneous nerves: NHS wound care, NICE NG192); the wound's own signs still count,
# and without a wound word before it nothing is read.
def test_touch_that_feels_little_after_the_wound_is_its_numbness() -> None:
    assert "wound_numbness" in symptoms.present("刀口木木的，摸上去没啥感觉")
    out = _assess("刀口木木的，摸上去没啥感觉", surgery=HERNIA)
    assert rank(out["disposition"]) < rank("review")


def test_a_numb_wound_that_turns_red_and_weeps_pus_is_still_an_infection() -> None:
    out = _assess("切口旁边摸上去没啥感觉，但是越来越红，还流脓", surgery=HERNIA)
    assert rank(out["disposition"]) >= rank("urgent")


def test_touch_that_feels_little_without_a_wound_is_not_read() -> None:
    assert "wound_numbness" not in symptoms.present("脚趾头摸上去没啥感觉")
