"""Mechanisms of the r10 tuning misses (#15 task tfu10), each with a dangerous and a benign twin
in words not taken from the set (colloquial, 疼/痛, traditional, full width, numerals).

1. An adverb with its adverbial 地 between a body word and its quality (手指尖时不时地发麻) is
   read as the adverb alone is: digital paraesthesia is hypocalcaemia after thyroid surgery
   (urgent, SfE 2016) and a routine complaint without it (NICE CKS Carpal tunnel syndrome).
2. A comparison with the other side in its own clause (右边小腿又胀起来了，比左边粗) takes the
   leg before it: one leg thicker than the other is a DVT sign (NICE NG158), both legs alike are
   not.
3. Speech that will not come out (讲话突然讲不出来, 想说的词出不来) is lost speech (NICE NG128
   dysphasia); what cannot be described (说不出来哪里不舒服) is not.
4. A settled phrase with the perfective 了 after its verb (结了痂 = 结痂了, 消了肿 = 消肿了) is
   settled: a body clause nothing else reads stays for review, not urgent (NICE NG125: a scabbed
   incision is healing); an unsettled one still names the body.
5. A worsening bare pain (越来越痛) after the wound is the wound's worsening pain, not the unsited
   abdominal term; a red area told against before (比以前大) is spreading (NICE NG125, CDC SSI).
6. An approximate reading (十二点几) every value of which falls between the same cut-offs of the
   rules is judged and its words go to review; one across a cut-off stays urgent.
7. What is spat while brushing teeth or rinsing the mouth (刷牙…吐了几口) is no vomiting, unless
   nausea, a belly or head complaint or repeated vomiting says so (NICE CKS Gingivitis).
8. A head word with the verb of an injury and a verbal measure or result (磕了一下脑袋, 后脑勺撞了
   一下) is a head injury: on an anticoagulant an emergency (NICE NG232, CT within 8 h).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.followup.services.ruledata import rank
from clinical.knowledge import symptoms, unread
from tests.followup.followup_vignette_builder import assess_words, reason_codes

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
THYROID = {"days_ago": 4, "text": "甲状腺全切除术", "snomed": "13619001"}
KNEE = {"days_ago": 12, "text": "全膝关节置换术", "icd9cm3": "81.54"}
LAP = {"days_ago": 12, "text": "腹腔镜胆囊切除术", "icd9cm3": "51.23"}


def _assess(text: str, **record: object) -> dict:
    return assess_words(text, NOW, **{"id": "tfu10", "family": "syndromes", "age": 58, **record})


# --- 1. adverb + 地 ----------------------------------------------------------------------------
TINGLE = ["手指尖时不时地发麻", "手指頭一陣一陣地發麻", "指尖经常地有点麻", "手指头偶尔地麻木"]


@pytest.mark.parametrize("text", TINGLE)
def test_an_adverb_with_its_de_reads_the_digital_tingling(text: str) -> None:
    assert "perioral_tingling" in symptoms.present(text)


@pytest.mark.parametrize("text", TINGLE)
def test_tingling_fingers_after_thyroid_surgery_are_urgent(text: str) -> None:
    out = _assess(text, surgery=THYROID, discharge_days_ago=2)
    assert rank(out["disposition"]) >= rank("urgent")
    assert "syndrome-hypocalcaemia" in reason_codes(out)


@pytest.mark.parametrize("text", TINGLE)
def test_tingling_fingers_without_neck_surgery_are_below_urgent(text: str) -> None:
    out = _assess(text, conditions=[{"icd10": "G56.0", "text": "腕管综合征"}])
    assert rank(out["disposition"]) < rank("urgent")
    assert "symptom-unrecognised" not in reason_codes(out)


def test_di_alone_is_no_degree_word() -> None:
    # 地 only after its adverb: a bare 地 (the ground) between a body word and a quality is not
    # skipped
    assert "perioral_tingling" not in symptoms.present("手指头地发麻")
    assert "perioral_tingling" in symptoms.present("手指头时不时地发麻")


# --- 2. the other side -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    ["右边小腿又胀起来了，比左边粗", "右小腿肿起来，比左腿粗", "左腿又腫了，比另一条粗"],
)
def test_one_leg_thicker_than_the_other_after_surgery_is_urgent(text: str) -> None:
    assert "calf_pain_swelling" in symptoms.present(text)
    out = _assess(text, surgery=KNEE, discharge_days_ago=6)
    assert rank(out["disposition"]) >= rank("urgent")
    assert "symptom-calf-swelling" in reason_codes(out)


@pytest.mark.parametrize("text", ["两条腿都有点肿，两边一样粗", "我比右边那个人粗"])
def test_no_side_thicker_is_no_calf_swelling(text: str) -> None:
    assert "calf_pain_swelling" not in symptoms.present(text)


# --- 3. speech that will not come out ----------------------------------------------------------
SPEECH = ["我爸讲话突然讲不出来了", "說話忽然說不出來", "想说的那个词出不来，急得直比划"]


@pytest.mark.parametrize("text", SPEECH)
def test_speech_that_will_not_come_out_is_a_stroke_sign(text: str) -> None:
    assert "slurred_speech" in symptoms.present(text)
    out = _assess(text, conditions=["hypertension"])
    assert out["disposition"] == "emergency"


def test_speech_lost_then_recovered_is_at_least_a_suspected_tia() -> None:
    out = _assess("前天讲话突然讲不出来，过了七八分钟自己就好了", conditions=["hypertension"])
    assert rank(out["disposition"]) >= rank("urgent")
    assert "redflag-tia" in reason_codes(out)


@pytest.mark.parametrize(
    "text", ["说话的时候说不出来那种难受", "我也说不出来哪里不舒服", "讲话时说不出是哪儿疼"]
)
def test_what_cannot_be_described_is_no_lost_speech(text: str) -> None:
    assert "slurred_speech" not in symptoms.present(text)


# --- 4. a settled phrase with its 了 after the verb ----------------------------------------------
@pytest.mark.parametrize(
    "text", ["肚皮上那两个针眼结了痂", "肚皮上的小口子已經結了痂", "脚背消了肿"]
)
def test_a_settled_verb_object_with_inner_le_names_no_bodily_complaint(text: str) -> None:
    assert unread.body_named(text) == ""


@pytest.mark.parametrize("text", ["肚皮上那两个针眼裂开了一道", "肚皮上的小口子往外鼓"])
def test_an_unsettled_body_clause_still_names_the_body(text: str) -> None:
    assert unread.body_named(text) != ""


def test_scabbed_port_sites_go_to_review_not_urgent() -> None:
    out = _assess("肚皮上那两个针眼结了痂", surgery=LAP)
    assert out["disposition"] == "review"
    out = _assess("肚皮上那两个针眼裂开了一道", surgery=LAP)
    assert rank(out["disposition"]) >= rank("urgent")


# --- 5. a worsening pain and a red area told against before --------------------------------------
APPENDIX = {"days_ago": 8, "text": "腹腔镜阑尾切除术", "icd9cm3": "47.01"}
COLON = {"days_ago": 6, "text": "腹腔镜右半结肠切除术", "icd9cm3": "45.73"}


@pytest.mark.parametrize(
    "text",
    [
        "伤口本来不怎么痛，这几天反而越来越痛，发红的那一圈比昨天大了",
        "刀口之前不太疼，現在越來越疼，紅的地方比以前大",
    ],
)
def test_a_worsening_wound_with_spreading_redness_is_urgent_not_abdominal(text: str) -> None:
    found = symptoms.present(text)
    assert {"wound_warm_pain", "wound_redness_spreading"} <= set(found)
    assert "abdominal_pain_severe" not in found
    out = _assess(text, surgery=APPENDIX, discharge_days_ago=5)
    assert out["disposition"] == "urgent"


@pytest.mark.parametrize("text", ["肚子胀，越来越痛", "这两天越来越疼"])
def test_a_worsening_pain_of_the_belly_or_of_no_site_keeps_its_emergency(text: str) -> None:
    assert "abdominal_pain_severe" in symptoms.present(text)
    out = _assess(text, surgery=COLON, discharge_days_ago=3)
    assert out["disposition"] == "emergency"


@pytest.mark.parametrize("text", ["发红的地方比昨天小了", "红的那块没有变大"])
def test_a_red_area_that_shrinks_or_stays_is_no_spreading(text: str) -> None:
    assert "wound_redness_spreading" not in symptoms.present(text)


# --- 6. an approximate reading every value of which the rules judge alike --------------------------
DIABETIC = {"conditions": ["diabetes"], "meds": ["metformin"], "discharge_days_ago": 9}


@pytest.mark.parametrize("text", ["吃完饭两小时血糖十一点几", "血糖１１點幾", "饭后测血糖12点几"])
def test_an_approximate_glucose_between_every_cut_off_goes_to_review(text: str) -> None:
    out = _assess(text, **DIABETIC)
    assert out["disposition"] == "review"
    assert "patient-reported-reading-approximate" in {n["code"] for n in out["notes"]}


@pytest.mark.parametrize("text", ["血糖十三点几", "饭后测的血糖16点几"])
def test_an_approximate_glucose_across_a_cut_off_stays_urgent(text: str) -> None:
    # 13.0-13.9 reaches the DKA cut-off 13.9, 16.0-16.9 the ketone-check cut-off 16.7
    assert _assess(text, **DIABETIC)["disposition"] == "urgent"


def test_an_approximate_low_glucose_keeps_its_own_rule() -> None:
    out = _assess("血糖才二点几，手抖出汗", **DIABETIC)
    assert rank(out["disposition"]) >= rank("urgent")
    assert "hypoglycemia-level2" in reason_codes(out)


def test_a_kind_a_ratio_judges_is_never_settled() -> None:
    # the shock index (HR/SBP) may cross 1.0 anywhere in 一百六十多: the words stay urgent
    assert _assess("血压一百六十多", **DIABETIC)["disposition"] == "urgent"


# --- 7. what is spat while brushing teeth is no vomiting -------------------------------------------
SPAT = ["晚上刷牙时牙龈又出血了，吐了几口全是红的", "漱口的时候牙齦出血，吐出來好幾口都帶紅"]


@pytest.mark.parametrize("text", SPAT)
def test_spitting_after_brushing_is_no_vomiting(text: str) -> None:
    assert "vomiting" not in symptoms.present(text)


@pytest.mark.parametrize("text", SPAT)
def test_gums_bleeding_on_brushing_without_an_anticoagulant_is_below_urgent(text: str) -> None:
    assert rank(_assess(text)["disposition"]) < rank("urgent")


@pytest.mark.parametrize("text", SPAT)
def test_gums_bleeding_on_warfarin_is_urgent(text: str) -> None:
    out = _assess(text, meds=["warfarin"], conditions=["af"])
    assert rank(out["disposition"]) >= rank("urgent")


@pytest.mark.parametrize(
    "text", ["刷牙的时候一阵恶心，吐了两回", "刷完牙就想吐，吐了三次", "漱口后肚子痛，吐了"]
)
def test_vomiting_with_nausea_or_a_belly_after_brushing_stays_vomiting(text: str) -> None:
    assert "vomiting" in symptoms.present(text)


# --- 8. a head injury told with a verbal measure or a result -----------------------------------------
BUMP = ["昨晚起夜磕了一下脑袋", "后脑勺在柜门上撞了一下", "额頭撞破了"]


@pytest.mark.parametrize("text", BUMP)
def test_a_head_bump_on_an_anticoagulant_is_an_emergency(text: str) -> None:
    assert "fall_head_injury" in symptoms.present(text)
    out = _assess(text, age=74, meds=["rivaroxaban"], conditions=["af"])
    assert out["disposition"] == "emergency"
    assert "syndrome-head-injury-antithrombotic" in reason_codes(out)


@pytest.mark.parametrize(
    "text", ["我想撞一下脑袋清醒清醒", "头一天磕了一下腿", "脑袋有点晕，腿磕了一下"]
)
def test_an_intent_or_another_body_part_is_no_head_injury(text: str) -> None:
    assert "fall_head_injury" not in symptoms.present(text)


@pytest.mark.parametrize("text", ["饭后两小时血糖十点几", "吃完饭测的血糖10點幾"])
def test_an_approximate_glucose_across_the_top_of_the_normal_range_between_cut_offs_is_review(
    text: str,
) -> None:
    # 10.0-10.9 reaches above the normal range (3.9-10.0) and no cut-off of the rules falls
    # inside it: the words are a reading to check, not an unknown at urgent
    out = _assess(text, **DIABETIC)
    assert out["disposition"] == "review"
    assert "patient-reported-reading-approximate" in {n["code"] for n in out["notes"]}


@pytest.mark.parametrize(
    "text",
    ["空腹血糖五点几", "早上测的血糖五點幾", "血糖大概7", "体温三十六度五左右", "心跳七十多"],
)
def test_an_approximate_reading_wholly_inside_the_normal_range_is_a_normal_reading(
    text: str,
) -> None:
    # every value the words allow (5.0-5.9, about 7, about 36.5, 70-79) is normal: nothing to
    # send on (as 血糖7左右 and 体温36度多 were before; now read by the one readings reader)
    out = _assess(text, **DIABETIC)
    assert out["disposition"] in ("routine", "self-care")
    assert "reading-unreadable" not in {n["code"] for n in out["notes"]}


@pytest.mark.parametrize("text", ["血糖三点几", "血糖三點幾"])
def test_an_approximate_reading_across_a_cut_off_near_normal_stays_unjudged(text: str) -> None:
    # 3.0-3.9 crosses the level-1 hypoglycaemia cut-off 3.9 (体温三十六点几, 36.0-36.9, lies inside
    # the normal range of normal_readings and is a normal reading, as 体温36.0 is)
    out = _assess(text, **DIABETIC)
    assert out["disposition"] == "urgent"
    assert "patient-reported-reading-approximate" not in {n["code"] for n in out["notes"]}
