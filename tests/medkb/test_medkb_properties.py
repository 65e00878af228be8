"""Property tests of the guidance invariants over random patients and cabinets."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinical.medkb import api
from clinical.medkb.kb import KnowledgeBase
from clinical.medkb.services.guidance import GuidanceRequest, advise

NAMES = [
    "泰诺林",
    "必理通",
    "儿童泰诺林",
    "泰诺林混悬滴剂",
    "芬必得",
    "布洛芬片",
    "美林",
    "美林滴剂",
    "感冒灵颗粒",
    "999感冒灵",
    "白加黑",
    "新康泰克",
    "美扑伪麻片",
    "泰诺",
    "日夜百服咛",
    "快克",
    "感康",
    "速效伤风胶囊",
    "维C银翘片",
    "散利痛",
    "小儿氨酚黄那敏颗粒",
    "阿司匹林肠溶片",
    "阿司匹林片",
    "藿香正气水",
    "藿香正气软胶囊",
    "连花清瘟胶囊",
    "板蓝根颗粒",
    "开瑞坦",
    "开瑞坦糖浆",
    "仙特明",
    "扑尔敏",
    "右美沙芬片",
    "惠菲宁",
    "沐舒坦",
    "吗丁啉",
    "达喜",
    "奥美拉唑肠溶胶囊",
    "思密达",
    "易蒙停",
    "黄连素片",
    "阿莫西林胶囊",
    "头孢克肟胶囊",
    "左氧氟沙星片",
    "布洛芬",
    "对乙酰氨基酚",
    "布洛芬缓释片",
    "对乙酰氨基酚片",
    "复方氨酚烷胺片",
    "盐酸伪麻黄碱缓释片",
    "不存在的药品甲",
    "Tylenol",
]
SYMPTOMS = [
    "发烧",
    "头痛",
    "鼻塞",
    "流鼻涕",
    "咳嗽",
    "咳痰",
    "咽痛",
    "打喷嚏",
    "腹泻",
    "恶心",
    "胃痛",
    "反酸",
    "全身酸痛",
    "皮肤瘙痒",
]
CONDITIONS = ["胃溃疡", "高血压", "慢性肾脏病", "哮喘", "糖尿病", "青光眼", "肝硬化", "冠心病"]
ALLERGIES = ["青霉素", "磺胺", "阿司匹林", "头孢"]
MEDS = ["华法林钠片 3mg", "头孢呋辛酯片", "甲硝唑", "舍曲林", "对乙酰氨基酚片 0.5g", "氨氯地平"]


@st.composite
def requests(draw: Any) -> GuidanceRequest:
    age = draw(st.one_of(st.floats(0.1, 95), st.integers(0, 95).map(float)))
    female = draw(st.booleans())
    pregnant = female and 16 <= age <= 45 and draw(st.booleans())
    ctx = api.PatientContext(
        age_years=age,
        sex="female" if female else "male",
        weight_kg=draw(st.one_of(st.none(), st.floats(3, 120))),
        pregnant=pregnant,
        pregnancy_weeks=draw(st.one_of(st.none(), st.floats(1, 41))) if pregnant else None,
        breastfeeding=female and not pregnant and draw(st.booleans()),
        conditions=draw(st.lists(st.sampled_from(CONDITIONS), max_size=3)),
        allergies=draw(st.lists(st.sampled_from(ALLERGIES), max_size=2)),
        current_medications=draw(st.lists(st.sampled_from(MEDS), max_size=3)),
    )
    return GuidanceRequest(
        patient=ctx,
        cabinet=draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=8)),
        symptoms=draw(st.lists(st.sampled_from(SYMPTOMS), min_size=1, max_size=4)),
        temperature_c=draw(st.one_of(st.none(), st.floats(36, 41.5))),
        fever_days=draw(st.one_of(st.none(), st.integers(0, 6).map(float))),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_guidance_invariants(kb: KnowledgeBase, req: GuidanceRequest) -> None:
    answer = advise(req)
    items = answer["items"]
    assert [i["input"] for i in items] == req.cabinet  # one item per entry, in order

    recommended = [i for i in items if i["verdict"] == "recommended"]
    seen: set[str] = set()
    for item in recommended:
        keys = {ing["key"] for ing in item["ingredients"]}
        assert not keys & seen, "two recommended products share an ingredient"
        seen |= keys
        assert item["otc"] is True, "prescription-only product recommended"
    if answer["see_doctor"]["urgency"] == "emergency":
        assert not recommended

    child = req.patient.age_years < 12
    for item in items:
        if item["verdict"] in ("unknown", "avoid"):
            assert item["dose"] is None
        if item["verdict"] == "avoid":
            assert any(r["severity"] == "avoid" for r in item["reasons"])
        dose = item["dose"]
        if not dose or dose["per_dose_mg"] is None:
            continue
        assert not (child and req.patient.weight_kg is None), "child dosed without weight"
        product = api.resolve(item["input"])
        assert product is not None
        # the mg figures refer to one ingredient; every ingredient must be within its limits
        for amount in product.ingredients:
            ing = kb.ingredients[amount.key]
            if not ing.adult_max_daily_mg:
                continue
            per = dose["per_dose_mg"]
            daily = dose["max_daily_mg"]
            ref = next(a for a in product.ingredients if a.key == dose["ingredient"])
            if amount.key != ref.key:
                assert amount.strength_mg and ref.strength_mg
                ratio = amount.strength_mg / ref.strength_mg
                per, daily = per * ratio, daily * ratio
            assert per <= ing.adult_max_single_mg + 1e-6
            assert daily <= ing.adult_max_daily_mg + 1e-6
            if child and ing.paediatric_max_daily_mg_per_kg:
                assert daily <= ing.paediatric_max_daily_mg_per_kg * req.patient.weight_kg + 1e-6
            if "warfarin" in {
                k for m in req.patient.current_medications for k in api.ingredients_of(m)
            }:
                if amount.key == "paracetamol":
                    assert daily <= 2000 + 1e-6


JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(["泰诺林", "芬必得", "发烧", "male", "female", "青霉素", "华法林"]),
)
JSON = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=15,
)
FIELDS = st.sampled_from(
    ["patient", "patient_id", "symptoms", "temperature_c", "fever_days", "cabinet"]
)
PATIENT_FIELDS = st.sampled_from(
    [
        "age_years",
        "sex",
        "weight_kg",
        "pregnant",
        "pregnancy_weeks",
        "breastfeeding",
        "conditions",
        "allergies",
        "current_medications",
        "recent_surgery_days",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    body=st.dictionaries(FIELDS, JSON, max_size=6),
    patient=st.dictionaries(PATIENT_FIELDS, JSON, max_size=10),
)
def test_http_never_500(kb: KnowledgeBase, clients, body: dict, patient: dict) -> None:
    import json

    if "patient" in body and isinstance(body["patient"], dict):
        body["patient"] = {**body["patient"], **patient}
    r = clients["doctor"].post(
        "/api/v1/guidance/medication", data=json.dumps(body), content_type="application/json"
    )
    assert r.status_code in (200, 400, 404), (r.status_code, body)
    if r.status_code == 200:
        data = r.json()
        assert len(data["items"]) == len(body["cabinet"])
