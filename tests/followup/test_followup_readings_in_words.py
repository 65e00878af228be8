"""Issue #15 round 2: a temperature written in a free-text answer at or above 37.3 (digits or
Chinese numerals) is a fever statement, so chemotherapy + 体温38.5 in words is an emergency even
when no Observation carries the number; a normal reading is read."""

from __future__ import annotations

import pytest
from django.utils import timezone
from followup_vignette_builder import assess_vignette, vignette_record

from clinical.followup.services import lexicon
from clinical.followup.services.ruledata import rank


def _assess(text: str, **extra: object) -> dict:
    now = timezone.now()
    v = {"id": "rw", "age": 60, "survey": [["今日感受", text, 1]], **extra}
    return assess_vignette(v, now)


@pytest.mark.parametrize(
    "text", ["刚做完化疗，今天体温38.5度", "上周打的化疗，烧到38度5", "化疗完第五天，浑身打哆嗦"]
)
def test_fever_or_chills_in_words_after_chemotherapy_is_an_emergency(text: str) -> None:
    assert _assess(text)["disposition"] == "emergency"


@pytest.mark.parametrize(
    ("text", "fever"),
    [("体温38.5", True), ("体温37.3度", True), ("体温37.0", False), ("体温三十八度五", True)],
)
def test_a_temperature_in_words_is_a_fever_statement_from_37_3(text: str, fever: bool) -> None:
    assert ("fever" in [m.concept for m in lexicon.match(text)]) is fever


def test_a_normal_reading_next_to_reassurance_is_read() -> None:
    out = _assess("体温36.8，伤口挺好")
    assert rank(out["disposition"]) < rank("urgent")
    assert not [r for r in out["reasons"] if r["code"] == "symptom-unrecognised"]


# --------------------------------------------------------------------------- #15 round 3
# Every other reading written in words (glucose, blood pressure, heart rate, SpO2, respiratory
# rate) is read by the one reader (clinical.knowledge.readings) and judged by the same
# vitals / scores / glucose rules as a measured Observation. Development cases, written before
# the rules changed; each family spans digits, Chinese numerals, full-width forms, units and
# word order.


def _codes(out: dict) -> list[str]:
    return [r["code"] for r in out["reasons"]]


def _reason(out: dict, *codes: str) -> dict:
    hits = [r for r in out["reasons"] if r["code"] in codes]
    assert hits, (codes, _codes(out))
    return hits[0]


LOW_GLUCOSE = [
    "血糖2.8",
    "血糖才二点八",
    "今天早上血糖才2.8",
    "血糖２．８mmol/L",
    "血糖2.8毫摩尔",
    "血糖二点八毫摩尔每升",
    "空腹血糖2.8",
    "早上测的血糖只有2.8，有点心慌",
    "血糖50mg/dl",  # 50 mg/dL = 2.8 mmol/L, converted with the documented factor
    "血糖 50 mg/dL",
]


@pytest.mark.parametrize("text", LOW_GLUCOSE)
def test_a_low_glucose_in_words_gets_the_15_15_advice(text: str) -> None:
    out = _assess(text)
    r = _reason(out, "hypoglycemia-level2", "hypoglycemia-symptomatic", "hypoglycemia-neuro")
    assert "15克" in r["text"] and "15分钟后复测" in r["text"]
    assert rank(out["disposition"]) >= rank("urgent")
    assert r["evidence"] == ["Observation/vg-rw-1"]


@pytest.mark.parametrize("text", ["血糖3.5", "血糖三点五", "血糖３.５mmol/l"])
def test_a_level1_glucose_in_words_still_gets_the_15_15_advice(text: str) -> None:
    r = _reason(_assess(text), "hypoglycemia-level1")
    assert "15克" in r["text"] and "15分钟后复测" in r["text"]


def test_low_glucose_in_words_with_symptoms_on_insulin_is_urgent() -> None:
    out = _assess("手抖出冷汗，血糖3.2", meds=["insulin"])
    assert _reason(out, "hypoglycemia-symptomatic")["disposition"] == "urgent"
    assert rank(out["disposition"]) >= rank("urgent")


def test_a_high_glucose_in_words_with_vomiting_is_a_crisis() -> None:
    out = _assess("吐了好几次，血糖二十二点五", conditions=["diabetes"])
    assert _reason(out, "hyperglycemia-crisis")["disposition"] == "emergency"


def test_mg_per_dl_is_converted_exactly_by_the_documented_factor() -> None:
    from clinical.followup.services.facts import build_facts
    from clinical.knowledge.observations import to_canonical

    now = timezone.now()
    v = {"id": "rw", "age": 60, "survey": [["今日感受", "血糖180mg/dl", 1]]}
    facts = build_facts(vignette_record(v, now), now)
    assert [r.value for r in facts.readings["glucose"]] == [to_canonical("glucose", 180, "mg/dL")]


LOW_BP = [
    "血压80/50",
    "血压八十/五十",
    "血压８０／５０mmHg",
    "血压80比50",
    "高压才85",
    "收缩压85",
    "今天血压只有80/50，头有点晕",
    "血压高压80低压50",
]


@pytest.mark.parametrize("text", LOW_BP)
def test_a_low_blood_pressure_in_words_is_judged_as_hypotension(text: str) -> None:
    out = _assess(text)
    r = _reason(out, "hypotension", "hypotension-symptomatic")
    assert rank(out["disposition"]) >= rank("urgent")
    assert "患者自述" in r["text"]  # the patient's own words are quoted as the evidence


@pytest.mark.parametrize("text", ["血氧88", "指脉氧掉到89%", "血氧饱和度八十八", "血氧８８％"])
def test_a_low_spo2_in_words_is_an_emergency(text: str) -> None:
    out = _assess(text)
    assert _reason(out, "spo2-lt90")["disposition"] == "emergency"
    assert out["disposition"] == "emergency"


def test_a_low_spo2_in_words_uses_the_copd_scale() -> None:
    out = _assess("血氧89", conditions=["copd"])
    assert "spo2-lt90" not in _codes(out)
    assert rank(out["disposition"]) < rank("emergency")


@pytest.mark.parametrize("text", ["心跳一百三", "心率130", "脉搏１３０次/分"])
def test_a_heart_rate_in_words_is_scored(text: str) -> None:
    out = _assess(text)
    assert "tachycardia" in _codes(out)


@pytest.mark.parametrize(
    "text",
    [
        "发烧39度，心跳一百三，呼吸一分钟30次，高压才85",
        "体温三十九度，心率130，呼吸频率30次/分，血压85/50",
        "血压85/50，心率一百三十，体温39℃，呼吸每分钟三十次",
    ],
)
def test_vitals_in_words_feed_the_aggregate_scores(text: str) -> None:
    out = _assess(text)
    assert out["disposition"] == "emergency"
    assert "news2-high" in _codes(out)
    assert {"qsofa-infection", "shock-index"} <= set(_codes(out))


@pytest.mark.parametrize(
    "text",
    [
        "呼吸很快一分钟30多次",  # 30多: not one value
        "血糖二点几",
        "血压一百多",
        "血氧九十左右",
        "高压大概80",
        "心跳一百好几",
    ],
)
def test_a_labelled_reading_that_cannot_be_read_exactly_goes_to_a_clinician(text: str) -> None:
    out = _assess(text)
    assert rank(out["disposition"]) >= rank("urgent")
    assert out["uncertainty"]["level"] == "high"
    assert any(r["code"] == "symptom-unrecognised" for r in out["reasons"])


@pytest.mark.parametrize(
    "text",
    [
        "血糖6.2，挺好的",
        "空腹血糖五点八，一切都好",
        "血压126/78，其他还好",
        "心率72，血氧98，都挺好",
        "体温36.5，伤口挺好",
        "今天血压一百二十/八十，没什么不舒服",
        "体温36度多，挺好的",  # every value 36度多 can be is normal
    ],
)
def test_a_normal_reading_in_words_with_reassurance_stays_low(text: str) -> None:
    out = _assess(text)
    assert rank(out["disposition"]) < rank("urgent")
    assert "symptom-unrecognised" not in _codes(out)


def test_a_reading_in_words_is_marked_patient_reported_with_its_words() -> None:
    out = _assess("血糖才二点八")
    notes = [n for n in out["notes"] if n["code"] == "patient-reported-reading"]
    assert notes and "血糖才二点八" in notes[0]["text"]
    assert notes[0]["ref"] == "Observation/vg-rw-1"


def test_an_implausible_reading_in_words_is_not_used_and_goes_to_a_clinician() -> None:
    out = _assess("血糖88")  # no glucose is 88 mmol/L: a typo or another unit
    assert not [r for r in out["reasons"] if r["code"].startswith("hyperglycemia")]
    assert any(n["code"] == "implausible" for n in out["notes"])
    assert rank(out["disposition"]) >= rank("urgent")


# --------------------------------------------------------------------------- sided weakness


@pytest.mark.parametrize(
    "text",
    [
        "右手没劲",
        "左腿使不上劲",
        "一边胳膊抬不起来",
        "右手突然没劲",
        "左边胳膊腿没力气",
        "右侧手脚都没力气",
        "左边身子突然没劲了",
    ],
)
def test_sided_limb_weakness_is_focal_weakness_not_fatigue(text: str) -> None:
    said = [m.concept for m in lexicon.match(text) if not m.negated]
    assert "limb_weakness" in said and "fatigue" not in said
    assert _assess(text)["disposition"] == "emergency"


@pytest.mark.parametrize("text", ["浑身没劲", "全身没力气", "这两天没劲，右手有点酸"])
def test_weakness_without_a_side_stays_fatigue(text: str) -> None:
    said = [m.concept for m in lexicon.match(text) if not m.negated]
    assert "fatigue" in said and "limb_weakness" not in said


def test_the_quoted_words_are_as_the_patient_wrote_them() -> None:
    out = _assess("血壓８０／５０，頭暈")  # traditional characters and full width
    assert _reason(out, "hypotension-symptomatic", "hypotension")["text"].endswith(
        "（患者自述“血壓８０／５０”）"
    )


# Paraphrase families (#15 metamorphic): every spelling of one reading gets the same findings.
FAMILIES = {
    "glucose": [
        "血糖2.8",
        "血糖二点八",
        "血糖２．８",
        "血糖2.8mmol/L",
        "血糖2.8毫摩尔",
        "血糖才2.8",
    ],
    "bp": [
        "血压80/50",
        "血压八十/五十",
        "血压８０／５０",
        "血压80比50",
        "血压80/50mmHg",
        "血壓80/50",
    ],
    "spo2": ["血氧88", "血氧八十八", "血氧88%", "血氧饱和度88", "指脉氧88", "血氧８８％"],
    "hr": ["心跳一百三", "心率130", "心跳130下", "脉搏一百三十", "心率130次/分"],
}


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_spelling_of_a_reading_gets_the_same_findings(family: str) -> None:
    got = set()
    for text in FAMILIES[family]:
        out = _assess(text)
        got.add((out["disposition"], frozenset(_codes(out))))
    assert len(got) == 1, got


@pytest.mark.parametrize(
    ("label", "values"),
    [
        ("血糖", ["五点五", "三点八", "三点二", "二点八", "二点零"]),
        ("血氧", ["九十七", "九十三", "九十一", "八十八", "八十二"]),
        ("心跳", ["八十", "一百", "一百二", "一百三十五", "一百五"]),
    ],
)
def test_a_worse_reading_in_words_never_lowers_the_disposition(label: str, values: list) -> None:
    ranks = [rank(_assess(f"{label}{v}")["disposition"]) for v in values]
    assert ranks == sorted(ranks), ranks


# --- approximate readings (#15 round 3): judged only when the whole interval is abnormal ---------


def test_glucose_in_words_below_three_is_level_2_hypoglycaemia_and_still_checked() -> None:
    out = _assess("血糖才二点几，手抖出汗", conditions=["diabetes"], meds=["insulin"])
    codes = _codes(out)
    assert "hypoglycemia-level2" in codes  # every value 2.0–2.9 is < 3.0: judged at 2.9
    assert "symptom-unrecognised" in codes  # the exact value still goes to a clinician


def test_a_lone_bp_number_in_the_eighties_is_a_low_systolic_in_the_scores() -> None:
    out = _assess("体温三十九度二，心率一百三，血压八十几")
    assert out["disposition"] == "emergency"
    assert {"hypotension", "news2-high"} <= set(_codes(out))


def test_postpartum_headache_with_a_bp_in_words_over_160_is_pre_eclampsia() -> None:
    out = _assess("产后一个月，自己量血压一百六十多，头晕头痛", sex="female", age=31)
    assert out["disposition"] == "emergency"
    assert "syndrome-preeclampsia" in _codes(out)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("血糖三点多", {"hypoglycemia-level1", "hypoglycemia-level2"}),  # 3.0–3.9 reaches 3.9
        ("血压一百多", {"hypotension", "bp-grade2", "bp-severe"}),  # 100–199 crosses normal
        ("血压大概一百六", {"bp-grade2", "bp-severe"}),  # hedged: no interval
    ],
)
def test_an_interval_that_reaches_normal_is_not_judged_but_goes_to_a_clinician(
    text: str, absent: set[str]
) -> None:
    out = _assess(text)
    assert not absent & set(_codes(out))
    assert "symptom-unrecognised" in _codes(out)
    assert rank(out["disposition"]) >= rank("urgent")


# --- an approximate glucose after a measuring verb (#15, r10-ew-hungry-normal) ------------------
# 测了一下五点几 on a glucose-lowering medicine is read as 血糖五点几 is: bounded 5.0–5.9, judged
# only where the whole interval lies on one side of a cut-off (written before the reader change).


def test_an_approximate_glucose_after_a_measuring_verb_is_bounded_like_a_labelled_one() -> None:
    from clinical.knowledge import readings

    _, unlabelled = readings.read_vitals("饿得心慌，测了一下五点几", glucose_context=True)
    _, labelled = readings.read_vitals("饿得心慌，测了血糖五点几", glucose_context=True)
    assert [(u.kind, u.bounds) for u in unlabelled] == [("glucose", (5.0, 5.9))]
    assert [u.bounds for u in unlabelled] == [u.bounds for u in labelled]
    # no glucose context, a range, or a hedge on top: nothing is read (the safety net keeps it)
    assert readings.read_vitals("饿得心慌，测了一下五点几") == ([], [])
    assert readings.read_vitals("测了五点几到六点", glucose_context=True) == ([], [])
    assert readings.read_vitals("测了一下大概五点几", glucose_context=True) == ([], [])


def test_hunger_with_a_measured_normal_glucose_in_words_is_no_suspected_low() -> None:
    out = _assess(
        "我爸打胰岛素的，饿得心慌，测了一下五点几", conditions=["diabetes"], meds=["insulin"]
    )
    assert "hypoglycemia-suspected" not in _codes(out)
    assert rank(out["disposition"]) < rank("urgent"), out["reasons"]


def test_an_approximate_low_after_a_measuring_verb_is_still_hypoglycaemia() -> None:
    out = _assess("手抖出汗，测了一下二点几", conditions=["diabetes"], meds=["insulin"])
    assert "hypoglycemia-level2" in _codes(out)
    assert rank(out["disposition"]) >= rank("urgent")
