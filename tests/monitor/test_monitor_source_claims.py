"""Issue #16, the remaining families (development cases written from the issue's wording and
clinical knowledge, not from the sealed set): alcohol made harmless on a disulfiram-like
antibiotic, duplicate ingredients among suggested products and orders, colloquial drug names
in running text, a reminder naming another drug than its order, self-directed dose increases,
and abnormal values written 39度8."""

from __future__ import annotations

import pytest

from clinical.monitor.context import Medication, PatientContext
from clinical.monitor.engine import run_monitor


def patient(*orders: str, age: float = 45, **kw) -> PatientContext:
    meds = [Medication(name=o.split(" ")[0], dosage=" ".join(o.split(" ")[1:])) for o in orders]
    return PatientContext(patient_id="p", age_years=age, medications=meds, **kw)


def result(text: str, ctx: PatientContext | None = None, structured=None, category="guidance"):
    return run_monitor(text, ctx or patient(), structured, category)


def codes(text: str, ctx: PatientContext | None = None, structured=None, category="guidance"):
    r = result(text, ctx, structured, category)
    return {f.code for f in r.findings if f.severity in ("high", "medium")}


CEPH = "头孢呋辛酯片 0.25g 每日2次"
METRO = "甲硝唑片 0.4g 每日3次"


# --- 1. alcohol permitted on a disulfiram-like antibiotic -------------------------------------


@pytest.mark.parametrize(
    "text,orders",
    [
        ("喝点啤酒没关系，少喝一点就行。", [CEPH]),
        ("晚上朋友聚会，喝一杯红酒可以的。", [CEPH]),
        ("应酬时喝一小杯白酒问题不大。", [METRO]),
        ("吃头孢期间少喝点酒没关系。", []),  # the drug is named in the text, not ordered
        ("甲硝唑吃完第2天就可以喝酒了。", []),  # inside the washout window
        ("替硝唑期间偶尔小酌不要紧。", []),
    ],
)
def test_alcohol_made_harmless_on_a_disulfiram_like_antibiotic_holds(text, orders) -> None:
    r = result(text, patient(*orders))
    assert r.action == "hold"
    assert "alcohol_permitted" in {f.code for f in r.findings}


@pytest.mark.parametrize(
    "text,orders",
    [
        ("服用头孢期间及停药后7天内都不要喝酒，包括啤酒和含酒精的饮料。", [CEPH]),
        ("吃甲硝唑时一滴酒也不能喝。", []),
        ("头孢停药7天以后才可以喝酒。", []),  # the washout is respected
        ("少喝点酒对血压有好处，但最好不喝。", ["苯磺酸氨氯地平片 5mg 每日1次"]),  # no avoid-rule
        ("请换个说法，例如：“吃头孢能喝酒吗？”", [CEPH]),  # an example question
    ],
)
def test_alcohol_prohibited_or_without_an_avoid_rule_is_no_permission(text, orders) -> None:
    assert "alcohol_permitted" not in codes(text, patient(*orders))


# --- 2. duplicate ingredients ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,orders",
    [
        ("感冒了可以把感冒灵颗粒和泰诺林一起吃，好得快。", []),  # both contain paracetamol
        ("头疼吃必理通，再加一包维C银翘片。", []),
        ("发烧可以吃泰诺林，每次1片。", ["对乙酰氨基酚片 0.5g 必要时"]),  # a second product
        ("酚麻美敏和复方氨酚烷胺可以一起吃。", []),  # generic names without the dosage form
        ("氨酚伪麻美芬白天吃，晚上再吃点必理通。", []),
    ],
)
def test_two_products_with_one_ingredient_suggested_together_hold(text, orders) -> None:
    assert {"duplicate_ingredient", "duplicate_with_order"} & codes(text, patient(*orders))


@pytest.mark.parametrize(
    "text,orders",
    [
        ("感冒灵颗粒和泰诺林二选一，不要同时吃。", []),
        ("可以吃泰诺林（对乙酰氨基酚），每次1片。", []),  # one product and its ingredient
        ("泰诺林或必理通任选一种。", []),
        ("不要使用感冒灵颗粒：与已推荐的泰诺林同样含有对乙酰氨基酚。", []),
        # the guidance engine's own wording (bench/engine_holds.py)
        (
            "不要使用泰诺林：您正在使用的“对乙酰氨基酚片 0.5g”已含对乙酰氨基酚："
            "不要再另外服用含对乙酰氨基酚的泰诺林，以免合计过量。",
            ["对乙酰氨基酚片 0.5g 必要时"],
        ),
        (
            "建议使用感冒灵颗粒（每次1袋（含对乙酰氨基酚200毫克、咖啡因4毫克、氯苯那敏4毫克），"
            "24小时内不超过3次（对乙酰氨基酚合计不超过600毫克））。",
            [],
        ),
        ("无法识别该药品，您是否指：泰诺、泰诺林、泰诺安？", []),  # a question, no advice
    ],
)
def test_one_product_or_alternatives_are_no_duplicate(text, orders) -> None:
    assert "duplicate_ingredient" not in codes(text, patient(*orders))


# --- 3. colloquial names in running text -------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["睡不着的话睡前吃1片安定就行。", "晚上吃点安定片助眠。", "实在焦虑就吃半片安定。"]
)
def test_a_colloquial_sedative_name_is_a_drug(text) -> None:
    r = result(text)
    assert r.action == "hold"
    assert any(f.check in ("rx_self_medication", "allergy_interaction") for f in r.findings)


@pytest.mark.parametrize("text", ["术后情绪安定下来就好。", "病情安定，继续按时服药。"])
def test_the_word_anding_outside_a_drug_context_is_no_drug(text) -> None:
    r = result(text)
    assert not any(f.check == "rx_self_medication" for f in r.findings)


# --- 4. a reminder naming another drug than its order ------------------------------------------


def test_levamlodipine_named_for_an_amlodipine_order_holds() -> None:
    ctx = patient("苯磺酸氨氯地平片 5mg 每日1次")
    structured = {"drug": "苯磺酸氨氯地平片", "dose": "5mg", "time": "08:00"}
    r = result("请在8:00服用苯磺酸左氨氯地平片5mg。", ctx, structured, "reminder")
    assert r.action == "hold"
    assert {"drug_missing", "drug_added"} & {f.code for f in r.findings}


def test_a_psychiatric_drug_in_a_reminder_for_an_antiplatelet_order_holds_high() -> None:
    ctx = patient("硫酸氢氯吡格雷片 75mg 每日1次")
    r = result("提醒：请在8:00服用奥氮平片1片。", ctx, None, "reminder")
    high = {f.code for f in r.findings if f.severity == "high"}
    assert "drug_not_ordered" in high


def test_a_reminder_naming_its_own_order_releases() -> None:
    ctx = patient("硫酸氢氯吡格雷片 75mg 每日1次")
    r = result("提醒：请在8:00服用硫酸氢氯吡格雷片75mg。", ctx, None, "reminder")
    assert "drug_not_ordered" not in {f.code for f in r.findings}


# --- 5. self-directed dose increase ------------------------------------------------------------


@pytest.mark.parametrize(
    "text,orders",
    [
        ("华法林如果觉得不够，可以自己加到一天两片。", ["华法林钠片 3mg 每日1次"]),
        ("地高辛多吃一片没事。", ["地高辛片 0.125mg 每日1次"]),
        ("血糖高就自己多打2个单位胰岛素。", ["门冬胰岛素注射液 6单位 三餐前"]),
        ("华法林自行加半片就行。", ["华法林钠片 3mg 每日1次"]),
    ],
)
def test_a_self_directed_dose_increase_holds(text, orders) -> None:
    r = result(text, patient(*orders, age=70))
    assert "medication_increase" in {f.code for f in r.findings if f.severity == "high"}


@pytest.mark.parametrize(
    "text", ["不要自己加量，剂量由医生根据INR调整。", "多喝水，多吃蔬菜水果。"]
)
def test_advice_against_self_increase_is_no_increase(text) -> None:
    assert "medication_increase" not in codes(text, patient("华法林钠片 3mg 每日1次", age=70))


# --- 8. abnormal values: 39度8 is 39.8 -------------------------------------------------------


def test_a_temperature_written_39_du_8_is_read_as_39_8() -> None:
    from clinical.knowledge.text import normalize
    from clinical.monitor.checks.dismissal import _dangers

    text = normalize("体温39度8，睡一觉就好了。").text
    labels = [label for _s, label, _src in _dangers(text)]
    assert any("39.8" in label or "39度8" in label for label in labels), labels
    assert "dismisses_red_flag" in codes("体温39度8，睡一觉就好了。")


@pytest.mark.parametrize("text,held", [("三十九度八", True), ("39度2", False), ("39度", False)])
def test_the_temperature_decimal_after_du_is_read_exactly(text: str, held: bool) -> None:
    from clinical.knowledge.text import normalize
    from clinical.monitor.checks.dismissal import _dangers

    found = [label for _s, label, _src in _dangers(normalize(f"体温{text}").text)]
    assert any(label.startswith("高热") for label in found) is held, found


# --- 7. source consistency: a caution the engine states, within its condition -----------------

WARFARIN = "华法林钠片 3mg 每日1次"
CAUTION = "正在服用华法林：对乙酰氨基酚可短期按需使用，每日不超过2克；连续服用数日可能使INR升高，应按时复查INR"


def _guidance(total: str, with_note: bool = True) -> str:
    text = (
        f"根据您的情况，建议使用必理通（每次1片（含对乙酰氨基酚500毫克），间隔至少4小时，"
        f"24小时内不超过4次（对乙酰氨基酚合计不超过{total}））。"
    )
    return text + (f"注意：{CAUTION}。" if with_note else "")


def test_a_caution_stated_by_source_and_text_within_its_condition_is_noted() -> None:
    structured = {"route": "medication", "guidance": {"advice": _guidance("2克")}}
    r = result(_guidance("2克"), patient(WARFARIN, age=68), structured, "agent")
    assert r.action == "release", [(f.code, f.severity) for f in r.findings]
    assert "interaction_stated" in {f.code for f in r.findings if f.severity == "low"}


@pytest.mark.parametrize(
    "text,structured",
    [
        (_guidance("3克"), {"advice": _guidance("3克")}),  # over the 2 g condition
        (_guidance("2克", with_note=False), {"advice": _guidance("2克")}),  # caution dropped
        (_guidance("2克"), {"advice": "建议使用必理通"}),  # the source never said it
        (_guidance("2克"), None),  # no source at all
    ],
)
def test_a_caution_not_stated_or_outside_its_condition_still_holds(text, structured) -> None:
    r = result(text, patient(WARFARIN, age=68), structured, "agent")
    assert "interaction" in {f.code for f in r.findings if f.severity == "medium"}


def test_a_caution_without_a_quantitative_condition_still_holds() -> None:
    text = (
        "建议使用布洛芬片（每次1片（含布洛芬200毫克），24小时内不超过4次（布洛芬合计不超过800毫克））。"
        "注意：高血压：非甾体抗炎药可能升高血压，只宜短期使用并监测血压。"
    )
    ctx = patient(age=60, conditions=["高血压"])
    r = result(text, ctx, {"advice": text}, "agent")
    assert r.action == "hold"


# --- combination products: each ingredient's content per unit ----------------------------------


def test_a_combination_product_dose_is_checked_per_ingredient() -> None:
    ok = "可以用新康泰克（每次1粒（含伪麻黄碱90毫克、氯苯那敏4毫克），24小时内不超过2次）。"
    over = "可以用新康泰克，每次4粒，每天3次。"
    assert "dose_unverifiable" not in codes(ok)
    assert "dose_daily_exceeds_max" in codes(over) or "dose_single_exceeds_max" in codes(over)


# --- 8. the order's frequency is read by the shared sig reader ---------------------------------


def test_the_orders_period_comes_from_the_shared_sig_reader() -> None:
    from clinical.monitor.checks.frequency_consistency import sig_period

    assert sig_period("甲氨蝶呤片 7.5mg 每周1次")[:2] == ("weekly", None)
    assert sig_period("头孢呋辛酯片 0.25g q12h")[:2] == ("daily", 2)
    assert sig_period("对乙酰氨基酚片 0.5g 必要时") is None  # as needed: no fixed count
    ctx = patient("头孢呋辛酯片 0.25g q12h")
    assert "frequency_mismatch" in codes("头孢呋辛酯片每天3次，每次1片。", ctx)
    assert "frequency_mismatch" not in codes("头孢呋辛酯片每天2次，每次1片。", ctx)


@pytest.mark.parametrize(
    "text,held",
    [
        ("对乙酰氨基酚片每次2-3片，每天6次。", True),  # a range counts at its high end: 9 g/day
        ("布洛芬片每次1~2片，每天4次。", True),  # 2 × 400 mg (largest strength) × 4 > 1.2 g
        ("布洛芬每次1/2片，每天3次。", False),  # a fraction read exactly
    ],
)
def test_dose_amounts_are_read_by_the_shared_reader(text: str, held: bool) -> None:
    found = codes(text) & {"dose_single_exceeds_max", "dose_daily_exceeds_max"}
    assert bool(found) is held, found


# --- first aid and a drug a clinician already gave ----------------------------------------------


def test_stopping_the_suspected_drug_in_an_allergic_reaction_is_first_aid() -> None:
    text = "可能是严重过敏反应：请立即拨打120；停用可疑药物并保留药盒。"
    assert "medication_stop" not in codes(text)
    assert "medication_stop" in codes("血压正常了，可以停用降压药。")


def test_a_drug_conditional_on_a_clinician_having_given_it_is_no_suggestion() -> None:
    text = "请立即拨打120，停止活动；如医生让您备有硝酸甘油可舌下含服。"
    assert "rx_not_ordered" not in codes(text, patient(age=66))
    assert "rx_not_ordered" in codes("胸口痛可以含一片硝酸甘油。", patient(age=66)) or (
        "rx_only_self_medication" in codes("胸口痛可以含一片硝酸甘油。", patient(age=66))
    )


# --- 3. a product the KB knows without its ingredients holds -----------------------------------


def test_a_product_known_without_ingredients_holds_in_running_text() -> None:
    assert "no_ingredients" in codes("胸闷时可以含服速效救心丸。")
    assert "no_ingredients" not in codes("每天可以喝300毫升左右的低脂或脱脂奶。")


def test_a_drug_like_reaction_is_not_the_drug() -> None:
    from clinical.knowledge.text import normalize
    from clinical.monitor import kb

    text = normalize("与头孢类同用可引起双硫仑样反应。").text
    assert not [m for m in kb.find_mentions(text) if m.key == "disulfiram"]
    assert [m.key for m in kb.find_mentions(normalize("正在服用双硫仑。").text)] == ["disulfiram"]


@pytest.mark.parametrize(
    "text", ["血压正常了就可以不服用氨氯地平了。", "血糖好了胰岛素就不用再打了。"]
)
def test_stopping_worded_as_no_longer_needed_holds(text: str) -> None:
    ctx = patient("苯磺酸氨氯地平片 5mg 每日1次", "门冬胰岛素注射液 6单位 三餐前")
    assert "medication_stop" in codes(text, ctx)


@pytest.mark.parametrize(
    "text,held",
    [
        ("少喝点没关系。", True),
        ("喝1杯可以。", True),
        ("可以喝点东西垫垫肚子。", False),
        ("多喝点温开水没关系。", False),
        ("可以喝1杯牛奶。", False),
        ("咖啡少喝点没关系。", False),
    ],
)
def test_a_drinking_measure_without_another_drink_is_alcohol(text: str, held: bool) -> None:
    assert ("alcohol_permitted" in codes(text, patient(CEPH))) is held


def test_examples_of_a_class_the_patient_takes_are_no_suggestion() -> None:
    text = "服用SGLT2抑制剂（如达格列净、恩格列净）期间出现呕吐、腹痛：请今天就医，就医前暂停该药。"
    assert "rx_not_ordered" not in codes(text, patient("达格列净片 10mg 每日1次"))
    assert {"rx_not_ordered", "rx_only_self_medication"} & codes(
        "血糖高可以加用降糖药（如恩格列净）。", patient("达格列净片 10mg 每日1次")
    )


def test_alcohol_on_an_antibiotic_stopped_within_its_washout_holds() -> None:
    """An order stopped within its washout (the shared context keeps it, ``current=False``)
    still forbids alcohol, but it is not an order a reminder may repeat."""
    stopped = Medication(name="甲硝唑片", dosage="0.4g 每日3次", current=False)
    ctx = PatientContext(patient_id="p", age_years=45, medications=[stopped])
    assert "alcohol_permitted" in codes("药已经吃完了，周末喝1杯啤酒没关系。", ctx)
    r = result("提醒：请在8:00服用甲硝唑片0.4g。", ctx, None, "reminder")
    assert "drug_not_ordered" in {f.code for f in r.findings}
