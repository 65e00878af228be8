"""The lead's probes (#15), session of 2026-12-07 (seventh): laboratory results and a slow pulse
told in words, bites, carbon monoxide, and alcohol withdrawal.

- A potassium or haemoglobin result the patient types (抽血说血钾6.5, 血红蛋白只有65) was taken as
  "a measurement" and so understood, yet no rule judged it: 血钾6.5 with weakness was routine. The
  shared reader now reads 血钾 and 血红蛋白/血色素 as it reads INR, and the record's own laboratory
  rules judge them (UK Kidney Association 2020 hyperkalaemia; NICE NG24 transfusion threshold).
- 一分钟四十来下: 来 after a round number is an approximate number (四十来 ≈ forty, a little over
  or under). Its interval is judged at the end nearest normal, as 四十多 is; it was unread.
- 心跳很慢 (a slow pulse said in words) was unread. It is a concept of its own (urgent); with a
  faint, confusion, chest pain or breathlessness it is symptomatic bradycardia (ESC 2021 cardiac
  pacing; Resuscitation Council UK 2021 adult bradycardia algorithm: adverse features → emergency),
  and on digoxin with nausea, vomiting, dizziness or a visual change it is digoxin toxicity as a
  pulse counted under 50 is.
- Carbon monoxide: 烧炭取暖 with a headache, nausea or dizziness was review. Exposure to a burning
  fuel indoors with those symptoms is carbon monoxide poisoning until proven otherwise (NICE CKS
  Carbon monoxide poisoning 2023; 中国急性一氧化碳中毒诊治专家共识 2022) → emergency; 煤气中毒
  said outright is an emergency alone.
- Bites: 被狗咬了 was review (rabies exposure: 狂犬病暴露预防处置工作规范 2023 版 → wound care and
  vaccine the same day: urgent); 被蛇咬了 was review (中国蛇伤救治专家共识 2018: every snakebite
  goes to hospital at once: emergency).
- Alcohol withdrawal: 戒酒 with a tremor is urgent; with hallucinations, a seizure or confusion it
  is delirium tremens or withdrawal seizures (NICE CG100 §1.1) → emergency. 看见墙上有虫子爬 (seeing
  insects that are not there) is a visual hallucination.

Twins: normal results, a fast count, an insect bite, a warm room without symptoms, an old
abstinence without symptoms.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.knowledge import readings, symptoms
from tests.followup.followup_vignette_builder import assess_words, reason_codes

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
OLD = {"age": 72, "sex": "male"}
HF = {"age": 72, "sex": "male", "conditions": ["hf"]}


# --- laboratory results in words --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [("血钾6.5", 6.5), ("抽血说血钾6.8mmol/L", 6.8), ("查了血清钾是2.4", 2.4), ("血钾六点五", 6.5)],
)
def test_a_potassium_result_in_words_is_a_reading(text: str, value: float) -> None:
    got = [r for r in readings.readings(text) if r.kind == "potassium"]
    assert [r.values for r in got] == [[value]]


@pytest.mark.parametrize(
    ("text", "code", "level"),
    [
        ("最近浑身没劲，腿发软，抽血说血钾6.5", "potassium-critical-high", "emergency"),
        ("社区医院查了血钾6.1", "potassium-high", "urgent"),
        ("化验单上血钾2.3，没力气", "potassium-critical-low", "emergency"),
    ],
)
def test_a_potassium_result_in_words_is_judged_by_the_laboratory_rules(
    text: str, code: str, level: str
) -> None:
    out = assess_words(text, NOW, **HF)
    assert code in reason_codes(out)
    assert out["disposition"] == level


def test_a_normal_potassium_in_words_raises_nothing() -> None:
    out = assess_words("复查血钾4.2，医生说正常", NOW, **HF)
    assert not {c for c in reason_codes(out) if c.startswith("potassium")}
    assert out["disposition"] not in ("urgent", "emergency")


@pytest.mark.parametrize(
    ("text", "level"), [("血红蛋白只有65", "urgent"), ("血色素六十", "urgent")]
)
def test_a_low_haemoglobin_in_words_is_judged(text: str, level: str) -> None:
    out = assess_words(text, NOW, **OLD)
    assert "hemoglobin-low" in reason_codes(out)
    assert out["disposition"] == level


def test_potassium_chloride_the_medicine_is_no_reading() -> None:
    assert not [r for r in readings.readings("每天吃氯化钾缓释片1g") if r.kind == "potassium"]


# --- a slow pulse ----------------------------------------------------------------------------

DIGOXIN = {"age": 70, "sex": "female", "conditions": ["af"], "meds": ["digoxin"]}


def test_forty_odd_with_lai_is_bounded_like_duo() -> None:
    _, unread = readings.read_vitals("心跳一分钟四十来下")
    assert [(u.bounds_kind, u.bounds) for u in unread] == [("heart_rate", (35.0, 49.0))]


def test_a_pulse_of_about_forty_with_dizziness_on_digoxin_is_an_emergency() -> None:
    out = assess_words("数了一下脉搏一分钟四十来下，头晕", NOW, **DIGOXIN)
    assert "syndrome-digoxin-toxicity" in reason_codes(out)
    assert out["disposition"] == "emergency"


@pytest.mark.parametrize(
    "text", ["心跳很慢", "这两天心跳特别慢", "脉搏很慢", "心跳变慢了", "心率很慢"]
)
def test_a_slow_pulse_in_words_is_read(text: str) -> None:
    assert "slow_pulse" in symptoms.present(text)


@pytest.mark.parametrize("text", ["心跳很快", "心跳不慢", "走路很慢", "慢慢地心跳平稳了"])
def test_a_slow_pulse_twin_is_not(text: str) -> None:
    assert "slow_pulse" not in symptoms.present(text)


def test_a_slow_pulse_alone_is_urgent() -> None:
    out = assess_words("这两天心跳很慢", NOW, **OLD)
    assert out["disposition"] == "urgent"


@pytest.mark.parametrize(
    "text", ["心跳很慢，刚才晕过去了", "心跳特别慢，胸口闷得慌", "脉搏很慢，人有点糊涂"]
)
def test_a_slow_pulse_with_an_adverse_feature_is_an_emergency(text: str) -> None:
    out = assess_words(text, NOW, **OLD)
    assert "syndrome-symptomatic-slow-pulse" in reason_codes(out)
    assert out["disposition"] == "emergency"


@pytest.mark.parametrize("text", ["心跳很慢，有点恶心", "心跳很慢，头晕"])
def test_a_slow_pulse_on_digoxin_with_its_symptoms_is_digoxin_toxicity(text: str) -> None:
    out = assess_words(text, NOW, **DIGOXIN)
    assert "syndrome-digoxin-toxicity" in reason_codes(out)
    assert out["disposition"] == "emergency"


def test_nausea_on_digoxin_with_a_fast_pulse_is_no_digoxin_toxicity() -> None:
    out = assess_words("心跳很快，有点恶心", NOW, **DIGOXIN)
    assert "syndrome-digoxin-toxicity" not in reason_codes(out)


# --- carbon monoxide ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "家里烧炭取暖，一家人都头疼恶心",
        "昨晚屋里生着煤炉，早上起来头晕想吐",
        "洗澡的时候燃气热水器开着，出来就头晕乏力",
        "闻到煤气泄漏的味道，现在头痛",
    ],
)
def test_a_fuel_burning_indoors_with_its_symptoms_is_carbon_monoxide_poisoning(text: str) -> None:
    out = assess_words(text, NOW, age=50)
    assert "syndrome-carbon-monoxide" in reason_codes(out)
    assert out["disposition"] == "emergency"


@pytest.mark.parametrize("text", ["我妈煤气中毒了", "怀疑一氧化碳中毒"])
def test_carbon_monoxide_poisoning_said_outright_is_an_emergency(text: str) -> None:
    out = assess_words(text, NOW, age=50)
    assert out["disposition"] == "emergency"


def test_a_warm_room_without_symptoms_is_no_poisoning() -> None:
    out = assess_words("家里烧炭取暖，挺暖和的，没有不舒服", NOW, age=50)
    assert "syndrome-carbon-monoxide" not in reason_codes(out)
    assert out["disposition"] not in ("urgent", "emergency")


def test_a_headache_without_a_fuel_is_no_poisoning() -> None:
    out = assess_words("这两天有点头疼", NOW, age=50)
    assert "syndrome-carbon-monoxide" not in reason_codes(out)


# --- bites ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["被狗咬了一口，出血了", "昨天被猫抓破了皮", "让邻居家的狗咬了"])
def test_a_mammal_bite_is_urgent(text: str) -> None:
    out = assess_words(text, NOW, age=30)
    assert "animal_bite" in symptoms.present(text)
    assert out["disposition"] == "urgent"


@pytest.mark.parametrize("text", ["被蛇咬了，腿肿起来了", "下地的时候让蛇咬了一口"])
def test_a_snakebite_is_an_emergency(text: str) -> None:
    out = assess_words(text, NOW, age=45)
    assert "snake_bite" in symptoms.present(text)
    assert out["disposition"] == "emergency"


@pytest.mark.parametrize("text", ["被蚊子咬了个包", "狗狗很乖，没咬人", "没有被狗咬"])
def test_a_bite_twin_is_no_mammal_bite(text: str) -> None:
    assert "animal_bite" not in symptoms.present(text)
    assert "snake_bite" not in symptoms.present(text)


# --- alcohol withdrawal ------------------------------------------------------------------------


def test_tremor_after_stopping_alcohol_is_urgent() -> None:
    out = assess_words("出院后戒酒了，这两天手一直抖，睡不着", NOW, age=55)
    assert "syndrome-alcohol-withdrawal" in reason_codes(out)
    assert out["disposition"] == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "出院后戒酒，现在手抖得厉害，还出现了幻觉",
        "停酒三天了，刚才抽风了",
        "戒酒以后人糊里糊涂的，手抖",
    ],
)
def test_withdrawal_with_hallucinations_a_seizure_or_confusion_is_an_emergency(text: str) -> None:
    out = assess_words(text, NOW, age=55)
    assert "syndrome-alcohol-withdrawal-severe" in reason_codes(out)
    assert out["disposition"] == "emergency"


@pytest.mark.parametrize("text", ["出现幻觉", "说看见不存在的东西", "老是听到别人听不到的声音"])
def test_a_hallucination_said_as_one_is_read(text: str) -> None:
    assert "psychotic_symptoms" in symptoms.present(text)


def test_insects_seen_crawling_after_stopping_alcohol_are_at_least_withdrawal() -> None:
    # 看见墙上有虫子爬 may be a real insect: it is not read as a hallucination, its clause stays
    # unread for a clinician, and the tremor after stopping is withdrawal (urgent)
    text = "出院后戒酒，现在手抖得厉害，看见墙上有虫子爬"
    assert "psychotic_symptoms" not in symptoms.present(text)
    out = assess_words(text, NOW, age=55)
    assert "syndrome-alcohol-withdrawal" in reason_codes(out)
    assert "symptom-unrecognised" in reason_codes(out)
    assert out["disposition"] == "urgent"


def test_an_old_abstinence_without_symptoms_is_no_withdrawal() -> None:
    out = assess_words("戒酒好几年了，身体挺好", NOW, age=55)
    assert "syndrome-alcohol-withdrawal" not in reason_codes(out)
    assert out["disposition"] not in ("urgent", "emergency")


# --- pain one rolls about with, bleeding said to be a lot ---------------------------------------


@pytest.mark.parametrize("text", ["腰疼得打滚", "肚子两边疼得直打滚", "腿痛得在床上打滚"])
def test_pain_that_makes_one_roll_about_is_severe(text: str) -> None:
    got = set(symptoms.present(text))
    assert got & {"pain_severe", "back_pain_severe", "abdominal_pain_severe"}, got


def test_severe_loin_pain_with_fever_and_rigors_is_an_emergency() -> None:
    # an obstructed, infected kidney (EAU Guidelines on Urolithiasis 2024 §3.4.2: urgent
    # decompression) was routine
    out = assess_words("腰疼得打滚，还发烧寒战", NOW, age=45)
    assert "syndrome-loin-pain-fever-severe" in reason_codes(out)
    assert out["disposition"] == "emergency"


@pytest.mark.parametrize("text", ["腰疼，发烧38.8度，还打寒战", "这两天腰痛，发烧，尿频"])
def test_loin_pain_with_fever_and_rigors_or_urinary_symptoms_is_urgent(text: str) -> None:
    out = assess_words(text, NOW, age=35, sex="female")
    assert {"syndrome-loin-pain-fever", "syndrome-loin-pain-fever-severe"} & reason_codes(out)
    assert out["disposition"] in ("urgent", "emergency")


def test_loin_pain_without_fever_is_no_kidney_infection() -> None:
    out = assess_words("腰疼，弯腰的时候更明显", NOW, age=35, sex="female")
    assert not {"syndrome-loin-pain-fever", "syndrome-loin-pain-fever-severe"} & reason_codes(out)


@pytest.mark.parametrize(
    "text", ["阴道出血很多，还有血块", "伤口出血很多", "出血挺多的", "伤口流血不止", "出了好多血"]
)
def test_bleeding_said_to_be_a_lot_is_heavy(text: str) -> None:
    assert "heavy_bleeding" in symptoms.present(text)


def test_a_wound_bleeding_for_many_days_is_no_heavy_bleeding() -> None:
    got = symptoms.present("伤口流血好多天了")
    assert "wound_bleeding" in got and "heavy_bleeding" not in got


def test_a_quantity_inside_the_wound_phrase_stays_wound_bleeding() -> None:
    # 伤口流了好多血 is read whole as the wound's bleeding (urgent); the quantity inside it is
    # not read (a limit left as it is: urgent, not the emergency)
    assert "wound_bleeding" in symptoms.present("伤口流了好多血")


@pytest.mark.parametrize("text", ["出血很多天了，量不多", "有一点点出血"])
def test_bleeding_for_many_days_or_a_little_is_not_heavy(text: str) -> None:
    assert "heavy_bleeding" not in symptoms.present(text)


def test_heavy_bleeding_after_a_hysterectomy_is_an_emergency() -> None:
    out = assess_words(
        "子宫切除术后阴道出血很多，还有血块",
        NOW,
        age=48,
        sex="female",
        surgery={"days_ago": 10, "text": "全子宫切除术"},
    )
    assert out["disposition"] == "emergency"


# --- a mother's thoughts of harming her baby ----------------------------------------------------


@pytest.mark.parametrize(
    "text", ["生完孩子一个月，总是想把孩子扔掉", "有时候想掐死宝宝", "脑子里老想伤害孩子"]
)
def test_thoughts_of_harming_the_baby_are_an_emergency(text: str) -> None:
    # NICE CG192 §1.10: thoughts of harming the baby are a psychiatric emergency (was review)
    assert "infant_harm_thoughts" in symptoms.present(text)
    out = assess_words(text, NOW, age=30, sex="female")
    assert out["disposition"] == "emergency"


@pytest.mark.parametrize("text", ["孩子的旧衣服想扔掉", "怕伤害到孩子，哺乳期能吃这个药吗"])
def test_a_baby_words_twin_is_no_harm_thought(text: str) -> None:
    assert "infant_harm_thoughts" not in symptoms.present(text)


# --- a critical medicine stopped -----------------------------------------------------------------

STENT = {
    "age": 65,
    "meds": ["aspirin", "clopidogrel"],
    "surgery": {"days_ago": 20, "text": "经皮冠状动脉介入治疗"},
}
WARFARIN = {"age": 70, "meds": ["warfarin"], "conditions": ["af"]}


@pytest.mark.parametrize(
    ("text", "record"),
    [
        ("华法林停了三天了", WARFARIN),
        ("支架术后的氯吡格雷吃完了，已经停了三天", STENT),
        ("氯吡格雷我自己停掉了", STENT),
        ("波立维这两天没再吃了", STENT),
    ],
)
def test_a_critical_medicine_the_patient_stopped_is_urgent(text: str, record: dict) -> None:
    out = assess_words(text, NOW, **record)
    assert "stopped_medication" in symptoms.present(text)
    assert "adherence-stopped-critical" in reason_codes(out)
    assert out["disposition"] == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "吃了布洛芬，疼停了",
        "医生让我把华法林停了，下周手术",
        "华法林可以停了吗",
        "外面雨停了",
        "一直在吃华法林，没停过",
        "阿莫西林吃完了",
    ],
)
def test_a_stop_twin_is_no_stopped_medicine(text: str) -> None:
    assert "stopped_medication" not in symptoms.present(text)


def test_a_muddled_person_is_confused() -> None:
    assert "confusion" in symptoms.present("吃了氟哌啶醇以后全身僵硬、高烧、人糊涂")


# --- hypoglycaemia: a meter that cannot read low, an extra dose, a patient who cannot swallow -----

INSULIN = {"age": 72, "meds": ["insulin"], "conditions": ["diabetes"]}
SULFONYLUREA = {"age": 72, "meds": ["gliclazide"], "conditions": ["diabetes"]}


@pytest.mark.parametrize("text", ["血糖低得仪器都测不出来", "血糖低得测不出来了", "血糖低到测不出"])
def test_a_glucose_too_low_to_read_is_the_meter_lo(text: str) -> None:
    assert "glucose_meter_lo" in symptoms.present(text)
    out = assess_words(text, NOW, **INSULIN)
    assert out["disposition"] == "emergency"


@pytest.mark.parametrize(
    "text", ["格列齐特多吃了两片", "胰岛素今天多打了4个单位", "早上的格列美脲多吃了一片"]
)
def test_an_extra_dose_of_insulin_or_a_sulfonylurea_is_an_overdose(text: str) -> None:
    assert "glucose_lowering_overdose" in symptoms.present(text)


@pytest.mark.parametrize("text", ["二甲双胍多吃了一片", "今天多吃了一碗饭", "维生素多吃了两片"])
def test_an_extra_dose_of_a_drug_that_cannot_lower_glucose_too_far_is_not(text: str) -> None:
    assert "glucose_lowering_overdose" not in symptoms.present(text)


def test_an_extra_sulfonylurea_dose_with_hypoglycaemic_symptoms_is_an_emergency() -> None:
    # a sulfonylurea's hypoglycaemia lasts and recurs (TOXBASE; 格列齐特说明书): hospital
    out = assess_words("格列齐特多吃了两片，现在心慌出冷汗", NOW, **SULFONYLUREA)
    assert "syndrome-glucose-lowering-overdose-hypo" in reason_codes(out)
    assert out["disposition"] == "emergency"


def test_an_extra_dose_without_symptoms_stays_urgent() -> None:
    out = assess_words("格列齐特多吃了两片", NOW, **SULFONYLUREA)
    assert "syndrome-glucose-lowering-overdose-hypo" not in reason_codes(out)
    assert out["disposition"] == "urgent"


@pytest.mark.parametrize(
    "text",
    ["刚才低血糖，喂了糖水也喝不下去", "低血糖了，吃的东西咽不下去", "血糖2.5，喂糖喂不进去"],
)
def test_hypoglycaemia_in_a_patient_who_cannot_swallow_is_an_emergency(text: str) -> None:
    # ADA Standards of Care 2024 §6 level 3: needs another's help; glucagon or 120, nothing by
    # mouth to a patient who cannot swallow
    out = assess_words(text, NOW, **INSULIN)
    assert "syndrome-hypoglycaemia-cannot-swallow" in reason_codes(out)
    assert out["disposition"] == "emergency"


# --- blood vomited by the mouthful, dark blood passed, an overdose swallowed ----------------------


@pytest.mark.parametrize("text", ["呕了两口鲜血", "刚才吐了一口血", "吐了几口血"])
def test_blood_vomited_by_the_mouthful_is_haematemesis(text: str) -> None:
    assert "hematemesis" in symptoms.present(text)


@pytest.mark.parametrize("text", ["拉了好多暗红色的血，人没劲", "拉出来的是暗红色的血"])
def test_dark_red_blood_passed_is_rectal_bleeding(text: str) -> None:
    assert "rectal_bleeding" in symptoms.present(text)


def test_dark_red_blood_passed_in_quantity_is_heavy() -> None:
    assert "rectal_bleeding_heavy" in symptoms.present("拉了好多暗红色的血，人没劲")
    assert "rectal_bleeding_heavy" not in symptoms.present("拉了一点暗红色的血")


def test_dark_red_menstrual_blood_is_no_rectal_bleeding() -> None:
    assert "rectal_bleeding" not in symptoms.present("月经是暗红色的血")


def test_melaena_with_pallor_and_cold_hands_is_an_emergency() -> None:
    out = assess_words("解了几次黑便，脸色发白，手脚冰凉", NOW, age=80)
    assert out["disposition"] == "emergency"


@pytest.mark.parametrize("text", ["刚吞了一瓶安眠药", "吃了一盒安定", "把半瓶安眠药吞了"])
def test_a_container_of_medicine_swallowed_is_an_overdose(text: str) -> None:
    assert "overdose_intent" in symptoms.present(text)
    assert assess_words(text, NOW, age=35)["disposition"] == "emergency"


@pytest.mark.parametrize("text", ["吃了一瓶酸奶", "安眠药吃了一片", "开了一盒安定"])
def test_a_container_twin_is_no_overdose(text: str) -> None:
    assert "overdose_intent" not in symptoms.present(text)


# --- a respiratory rate in approximate words; a red vomit ----------------------------------------


@pytest.mark.parametrize("text", ["发烧39度5，一分钟呼吸30多次", "发烧39度5，呼吸一分钟30多次"])
def test_an_approximate_fast_breathing_rate_with_fever_is_sepsis_high_risk(text: str) -> None:
    # 30多次 was no reading at all (一分钟呼吸…) or an unread one (呼吸一分钟…): its interval 30–39
    # lies above the normal 12–20 (RCP NEWS2), judged at 30 (NICE NG51 high risk: RR ≥ 25)
    out = assess_words(text, NOW, age=70)
    assert "syndrome-sepsis-high-risk" in reason_codes(out)
    assert out["disposition"] == "emergency"


def test_an_approximate_rate_that_reaches_the_normal_range_is_not_judged() -> None:
    out = assess_words("呼吸一分钟二十多次", NOW, age=70)
    assert "rr-high" not in reason_codes(out)
    assert "symptom-unrecognised" in reason_codes(out)


def test_a_breathing_exercise_count_is_no_rate() -> None:
    assert not readings.read_vitals("每天做深呼吸30多次")[0]


@pytest.mark.parametrize("text", ["吐出来的东西有点发红", "吐的东西红红的"])
def test_a_red_vomit_is_haematemesis(text: str) -> None:
    assert "hematemesis" in symptoms.present(text)


def test_a_red_vomit_after_dragon_fruit_is_for_review_not_haematemesis() -> None:
    text = "吃了火龙果，吐出来的东西红红的"
    assert "hematemesis" not in symptoms.present(text)
    out = assess_words(text, NOW, age=50)
    assert "symptom-unrecognised" in reason_codes(out)


# --- a steroid stopped abruptly ------------------------------------------------------------------


def test_a_steroid_stopped_with_weakness_and_nausea_is_urgent() -> None:
    # stopping a long-term glucocorticoid abruptly risks adrenal insufficiency (NHS England
    # Steroid Emergency Card 2020; Society for Endocrinology 2020); it was routine
    out = assess_words("强的松自己停了，现在没力气、头晕、恶心", NOW, age=60)
    assert "syndrome-steroid-withdrawal" in reason_codes(out)
    assert out["disposition"] == "urgent"


@pytest.mark.parametrize(
    "text", ["泼尼松停了三天，今天一直吐，站起来就要晕倒", "激素药自己停掉了，人迷迷糊糊的"]
)
def test_a_steroid_stopped_with_vomiting_fainting_or_confusion_is_an_adrenal_crisis(
    text: str,
) -> None:
    out = assess_words(text, NOW, age=60)
    assert out["disposition"] == "emergency"


def test_a_steroid_taken_as_prescribed_with_nausea_is_no_withdrawal() -> None:
    out = assess_words("一直在吃强的松，今天有点恶心", NOW, age=60)
    assert "syndrome-steroid-withdrawal" not in reason_codes(out)


def test_another_medicine_stopped_with_nausea_is_no_steroid_withdrawal() -> None:
    out = assess_words("降压药自己停了，有点恶心", NOW, age=60)
    assert "syndrome-steroid-withdrawal" not in reason_codes(out)


# --- a pregnancy the woman states ------------------------------------------------------------------


def test_a_stated_pregnancy_with_headache_flashes_and_a_high_pressure_is_preeclampsia() -> None:
    out = assess_words("怀孕36周，头很疼，看东西有闪光，血压160/110", NOW, age=30, sex="female")
    assert "syndrome-preeclampsia" in reason_codes(out)
    assert out["disposition"] == "emergency"


def test_a_stated_pregnancy_with_a_normal_pressure_is_no_preeclampsia() -> None:
    out = assess_words("怀孕36周，有点头疼，血压110/70", NOW, age=30, sex="female")
    assert "syndrome-preeclampsia" not in reason_codes(out)


# --- a blistering rash with mouth sores on a new medicine ------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "吃了别嘌醇以后全身起水泡，嘴里也烂了",
        "吃卡马西平两周，身上起了好多疹子，嘴里长了溃疡，还发烧",
    ],
)
def test_a_rash_with_mouth_sores_on_a_culprit_drug_is_sjs_until_seen(text: str) -> None:
    # BAD UK guidelines for SJS/TEN (Creamer et al. 2016): a new rash with mucosal erosions on a
    # culprit drug (allopurinol, anticonvulsants, sulfonamides, antibiotics, NSAIDs) → emergency
    out = assess_words(text, NOW, age=60)
    assert "syndrome-sjs-ten" in reason_codes(out)
    assert out["disposition"] == "emergency"


def test_a_rash_with_mouth_sores_in_a_child_without_a_drug_is_no_sjs() -> None:
    out = assess_words("孩子手上脚上起了小疹子，嘴里长了溃疡", NOW, age=3)
    assert "syndrome-sjs-ten" not in reason_codes(out)


@pytest.mark.parametrize(
    ("text", "keys"),
    [("吃卡马西平两周，身上起了疹子", ("carbamazepine",)), ("服别嘌醇一个月了", ("allopurinol",))],
)
def test_a_medicine_taken_for_a_while_is_a_stated_medicine(text: str, keys: tuple) -> None:
    from clinical.knowledge import discourse

    assert [k for _c, k in discourse.taken_medicines(text)] == [keys]


def test_a_meal_taken_for_a_while_is_no_medicine() -> None:
    from clinical.knowledge import discourse

    assert discourse.taken_medicines("吃饭两天没胃口") == []
