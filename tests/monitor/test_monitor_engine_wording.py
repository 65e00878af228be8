"""Wording our own engines use for warnings is released; the same words turned into a
suggestion, a dose or an unverified claim still hold (bench/engine_holds.py false holds)."""

from __future__ import annotations

import pytest

from clinical.monitor.context import Medication, PatientContext
from clinical.monitor.engine import run_monitor

ULCER = PatientContext(patient_id="t-ulcer", age_years=50, conditions=["胃溃疡"])
GLAUCOMA = PatientContext(
    patient_id="t-glaucoma", age_years=45, allergies=["对乙酰氨基酚"], conditions=["青光眼"]
)
METRO = PatientContext(
    patient_id="t-metro",
    age_years=42,
    medications=[Medication("甲硝唑片 0.2g", "甲硝唑片 0.2g 口服 每日3次")],
)
ADULT = PatientContext(patient_id="t-adult", age_years=35)


def codes(text: str, patient: PatientContext, structured=None) -> set[str]:
    result = run_monitor(text, patient, structured, category="agent")
    held = {f"{f.check}:{f.code}" for f in result.findings if f.severity in ("high", "medium")}
    assert (result.action == "hold") == bool(held)
    return held


@pytest.mark.parametrize(
    "patient,text",
    [
        (
            ULCER,
            "不要使用芬必得：有消化性溃疡或消化道出血史：布洛芬、阿司匹林等非甾体抗炎药可致溃疡出血，禁用。",
        ),
        (GLAUCOMA, "不要使用扑尔敏：青光眼：氯苯那敏/苯海拉明等成分可诱发青光眼急性发作。"),
        (GLAUCOMA, "不要使用白加黑：您对对乙酰氨基酚过敏，含对乙酰氨基酚的药物都不能使用。"),
        (METRO, "如需解暑，请选用不含酒精的剂型。"),
        (ADULT, "服用辛伐他汀期间不要吃西柚、柚子，也不要喝西柚汁。"),
        (ADULT, "正在服用沙坦类降压药：非甾体抗炎药会减弱降压效果。"),
        (ADULT, "请服用维生素B12，每次500μg，口服。"),
    ],
)
def test_engine_warning_wording_is_released(patient, text):
    assert codes(text, patient) == set()


@pytest.mark.parametrize(
    "patient,text,expected",
    [
        (
            ULCER,
            "不要使用芬必得：有消化性溃疡：可以改用布洛芬。",
            "allergy_interaction:contraindication",
        ),
        (
            ULCER,
            "不要使用芬必得：有消化性溃疡，布洛芬每次1片即可。",
            "allergy_interaction:contraindication",
        ),
        (
            ULCER,
            "不要使用芬必得：有消化性溃疡，布洛芬效果更好。",
            "allergy_interaction:contraindication",
        ),
        (METRO, "藿香正气水不含酒精，可以放心喝。", "allergy_interaction:interaction"),
        (ADULT, "服用辛伐他汀期间可以吃西柚。", "rx_self_medication:rx_only_self_medication"),
        (ADULT, "服用辛伐他汀期间不要停药。", "rx_self_medication:rx_not_ordered"),
        (ADULT, "可以吃点沙坦类降压药。", "unknown_drug:unknown_drug"),
        (ADULT, "头痛时可以服用μaspirin。", "mixed_script:mixed_script"),
    ],
)
def test_same_words_as_a_suggestion_still_hold(patient, text, expected):
    assert expected in codes(text, patient)


def test_current_medication_list_needs_the_structured_result():
    text = (
        "不要使用藿香正气水：正在或近期服用甲硝唑/替硝唑：含酒精的药物或饮酒可引起双硫仑样反应，"
        "停药后数日内都不要使用。"
    )
    assert "rx_self_medication:rx_not_ordered" in codes(text, METRO)
    structured = {"verdict": "avoid", "reasons": [text.split("：", 1)[1]]}
    assert codes(text, METRO, structured) == set()
