"""Invariants of the new guidance inputs (#15 task D, hypothesis, derandomised in CI):
naming the operation never lowers the answer below the bare "surgery N days ago", and a
clearly abnormal vital sign never lowers it below the answer without vitals. Every request
goes through the one inline schema (``PatientContext.from_inline``) as the API does."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinical.knowledge import patient as kp
from clinical.medkb import api
from clinical.medkb.services.guidance import GuidanceRequest, advise

RANK = {None: 0, "routine": 1, "urgent": 2, "emergency": 3}
SNOMED = "http://snomed.info/sct"
WORDS = [
    "嘴唇发麻", "手脚抽筋", "脖子肿起来了", "喘气有点费劲", "肚子痛", "肚子胀，不排气",
    "呕吐", "小便费劲", "尿不出来", "头痛", "看东西模糊", "髋部疼，站不起来", "伤口在流血",
    "发烧", "鼻塞", "咳嗽", "嗓子疼", "拉肚子", "头晕", "伤口有点痒",
]  # fmt: skip
OPERATIONS = [
    {"text": "甲状腺全切术", "code": "13619001", "system": SNOMED},
    {"text": "甲状旁腺切除术"},
    {"code": "84604002", "system": SNOMED},
    {"text": "腹腔镜胆囊切除术"},
    {"text": "剖宫产"},
    {"text": "顺产"},
    {"text": "右侧全髋关节置换术", "code": "52734007", "system": SNOMED},
    {"text": "右侧全膝关节置换术"},
    {"text": "白内障手术"},
]
CABINET = ["泰诺林", "布洛芬缓释胶囊", "新康泰克", "吗丁啉", "易蒙停", "开塞露"]


def _answer(patient: dict[str, Any], words: list[str]) -> dict[str, Any]:
    ctx = api.PatientContext.from_knowledge(kp.PatientContext.from_inline(patient))
    return advise(GuidanceRequest(patient=ctx, cabinet=CABINET, symptoms=words))


def _urgency(answer: dict[str, Any]) -> int:
    sd = answer["see_doctor"]
    return RANK[sd["urgency"] if sd["needed"] else None]


base = st.fixed_dictionaries(
    {
        "age_years": st.integers(18, 90),
        "sex": st.sampled_from(["female", "male"]),
    }
)
words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3, unique=True)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    patient=base,
    said=words,
    operation=st.sampled_from(OPERATIONS),
    days=st.integers(0, 100),
)
def test_naming_the_operation_never_lowers_the_answer(patient, said, operation, days):
    bare = _answer({**patient, "recent_surgery_days": days}, said)
    named = _answer({**patient, "recent_surgery": {**operation, "days_ago": days}}, said)
    assert _urgency(named) >= _urgency(bare), (operation, days, said, named["see_doctor"])


abnormal = st.fixed_dictionaries(
    {},
    optional={
        "bp_systolic": st.integers(160, 240),
        "heart_rate": st.integers(121, 200),
        "temperature_c": st.floats(39.0, 42.0),
        "spo2": st.integers(70, 90),
        "resp_rate": st.integers(25, 45),
        "glucose_mmol_l": st.sampled_from([2.2, 3.0, 3.5, 25.0, 33.3]),
    },
)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    patient=base,
    said=words,
    operation=st.sampled_from([None, *OPERATIONS]),
    days=st.integers(0, 60),
    vitals=abnormal,
)
def test_an_abnormal_vital_sign_never_lowers_the_answer(patient, said, operation, days, vitals):
    if operation is not None:
        patient = {**patient, "recent_surgery": {**operation, "days_ago": days}}
    without = _answer(patient, said)
    with_vitals = _answer({**patient, "vitals": vitals}, said)
    assert _urgency(with_vitals) >= _urgency(without), (vitals, said, with_vitals["see_doctor"])
