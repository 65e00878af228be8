"""Negative advice and the patient's current medication (agent x monitor integration).

medkb's guidance warns against a drug in words that also name the patient's prescription
("不要使用布洛芬：正在服用华法林：布洛芬、阿司匹林等…不要自行服用"). Such a warning is released;
the same drug names turned into a suggestion keep holding.
"""

from __future__ import annotations

import pytest

from clinical.monitor.context import Medication, PatientContext
from clinical.monitor.engine import run_monitor

SURGERY = PatientContext(
    patient_id="demo-surgery",
    age_years=68,
    allergies=["青霉素"],
    conditions=["心房颤动"],
    medications=[Medication("华法林钠片 3mg", "华法林钠片 3mg 口服 每日一次 晚饭后")],
)
ADULT = PatientContext(patient_id="rt-adult", age_years=35)
MEDKB_ADVICE = (
    "不要使用布洛芬：正在服用华法林：布洛芬、阿司匹林等非甾体抗炎药会明显增加出血风险，"
    "不要自行服用。"
)


def holding(text: str, patient: PatientContext | None, structured=None) -> set[str]:
    result = run_monitor(text, patient, structured, category="agent")
    assert (result.action == "hold") == any(
        f.severity in ("high", "medium") for f in result.findings
    )
    return {f"{f.check}:{f.code}" for f in result.findings if f.severity != "low"}


def test_medkb_warning_is_released_for_the_warfarin_patient():
    assert holding(MEDKB_ADVICE, SURGERY) == set()


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("膝盖疼可以吃布洛芬，不要自行服用过量。", "allergy_interaction:interaction"),
        ("布洛芬止痛效果好，阿司匹林伤胃，不要自行服用。", "allergy_interaction:interaction"),
        (
            "布洛芬会增加出血风险，不要自行服用，可以改吃阿司匹林。",
            "allergy_interaction:interaction",
        ),
        ("布洛芬止痛效果好，饭后服用，空腹不要自行服用。", "allergy_interaction:interaction"),
        ("布洛芬每次1片饭后吃，不要自行服用。", "allergy_interaction:interaction"),
        ("阿莫西林属于青霉素类，可以放心吃。", "allergy_interaction:allergy"),
    ],
)
def test_a_suggestion_in_negative_wording_still_holds(text, finding):
    assert finding in holding(text, SURGERY)


def test_warning_and_class_statement_are_released():
    text = "不要使用阿莫西林胶囊：阿莫西林属于青霉素类，您对青霉素类过敏，禁止使用。"
    assert holding(text, SURGERY) == set()


def test_current_medication_outside_the_orders_holds_without_engine_support():
    assert holding(MEDKB_ADVICE, ADULT) == {"rx_self_medication:rx_not_ordered"}


def test_current_medication_stated_by_the_engine_result_is_released():
    structured = {"reasons": ["正在服用华法林：布洛芬、阿司匹林等非甾体抗炎药会明显增加出血风险"]}
    assert holding(MEDKB_ADVICE, ADULT, structured) == set()
    # the engine's statement covers the current medication, not a drug added next to it
    assert holding("正在服用华法林，可以吃点布洛芬。", ADULT, {"reasons": ["正在服用华法林"]}) == {
        "structured_consistency:drug_added"
    }


def test_prohibited_self_medication_wording_is_not_a_suggestion():
    assert holding("阿司匹林不要自行服用。", SURGERY) == set()
    assert "rx_self_medication:rx_only_self_medication" in holding(
        "膝盖疼可以去药店买点曲马多，不要自行停药。", ADULT
    )


CEFUROXIME = PatientContext(
    patient_id="demo-surgery",
    age_years=68,
    medications=[Medication("头孢呋辛酯片 0.25g", "头孢呋辛酯片 0.25g 口服 bid 饭后 连用5天")],
)


def test_medkb_alcohol_medicine_warning_is_released_on_a_cephalosporin():
    text = (
        "不要使用藿香正气水：正在或近期服用头孢类抗菌药：含酒精的药物(如藿香正气水)或饮酒"
        "可引起双硫仑样反应(面红、心慌、血压下降)，停药7天内都不要使用。"
    )
    assert holding(text, CEFUROXIME) == set()


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("藿香正气水停药7天内可以喝。", "allergy_interaction:interaction"),
        ("头孢吃完了，藿香正气水停药3天就可以喝。", "med_change:medication_stop"),
        (
            "藿香正气水解暑效果好，饮酒可引起双硫仑样反应，不要同时喝酒。",
            "allergy_interaction:interaction",
        ),
    ],
)
def test_alcohol_medicine_allowed_or_a_stop_still_holds(text, finding):
    assert finding in holding(text, CEFUROXIME)
