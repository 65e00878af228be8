"""Issue #15, guidance: the red-flag gate runs before any product is recommended, paediatric
and geriatric restrictions, and cumulative ingredient totals with current orders.

Development cases written from the issue text and the cited guidelines (NICE NG232 head
injury, NICE CKS appendicitis, NICE NG143 fever in under 5s, methotrexate label, MHRA 2009
cough and cold medicines for children, AGS Beers 2023), with paraphrase families for every
red-flag case: the same or a higher urgency across the whole family.
"""

from __future__ import annotations

import pytest

from tests.medkb.conftest import by_input, codes
from tests.monitor.paraphrase import chinese_numerals, full_width, traditional, zero_width

RANK = {None: 0, "routine": 1, "urgent": 2, "emergency": 3}
ANALGESICS = ["泰诺林", "芬必得", "布洛芬片"]


def _family(words: list[str]) -> list[list[str]]:
    """The symptom list as written, and rewritten: traditional characters, full-width,
    zero-width characters, Chinese numerals, all joined into one sentence, reversed order."""
    joined = "，".join(words)
    return [
        words,
        [traditional(w) for w in words],
        [full_width(w) for w in words],
        [zero_width(w) for w in words],
        [chinese_numerals(w) for w in words],
        [joined],
        list(reversed(words)),
    ]


def _no_analgesic_recommended(answer: dict) -> None:
    for item in answer["items"]:
        if item["product"] in ("泰诺林", "芬必得", "布洛芬片"):
            assert item["verdict"] != "recommended", item
            assert item["dose"] is None


# ---- the four guidance examples ----------------------------------------------------


@pytest.mark.parametrize(
    "words",
    [
        ["摔了一跤", "头痛", "呕吐"],
        ["摔倒后头疼，吐了2次"],
        ["早上跌倒了", "头很痛", "恶心呕吐"],
        ["摔跤", "脑袋疼", "吐了"],
    ],
)
def test_elderly_on_warfarin_headache_vomiting_after_fall_is_an_emergency(ask, words) -> None:
    for variant in _family(words):
        a = ask(
            ANALGESICS,
            symptoms=variant,
            age_years=82,
            sex="female",
            current_medications=["华法林钠片 2.5mg"],
        )
        assert a["see_doctor"]["needed"] is True, variant
        assert a["see_doctor"]["urgency"] == "emergency", (variant, a["see_doctor"])
        _no_analgesic_recommended(a)
        assert "泰诺林" not in a["advice"].split("不要使用")[0], a["advice"]


def test_head_injury_on_anticoagulant_without_symptoms_is_still_an_emergency(ask) -> None:
    """NICE NG232: any head injury on an anticoagulant → CT (even 'no symptoms now')."""
    a = ask(
        ["泰诺林"],
        symptoms=["昨天磕到头，现在没什么不舒服"],
        age_years=70,
        current_medications=["利伐沙班片 15mg"],
    )
    assert a["see_doctor"]["urgency"] == "emergency"
    # the shared syndrome table's rule (guidance's head_injury_anticoagulated was merged into it)
    assert "syndrome-head-injury-antithrombotic" in [f["code"] for f in a["see_doctor"]["flags"]]


@pytest.mark.parametrize(
    "words", [["右下腹疼", "发烧"], ["右下腹痛，有点发热"], ["肚子右下边疼", "发烧"]]
)
def test_right_lower_quadrant_pain_with_fever_gets_no_ibuprofen(ask, words) -> None:
    for variant in _family(words):
        a = ask(["芬必得", "泰诺林", "铝碳酸镁咀嚼片"], symptoms=variant, temperature_c=38.4)
        sd = a["see_doctor"]
        assert RANK[sd["urgency"]] >= RANK["urgent"], (variant, sd)
        items = by_input(a)
        assert items["芬必得"]["verdict"] == "avoid", variant
        assert items["芬必得"]["dose"] is None
        assert items["铝碳酸镁咀嚼片"]["verdict"] != "recommended", variant


def test_right_lower_quadrant_pain_with_fever_is_an_emergency(ask) -> None:
    a = ask(["芬必得"], symptoms=["右下腹疼"], temperature_c=38.4)
    assert a["see_doctor"]["urgency"] == "emergency"
    assert {"masking"} <= codes(a["items"][0], "avoid")
    assert "阑尾炎" in a["advice"]


@pytest.mark.parametrize(
    "words",
    [
        ["发烧", "身上起了按压不褪色的红点"],
        ["发烧", "皮肤有出血点"],
        ["发热39度", "腿上有瘀点"],
        ["高烧", "身上出现紫癜"],
    ],
)
def test_child_with_fever_and_non_blanching_rash_is_an_emergency(ask, words) -> None:
    for variant in _family(words):
        a = ask(
            ["儿童泰诺林", "美林"], symptoms=variant, age_years=3, weight_kg=14, temperature_c=38.9
        )
        assert a["see_doctor"]["urgency"] == "emergency", (variant, a["see_doctor"])
        assert all(i["verdict"] != "recommended" and i["dose"] is None for i in a["items"])


@pytest.mark.parametrize(
    "med",
    [
        "甲氨蝶呤片 2.5mg 每周一次",
        "氨甲蝶呤片 7.5mg 每周一次",
        "他克莫司胶囊 1mg",
        # abbreviations and the common misspelling patients and notes use
        "MTX 10mg 每周一次",
        "mtx 7.5mg qw",
        "甲氨喋呤片 2.5mg 每周一次",
    ],
)
def test_immunosuppressant_with_fever_needs_a_doctor(ask, med) -> None:
    a = ask(["泰诺林"], symptoms=["发烧"], temperature_c=38.3, current_medications=[med])
    sd = a["see_doctor"]
    assert sd["needed"] is True and RANK[sd["urgency"]] >= RANK["urgent"], (med, sd)
    assert a["items"][0]["verdict"] == "avoid"
    assert "masking" in codes(a["items"][0], "avoid")


@pytest.mark.parametrize("written", ["MTX", "mtx", "Mtx 7.5mg", "甲氨喋呤", "甲氨喋呤片 2.5mg"])
def test_methotrexate_abbreviation_and_misspelling_resolve(written) -> None:
    """One drug vocabulary: the abbreviation and the common misspelling are methotrexate."""
    from clinical.medkb import api

    assert api.ingredients_of(written) == ["methotrexate"]


def test_methotrexate_without_fever_is_not_flagged(ask) -> None:
    """Control: the rule needs the fever; a headache on methotrexate is not a red flag."""
    a = ask(["泰诺林"], symptoms=["头痛"], current_medications=["甲氨蝶呤片 2.5mg"])
    assert a["see_doctor"]["needed"] is False
    assert a["items"][0]["verdict"] == "recommended"


# ---- the safety net for words not understood -------------------------------------------------


@pytest.mark.parametrize(
    "words",
    [
        ["身上有股说不清的怪劲"],
        ["流鼻涕", "走路老打晃"],
        ["嗓子疼，身上说不出的别扭"],
    ],
)
def test_unrecognised_words_are_urgent_quoted_and_mask_analgesics(ask, words) -> None:
    for variant in _family(words):
        a = ask(["泰诺林", "芬必得", "开瑞坦"], symptoms=variant)
        sd = a["see_doctor"]
        assert RANK[sd["urgency"]] >= RANK["urgent"], (variant, sd)
        assert sd["unrecognised"], variant
        items = by_input(a)
        for name in ("泰诺林", "芬必得"):
            assert items[name]["verdict"] == "avoid", (variant, items[name])
        assert "未能理解" in a["advice"]


def test_a_measurement_clause_is_not_unrecognised(ask) -> None:
    a = ask(["泰诺林"], symptoms=["发烧，体温38.5度"], temperature_c=38.5)
    assert a["see_doctor"]["unrecognised"] == []
    assert a["items"][0]["verdict"] == "recommended"


def test_denied_symptoms_are_understood_not_unrecognised(ask) -> None:
    a = ask(["泰诺林"], symptoms=["头痛，没有胸痛，也没有呼吸困难"])
    assert a["see_doctor"]["needed"] is False, a["see_doctor"]
    assert a["items"][0]["verdict"] == "recommended"


def test_red_flag_in_recorded_conditions_sends_to_a_doctor_first(ask) -> None:
    a = ask(["泰诺林"], symptoms=["头痛"], conditions=["近一周反复黑便"])
    assert a["see_doctor"]["urgency"] == "urgent"
    assert any(f["code"] == "condition:melena" for f in a["see_doctor"]["flags"])


def test_bleeding_on_anticoagulant_is_urgent(ask) -> None:
    a = ask(["泰诺林"], symptoms=["头痛", "刷牙时牙龈出血"], current_medications=["华法林"])
    assert RANK[a["see_doctor"]["urgency"]] >= RANK["urgent"]


# ---- paediatric and geriatric restrictions ---------------------------------------------------


def test_preschool_child_gets_no_opioid_antitussive_or_decongestant(ask) -> None:
    a = ask(
        ["复方福尔可定口服溶液", "泰诺", "新康泰克", "右美沙芬片"],
        symptoms=["咳嗽", "鼻塞"],
        age_years=4,
        weight_kg=16,
    )
    for item in a["items"]:
        assert item["verdict"] == "avoid", item
        assert "age" in codes(item, "avoid"), item
    pholcodine = by_input(a)["复方福尔可定口服溶液"]
    assert any("阿片类" in r["text"] for r in pholcodine["reasons"])


def test_codeine_antitussive_not_for_a_teenager(kb) -> None:
    from clinical.medkb import api

    reasons = api.check_patient(["codeine"], api.PatientContext(age_years=15))
    assert [(r.code, r.severity) for r in reasons if r.severity == "avoid"] == [("age", "avoid")]
    assert "FDA" in reasons[0].source or "MHRA" in reasons[0].source


@pytest.mark.parametrize("age", [6, 10, 15])
def test_aspirin_not_under_16_reye(kb, age: float) -> None:
    from clinical.medkb import api

    reasons = api.check_patient(["aspirin"], api.PatientContext(age_years=age))
    assert any(r.code == "age" and r.severity == "avoid" and "瑞氏" in r.text for r in reasons)


def test_aspirin_age_restriction_ends_at_16(kb) -> None:
    from clinical.medkb import api

    reasons = api.check_patient(["aspirin"], api.PatientContext(age_years=16))
    assert not [r for r in reasons if r.code == "age"]


def test_decongestant_for_a_school_child_is_a_caution(kb) -> None:
    from clinical.medkb import api

    reasons = api.check_patient(["pseudoephedrine"], api.PatientContext(age_years=8))
    assert [(r.code, r.severity) for r in reasons] == [("age", "caution")]


def test_chlorphenamine_alone_for_a_child_is_not_the_cold_remedy_rule(kb) -> None:
    """MHRA 2009 restricts antihistamines in cough and cold medicines; chlorphenamine alone
    keeps its own label age (1 year)."""
    from clinical.medkb import api

    assert not api.check_patient(["chlorphenamine"], api.PatientContext(age_years=4))
    combo = api.check_patient(
        ["chlorphenamine", "pseudoephedrine"], api.PatientContext(age_years=4)
    )
    assert {r.ingredient for r in combo if r.severity == "avoid"} == {
        "chlorphenamine",
        "pseudoephedrine",
    }


def test_older_man_with_bph_gets_no_decongestant_antihistamine_combination(ask) -> None:
    a = ask(
        ["新康泰克", "开瑞坦"],
        symptoms=["鼻塞", "流鼻涕", "打喷嚏"],
        age_years=74,
        sex="male",
        conditions=["前列腺增生", "排尿困难"],
    )
    items = by_input(a)
    assert items["新康泰克"]["verdict"] == "avoid"
    texts = " ".join(r["text"] for r in items["新康泰克"]["reasons"] if r["severity"] == "avoid")
    assert "第一代抗组胺" in texts and "排尿困难" in texts
    assert items["开瑞坦"]["verdict"] == "recommended"


def test_first_generation_antihistamine_avoided_at_65_not_at_60(kb) -> None:
    from clinical.medkb import api

    old = api.check_patient(["chlorphenamine"], api.PatientContext(age_years=65))
    assert [(r.code, r.severity) for r in old] == [("age", "avoid")]
    assert "Beers" in old[0].source
    assert not api.check_patient(["chlorphenamine"], api.PatientContext(age_years=60))


# ---- cumulative totals with current orders ---------------------------------------------------


@pytest.mark.parametrize(
    "order",
    ["对乙酰氨基酚片 0.5g 必要时", "对乙酰氨基酚片 500mg prn 发热时", "泰诺林 650mg q8h"],
)
def test_no_second_paracetamol_product_on_top_of_an_order(ask, order) -> None:
    a = ask(
        ["感冒灵颗粒", "泰诺", "白加黑", "必理通"],
        symptoms=["发烧", "流鼻涕", "鼻塞"],
        temperature_c=38.4,
        current_medications=[order],
    )
    for item in a["items"]:
        assert item["verdict"] == "avoid", item
        assert "duplicate_ingredient" in codes(item, "avoid")
        assert item["dose"] is None
    reason = next(r for r in a["items"][0]["reasons"] if r["code"] == "duplicate_ingredient")
    assert "4克" in reason["text"]  # the prescription maximum counts the order's own amount


def test_the_total_said_on_a_duplicate_is_the_patients_lowest_cap(ask) -> None:
    """On warfarin the paracetamol interaction caps the day at 2 g (interactions.csv): the
    duplicate reason states that total, not the 4 g prescription maximum, so the patient never
    reads two different maxima for one ingredient (seen in `make demo`)."""
    a = ask(
        ["泰诺林", "感冒灵颗粒"],
        symptoms=["发烧"],
        temperature_c=38.5,
        current_medications=["华法林钠片 3mg qd", "对乙酰氨基酚片 0.5g 必要时"],
    )
    for item in a["items"]:
        reason = next(r for r in item["reasons"] if r["code"] == "duplicate_ingredient")
        assert "不能超过2克" in reason["text"] and "4克" not in reason["text"], reason
        said = {r["text"] for r in item["reasons"]}
        assert not any("4克" in t for t in said), said


def test_a_product_without_the_ordered_ingredient_stays_recommendable(ask) -> None:
    a = ask(
        ["感冒灵颗粒", "开瑞坦"],
        symptoms=["流鼻涕", "打喷嚏"],
        current_medications=["对乙酰氨基酚片 0.5g 必要时"],
    )
    items = by_input(a)
    assert items["感冒灵颗粒"]["verdict"] == "avoid"
    assert items["开瑞坦"]["verdict"] == "recommended"


@pytest.mark.parametrize(
    ("order", "product"),
    [
        ("塞来昔布胶囊 200mg bid", "芬必得"),
        ("双氯芬酸钠缓释片 75mg qd", "布洛芬片"),
        ("对乙酰氨基酚片 0.5g 必要时", "芬必得"),
    ],
)
def test_a_second_drug_of_an_ordered_class_is_avoided(ask, order, product) -> None:
    """Cumulative with current orders also by class: a second NSAID/antipyretic on top of the
    ordered one (labels: 不能同时服用其他含有解热镇痛药的药品)."""
    a = ask([product], symptoms=["头痛"], current_medications=[order])
    item = a["items"][0]
    assert item["verdict"] == "avoid", item
    reason = next(r for r in item["reasons"] if r["code"] == "duplicate_ingredient")
    assert reason["severity"] == "avoid" and order in reason["text"]


def test_a_second_antihistamine_on_top_of_an_order_is_avoided(ask) -> None:
    """Duplicate by class (labels: 不能同时服用与本品成份相似的其他抗过敏药): loratadine on top of
    prescribed cetirizine is ``avoid`` and never recommended, the order named in the reason."""
    a = ask(["开瑞坦"], symptoms=["打喷嚏"], current_medications=["西替利嗪片 10mg qd"])
    item = a["items"][0]
    assert item["verdict"] == "avoid", item
    reason = next(r for r in item["reasons"] if r["code"] == "duplicate_ingredient")
    assert reason["severity"] == "avoid" and "西替利嗪片 10mg qd" in reason["text"]
    assert "请先咨询医生或药师" not in a["advice"]


def test_low_dose_aspirin_order_is_no_analgesic_duplicate(ask) -> None:
    """Control: paracetamol stays the choice for a patient on aspirin 100 mg (antiplatelet);
    ibuprofen is avoided by the interaction table, not as a duplicate."""
    a = ask(
        ["泰诺林", "芬必得"],
        symptoms=["发烧"],
        temperature_c=38.5,
        current_medications=["阿司匹林肠溶片 100mg qd"],
    )
    items = by_input(a)
    assert items["泰诺林"]["verdict"] == "recommended"
    assert "interaction" in codes(items["芬必得"], "avoid")


def test_no_medication_advice_when_nothing_was_recommended(ask) -> None:
    """ "用药期间多喝水" only follows a recommendation; with nothing suitable in the cabinet the
    patient still gets the safety net (worse or new symptoms → see a doctor)."""
    a = ask(["蒙脱石散"], symptoms=["头痛"])
    assert not any(i["verdict"] == "recommended" for i in a["items"])
    assert "用药期间" not in a["advice"]
    assert "如症状加重" in a["advice"] and "请及时就医" in a["advice"]
    b = ask(["泰诺林"], symptoms=["头痛"])
    assert b["items"][0]["verdict"] == "recommended"
    assert "用药期间多喝水" in b["advice"]


def test_an_emergency_leaves_nothing_usable_or_dosed(ask) -> None:
    """Next to "call 120" no product is offered, not even as usable without a dose: the
    patient would take it first (docs/medkb.md, step 6)."""
    a = ask(
        ["布洛芬缓释胶囊", "对乙酰氨基酚片", "氯雷他定片"],
        symptoms=["胸口压着疼，出冷汗，左胳膊发麻"],
        age_years=58,
    )
    assert a["see_doctor"]["urgency"] == "emergency", a["see_doctor"]
    assert {e["verdict"] for e in a["items"]} == {"avoid"}, a["items"]
    for e in a["items"]:
        assert e["dose"] is None
        assert "emergency_first" in [r["code"] for r in e["reasons"]], e
