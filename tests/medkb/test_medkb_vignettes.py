"""Clinical vignettes for the guidance engine: each reason code and each red flag."""

from __future__ import annotations

import pytest

from tests.medkb.conftest import by_input, codes

FEVER = {"symptoms": ["发烧", "头痛"], "temperature_c": 38.5}


# ---- demo patient and anticoagulation --------------------------------------------------


def test_warfarin_patient_gets_paracetamol_not_ibuprofen(ask) -> None:
    a = ask(
        ["泰诺林", "布洛芬缓释胶囊", "感冒灵颗粒", "阿莫西林胶囊"],
        age_years=68,
        sex="male",
        allergies=["青霉素"],
        current_medications=["华法林钠片 3mg"],
        **FEVER,
    )
    items = by_input(a)
    assert [i["input"] for i in a["items"]] == [
        "泰诺林",
        "布洛芬缓释胶囊",
        "感冒灵颗粒",
        "阿莫西林胶囊",
    ]
    assert items["泰诺林"]["verdict"] == "recommended"
    assert items["泰诺林"]["dose"]["per_dose_mg"] == 650
    assert items["泰诺林"]["dose"]["max_daily_mg"] <= 2000  # warfarin cap
    assert items["布洛芬缓释胶囊"]["verdict"] == "avoid"
    assert "interaction" in codes(items["布洛芬缓释胶囊"], "avoid")
    assert items["感冒灵颗粒"]["verdict"] == "avoid"
    # 68 years: its chlorphenamine is a first-generation antihistamine (AGS Beers 2023: avoid)
    assert "age" in codes(items["感冒灵颗粒"], "avoid")
    assert {"allergy", "prescription_only"} <= codes(items["阿莫西林胶囊"], "avoid")
    assert "华法林" in a["advice"] and "泰诺林" in a["advice"]


def test_warfarin_caps_paracetamol_daily_total_at_2g(ask) -> None:
    a = ask(["必理通"], current_medications=["华法林"], **FEVER)
    dose = a["items"][0]["dose"]
    assert a["items"][0]["verdict"] == "recommended"
    assert dose["per_dose_mg"] == 500 and dose["max_daily_mg"] == 2000


def test_rivaroxaban_blocks_nsaid(ask) -> None:
    a = ask(["布洛芬片"], current_medications=["利伐沙班片 10mg"], **FEVER)
    assert "interaction" in codes(a["items"][0], "avoid")


def test_clopidogrel_blocks_aspirin(ask) -> None:
    a = ask(["阿司匹林片"], age_years=60, current_medications=["波立维"], **FEVER)
    assert "interaction" in codes(a["items"][0], "avoid")


def test_ssri_with_ibuprofen_alone_is_routed_to_a_clinician(ask) -> None:
    """SSRI + NSAID is a caution without a quantitative limit (DECISIONS.md): with nothing
    else in the cabinet the engine recommends nothing and routes to a physician/pharmacist."""
    a = ask(["布洛芬片"], current_medications=["舍曲林"], **FEVER)
    item = a["items"][0]
    assert item["verdict"] == "avoid" and item["dose"] is None
    assert "interaction" in codes(item, "caution")
    assert "needs_clinician" in codes(item, "avoid")
    assert "建议使用" not in a["advice"]
    assert "不要自行使用布洛芬片" in a["advice"] and "医生或药师" in a["advice"]
    assert a["see_doctor"]["needed"] is True and a["see_doctor"]["urgency"] == "routine"


def test_ssri_with_pain_gets_paracetamol_not_ibuprofen(ask) -> None:
    a = ask(["布洛芬片", "泰诺林"], current_medications=["舍曲林片 50mg qd"], symptoms=["头痛"])
    items = by_input(a)
    assert items["泰诺林"]["verdict"] == "recommended"
    assert items["泰诺林"]["dose"]["per_dose_mg"] == 650
    assert items["布洛芬片"]["verdict"] == "avoid"
    assert "needs_clinician" in codes(items["布洛芬片"], "avoid")
    assert a["advice"].startswith("根据您的情况，建议使用泰诺林（")


def test_methotrexate_and_lithium_block_nsaids(ask) -> None:
    for med in ("甲氨蝶呤片 2.5mg", "碳酸锂缓释片"):
        a = ask(["芬必得"], current_medications=[med], **FEVER)
        assert "interaction" in codes(a["items"][0], "avoid"), med


# ---- duplicates --------------------------------------------------------------------------


def test_three_paracetamol_products_only_one_recommended(ask) -> None:
    a = ask(["泰诺林", "感冒灵颗粒", "白加黑"], **FEVER)
    rec = [i for i in a["items"] if i["verdict"] == "recommended"]
    assert len(rec) == 1
    others = [i for i in a["items"] if i["verdict"] != "recommended"]
    assert all("duplicate_ingredient" in codes(i, "avoid") for i in others)
    assert rec[0]["product"] in a["advice"]


def test_two_pseudoephedrine_products_not_both_recommended(ask) -> None:
    a = ask(["白加黑", "新康泰克"], symptoms=["发烧", "鼻塞", "流鼻涕", "咳嗽"], temperature_c=38.2)
    verdicts = {i["input"]: i["verdict"] for i in a["items"]}
    assert list(verdicts.values()).count("recommended") == 1
    assert verdicts["白加黑"] == "recommended"  # covers fever and cough as well
    assert "duplicate_ingredient" in codes(by_input(a)["新康泰克"], "avoid")


def test_paracetamol_and_ibuprofen_are_alternatives_not_a_combination(ask) -> None:
    a = ask(["泰诺林", "布洛芬片"], **FEVER)
    verdicts = sorted(i["verdict"] for i in a["items"])
    assert verdicts == ["recommended", "usable"]
    usable = next(i for i in a["items"] if i["verdict"] == "usable")
    assert "duplicate_ingredient" in codes(usable, "caution")


def test_complementary_products_can_both_be_recommended(ask) -> None:
    a = ask(["泰诺林", "新康泰克"], symptoms=["发烧", "鼻塞"], temperature_c=38.3)
    assert [i["verdict"] for i in a["items"]] == ["recommended", "recommended"]


def test_current_prescription_of_same_ingredient_is_avoided(ask) -> None:
    """#15: the patient's own paracetamol order already counts towards the daily total, so a
    second paracetamol product is not suggested on top (avoid, not a caution)."""
    a = ask(["泰诺林"], current_medications=["对乙酰氨基酚片 0.5g"], **FEVER)
    assert a["items"][0]["verdict"] == "avoid"
    assert "duplicate_ingredient" in codes(a["items"][0], "avoid")


# ---- contraindications ------------------------------------------------------------------


@pytest.mark.parametrize(
    "condition",
    ["胃溃疡", "十二指肠溃疡", "消化道出血史", "慢性肾脏病5期", "心力衰竭", "阿司匹林哮喘"],
)
def test_nsaid_contraindications(ask, condition: str) -> None:
    a = ask(["芬必得", "泰诺林"], conditions=[condition], **FEVER)
    items = by_input(a)
    assert "contraindication" in codes(items["芬必得"], "avoid"), condition
    if condition != "慢性肾脏病5期":  # paracetamol label: 严重肝肾功能不全者禁用
        assert items["泰诺林"]["verdict"] == "recommended"
    else:
        assert "contraindication" in codes(items["泰诺林"], "avoid")


def test_icd10_code_is_understood(ask) -> None:
    a = ask(["芬必得"], conditions=["http://hl7.org/fhir/sid/icd-10|K25.3"], **FEVER)
    assert "contraindication" in codes(a["items"][0], "avoid")


def test_pseudoephedrine_hypertension_caution_uncontrolled_avoid(ask) -> None:
    """Controlled hypertension: a caution without a limit, so not for self-care (a clinician
    decides); uncontrolled: the label's contraindication (avoid)."""
    a = ask(["新康泰克"], conditions=["高血压"], symptoms=["鼻塞"])
    assert a["items"][0]["verdict"] == "avoid"
    assert "contraindication" in codes(a["items"][0], "caution")
    assert "needs_clinician" in codes(a["items"][0], "avoid")
    a = ask(["新康泰克"], conditions=["高血压3级，血压控制不佳"], symptoms=["鼻塞"])
    assert "contraindication" in codes(a["items"][0], "avoid")
    assert "needs_clinician" not in codes(a["items"][0])  # a real avoid needs no routing


def test_hypertension_cold_gets_the_decongestant_free_product(ask) -> None:
    """Hypertension + a cold with fever: no pseudoephedrine product is recommended; the plain
    paracetamol product is, and the two decongestant products are left to a clinician."""
    a = ask(
        ["新康泰克", "白加黑", "泰诺林"],
        conditions=["高血压"],
        symptoms=["发烧", "鼻塞"],
        temperature_c=38.3,
    )
    items = by_input(a)
    assert [n for n, i in items.items() if i["verdict"] == "recommended"] == ["泰诺林"]
    assert items["泰诺林"]["dose"]["per_dose_mg"] == 650
    for name in ("新康泰克", "白加黑"):
        assert items[name]["verdict"] == "avoid" and items[name]["dose"] is None
        assert "needs_clinician" in codes(items[name], "avoid")
        assert f"不要自行使用{name}：高血压：伪麻黄碱" in a["advice"]
    assert "建议使用泰诺林" in a["advice"]


def test_nsaid_with_hypertension_and_an_arb_gets_paracetamol(ask) -> None:
    a = ask(
        ["布洛芬片", "泰诺林"],
        conditions=["高血压"],
        current_medications=["缬沙坦胶囊 80mg qd"],
        symptoms=["头痛"],
    )
    items = by_input(a)
    assert items["泰诺林"]["verdict"] == "recommended"
    assert {"contraindication", "interaction"} <= codes(items["布洛芬片"], "caution")
    assert "needs_clinician" in codes(items["布洛芬片"], "avoid")


def test_warfarin_paracetamol_caution_with_a_limit_is_still_recommended(ask) -> None:
    """A caution WITH a quantitative limit caps the dose instead of routing (≤ 2 g a day)."""
    a = ask(["泰诺林"], current_medications=["华法林钠片 3mg"], symptoms=["头痛"])
    item = a["items"][0]
    assert item["verdict"] == "recommended"
    assert "needs_clinician" not in codes(item)
    assert item["dose"]["max_daily_mg"] <= 2000


def test_glaucoma_blocks_chlorphenamine(ask) -> None:
    a = ask(["扑尔敏"], conditions=["闭角型青光眼"], symptoms=["打喷嚏", "流鼻涕"])
    assert "contraindication" in codes(a["items"][0], "avoid")


def test_lianhua_qingwen_contains_ephedra(ask) -> None:
    a = ask(["连花清瘟胶囊"], conditions=["高血压"], **FEVER)
    assert "contraindication" in codes(a["items"][0], "caution")
    assert a["items"][0]["verdict"] == "avoid"
    assert "needs_clinician" in codes(a["items"][0], "avoid")


# ---- allergy -----------------------------------------------------------------------------


def test_penicillin_allergy_cephalosporin_cross_reactivity(ask) -> None:
    a = ask(["头孢克肟胶囊"], allergies=["青霉素"], **FEVER)
    item = a["items"][0]
    assert "allergy" in codes(item, "caution")
    assert "prescription_only" in codes(item, "avoid")


def test_aspirin_allergy_blocks_all_nsaids(ask) -> None:
    a = ask(["布洛芬片", "泰诺林"], allergies=["阿司匹林"], **FEVER)
    items = by_input(a)
    assert "allergy" in codes(items["布洛芬片"], "avoid")
    assert items["泰诺林"]["verdict"] == "recommended"


def test_paracetamol_allergy(ask) -> None:
    a = ask(["白加黑"], allergies=["对乙酰氨基酚"], **FEVER)
    assert "allergy" in codes(a["items"][0], "avoid")


# ---- age, pregnancy, breastfeeding ---------------------------------------------------------


def test_aspirin_not_for_children(ask) -> None:
    a = ask(["阿司匹林片"], age_years=8, weight_kg=25, **FEVER)
    assert "age" in codes(a["items"][0], "avoid")


def test_adult_combination_cold_medicine_not_for_a_ten_year_old(ask) -> None:
    a = ask(["感冒灵颗粒"], age_years=10, weight_kg=30, **FEVER)
    assert "age" in codes(a["items"][0], "avoid")


def test_child_ibuprofen_dosed_by_weight(ask) -> None:
    a = ask(["美林"], age_years=5, weight_kg=18, **FEVER)
    item = a["items"][0]
    assert item["verdict"] == "recommended"
    assert item["dose"]["per_dose_mg"] == 180  # 10 mg/kg, 9 ml of 20 mg/ml
    assert item["dose"]["max_daily_mg"] <= 30 * 18
    assert "9毫升" in item["dose"]["text"]


def test_child_without_weight_gets_no_dose_numbers(ask) -> None:
    a = ask(["儿童泰诺林"], age_years=4, **FEVER)
    dose = a["items"][0]["dose"]
    assert dose["per_dose_mg"] is None and dose["max_daily_mg"] is None
    assert "体重" in dose["text"]


def test_adult_tablet_too_strong_for_small_child_is_max_dose(ask) -> None:
    a = ask(["布洛芬缓释片"], age_years=8, weight_kg=20, **FEVER)  # 300 mg > 10 mg/kg × 20 kg
    item = a["items"][0]
    assert item["verdict"] == "avoid" and "max_dose" in codes(item, "avoid")
    assert item["dose"] is None


def test_codeine_not_under_12(kb) -> None:
    from clinical.medkb import api

    reasons = api.check_patient(["codeine"], api.PatientContext(age_years=9))
    assert {r.code for r in reasons if r.severity == "avoid"} == {"age"}


def test_third_trimester_no_ibuprofen(ask) -> None:
    a = ask(["芬必得", "泰诺林"], sex="female", pregnant=True, pregnancy_weeks=30, **FEVER)
    items = by_input(a)
    assert "pregnancy" in codes(items["芬必得"], "avoid")
    assert items["泰诺林"]["verdict"] == "recommended"
    # paracetamol at label dose is the analgesic of choice in pregnancy (NICE CKS, FDA 2015)
    assert "pregnancy" not in codes(items["泰诺林"])


def test_pregnant_unknown_weeks_uses_strictest_trimester(ask) -> None:
    a = ask(["布洛芬片"], sex="female", pregnant=True, symptoms=["头痛"])
    assert "pregnancy" in codes(a["items"][0], "avoid")


def test_breastfeeding_no_pseudoephedrine(ask) -> None:
    a = ask(["新康泰克", "泰诺林"], sex="female", breastfeeding=True, symptoms=["鼻塞", "头痛"])
    items = by_input(a)
    assert "breastfeeding" in codes(items["新康泰克"], "avoid")
    assert items["泰诺林"]["verdict"] == "recommended"


# ---- ethanol -------------------------------------------------------------------------------


def test_cephalosporin_and_huoxiang_zhengqi_shui(ask) -> None:
    a = ask(
        ["藿香正气水", "藿香正气软胶囊"],
        current_medications=["头孢呋辛酯片 0.25g"],
        symptoms=["拉肚子", "恶心"],
    )
    items = by_input(a)
    assert "interaction" in codes(items["藿香正气水"], "avoid")
    assert "酒精" in items["藿香正气水"]["reasons"][0]["text"]
    # no curated ingredients: never recommended, a pharmacist decides
    assert items["藿香正气软胶囊"]["verdict"] == "avoid"
    assert "unknown_composition" in codes(items["藿香正气软胶囊"], "avoid")
    assert "不要自行使用藿香正气软胶囊：成分未收录" in a["advice"]
    assert "建议使用" not in a["advice"]


def test_metronidazole_and_ethanol(ask) -> None:
    a = ask(["藿香正气水"], current_medications=["甲硝唑"], symptoms=["腹泻"])
    assert "interaction" in codes(a["items"][0], "avoid")


# ---- prescription-only, indications, unknown names ------------------------------------------


def test_antibiotic_not_for_a_cold(ask) -> None:
    a = ask(["阿莫西林胶囊", "头孢克肟胶囊", "左氧氟沙星片"], **FEVER)
    for item in a["items"]:
        assert item["verdict"] == "avoid" and "prescription_only" in codes(item, "avoid")
        assert item["otc"] is False and item["dose"] is None


def test_own_prescription_is_not_for_self_medication(ask) -> None:
    a = ask(["华法林钠片"], current_medications=["华法林钠片 3mg"], **FEVER)
    reason = next(r for r in a["items"][0]["reasons"] if r["code"] == "prescription_only")
    assert "医嘱" in reason["text"]


def test_cough_only_paracetamol_not_indicated(ask) -> None:
    a = ask(["泰诺林", "右美沙芬片"], symptoms=["干咳"])
    items = by_input(a)
    assert items["右美沙芬片"]["verdict"] == "recommended"
    assert "not_indicated" in codes(items["泰诺林"], "avoid")


def test_allergy_symptoms_loratadine(ask) -> None:
    a = ask(["开瑞坦", "泰诺林"], symptoms=["打喷嚏", "鼻痒", "流清涕"])
    items = by_input(a)
    assert items["开瑞坦"]["verdict"] == "recommended"
    assert items["开瑞坦"]["dose"]["per_dose_mg"] == 10
    assert items["开瑞坦"]["dose"]["max_daily_mg"] == 10


def test_unknown_name_is_never_guessed(ask) -> None:
    a = ask(["泰诺琳片剂XYZ", "泰诺林"], **FEVER)
    item = a["items"][0]
    assert item["verdict"] == "unknown" and item["product"] is None and item["dose"] is None
    assert "泰诺林" in item["candidates"]
    assert "泰诺琳片剂XYZ" in a["advice"]


def test_traditional_and_english_names_resolve(ask) -> None:
    a = ask(["泰諾林", "Tylenol", "芬必得(Fenbid)"], **FEVER)
    assert [i["product"] for i in a["items"]] == ["泰诺林", "泰诺林", "芬必得"]


# ---- red flags --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "code_text", "urgency"),
    [
        ({"age_years": 0.15, "temperature_c": 38.2}, "3个月以下", "emergency"),
        ({"age_years": 0.4, "temperature_c": 39.2}, "3-6个月", "urgent"),
        ({"temperature_c": 40.1}, "40℃", "urgent"),
        ({"temperature_c": 38.5, "fever_days": 4}, "超过3天", "urgent"),
        ({"symptoms": ["胸痛"], "temperature_c": 38.0}, "胸痛", "emergency"),
        ({"symptoms": ["呼吸困难"], "temperature_c": 38.0}, "呼吸困难", "emergency"),
        ({"symptoms": ["神志不清"]}, "意识", "emergency"),
        ({"symptoms": ["脖子僵硬", "发烧"], "temperature_c": 39}, "颈项强直", "emergency"),
        ({"symptoms": ["皮疹"], "temperature_c": 38.6}, "皮疹", "urgent"),
        ({"symptoms": ["皮肤瘀点"], "temperature_c": 38.6}, "瘀点", "emergency"),
        ({"symptoms": ["抽搐"], "temperature_c": 39.0}, "抽搐", "emergency"),
        ({"symptoms": ["黑便"]}, "黑便", "emergency"),
        ({"symptoms": ["伤口红肿流脓"], "temperature_c": 38.0}, "伤口", "urgent"),
        ({"temperature_c": 38.4, "recent_surgery_days": 9}, "手术后", "urgent"),
        ({"symptoms": ["突然剧烈头痛"]}, "剧烈头痛", "emergency"),
        ({"symptoms": ["咳嗽", "痰中带血"]}, "咯血", "urgent"),
        ({"symptoms": ["持续呕吐"]}, "呕吐", "urgent"),
        ({"symptoms": ["腹泻", "尿少"]}, "脱水", "urgent"),
        ({"symptoms": ["嘴唇肿", "全身荨麻疹"]}, "过敏", "emergency"),
        ({"symptoms": ["小腿肿痛"]}, "小腿肿痛", "urgent"),
        (
            {"temperature_c": 38.3, "pregnant": True, "sex": "female", "pregnancy_weeks": 20},
            "孕妇",
            "urgent",
        ),
    ],
)
def test_red_flags(ask, kwargs: dict, code_text: str, urgency: str) -> None:
    a = ask(["泰诺林"], **kwargs)
    sd = a["see_doctor"]
    assert sd["needed"] is True and sd["urgency"] == urgency
    assert any(code_text in r for r in sd["reasons"]), sd["reasons"]
    if urgency == "emergency":
        assert all(i["verdict"] != "recommended" and i["dose"] is None for i in a["items"])
        assert "立即就医" in a["advice"]


def test_rash_without_fever_is_not_the_fever_rash_flag(ask) -> None:
    """A rash alone is the shared lexicon's ``urgent`` (the level follow-up and the monitor
    use), not the fever-and-rash rule; an antihistamine may still relieve the itch before the
    visit (no masking)."""
    a = ask(["开瑞坦"], symptoms=["皮疹", "瘙痒"])
    assert a["see_doctor"]["urgency"] == "urgent"
    assert [f["code"] for f in a["see_doctor"]["flags"]] == ["symptom:rash"]
    assert a["items"][0]["verdict"] == "recommended"


def test_plain_fever_needs_no_doctor(ask) -> None:
    a = ask(["泰诺林"], **FEVER)
    assert a["see_doctor"] == {
        "needed": False,
        "urgency": None,
        "reasons": [],
        "flags": [],
        "unrecognised": [],
    }
    assert a["sources"]


def test_postoperative_flag_expires_after_30_days(ask) -> None:
    a = ask(["泰诺林"], temperature_c=38.4, recent_surgery_days=45)
    assert a["see_doctor"]["needed"] is False


def test_unintelligible_symptoms_recommend_nothing(ask) -> None:
    """#15 safety net: words nothing is understood in are quoted, urgent, and no analgesic or
    antipyretic is offered that could mask them."""
    a = ask(["泰诺林", "开瑞坦"], symptoms=["说不清楚的不舒服"])
    assert all(i["verdict"] != "recommended" for i in a["items"])
    assert a["see_doctor"]["urgency"] == "urgent"
    assert a["see_doctor"]["unrecognised"] == ["说不清楚的不舒服"]
    assert "“说不清楚的不舒服”" in a["advice"]
    assert "masking" in codes(by_input(a)["泰诺林"], "avoid")


def test_herbal_product_in_pregnancy_carries_a_caution(ask) -> None:
    a = ask(["板蓝根颗粒"], sex="female", pregnant=True, pregnancy_weeks=10, symptoms=["咽痛"])
    # a composition not fully known is not for self-care in pregnancy: a pharmacist decides
    assert "unknown_composition" in codes(a["items"][0], "avoid")
    assert a["items"][0]["verdict"] == "avoid"


@pytest.mark.parametrize("product", ["板蓝根颗粒", "藿香正气软胶囊"])
def test_product_with_unknown_ingredients_is_not_recommended(ask, product: str) -> None:
    a = ask([product], symptoms=["咽痛", "腹泻"])
    item = a["items"][0]
    assert item["ingredients"] == []
    assert item["verdict"] == "avoid" and item["dose"] is None
    assert "unknown_composition" in codes(item, "avoid")
    assert f"不要自行使用{product}：成分未收录" in a["advice"] and "请咨询药师" in a["advice"]
    assert any(product in r for r in a["see_doctor"]["reasons"])


def test_child_gets_a_weight_dosed_single_ingredient_over_an_undosable_combination(ask) -> None:
    a = ask(
        ["小儿氨酚黄那敏颗粒", "儿童泰诺林"],
        age_years=3,
        weight_kg=14,
        symptoms=["发烧", "流鼻涕"],
        temperature_c=38.8,
    )
    items = by_input(a)
    assert items["儿童泰诺林"]["verdict"] == "recommended"
    assert items["儿童泰诺林"]["dose"]["per_dose_mg"] == 128  # 4 ml of 32 mg/ml (≤ 10 mg/kg)
    # a sedating antihistamine in an antipyretic cold remedy under 6 (MHRA 2009)
    assert "age" in codes(items["小儿氨酚黄那敏颗粒"], "avoid")


def test_brand_alias_resolves_to_the_curated_product(ask) -> None:
    a = ask(["开瑞坦", "沐舒坦"], symptoms=["打喷嚏", "咳痰"])
    assert [i["product"] for i in a["items"]] == ["开瑞坦", "沐舒坦"]
    assert all(i["dose"]["text"].startswith("每次1片") for i in a["items"])
