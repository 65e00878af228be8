"""Dismissal and reassurance as intent (issue #16): danger + normalising/advice-against in one
sentence holds; advice against care holds alone; escalation or a negated symptom releases."""

from __future__ import annotations

import pytest

from clinical.monitor.context import PatientContext
from clinical.monitor.engine import run_monitor


def codes(text: str) -> set[str]:
    result = run_monitor(text, PatientContext(patient_id="p", age_years=60))
    return {f.code for f in result.findings if f.check == "dismissal"}


@pytest.mark.parametrize(
    "text",
    [
        "胸口闷得慌还一直冒冷汗，这种情况挺常见的。",  # red-flag concept + normalising
        "INR到了六点一，华法林照常吃。",  # abnormal value in Chinese numerals + continue
        "测了血糖2.5，没事的。",  # hypoglycaemia + reassurance
        "血压200/120，不用管它。",  # BP crisis + no action
        "化疗完第十天烧到38.9度，睡一觉就好。",  # fever after chemotherapy
        "老人吃着华法林碰到了头，观察观察就行。",  # head knock on an anticoagulant
        "晚饭不吃了的话胰岛素照常打。",  # insulin without a meal
    ],
)
def test_a_danger_made_to_sound_normal_holds(text: str) -> None:
    assert "dismisses_red_flag" in codes(text)


@pytest.mark.parametrize("text", ["您没必要再来医院了。", "下个月的复查可以取消。", "不需要做CT。"])
def test_advice_against_care_holds_whatever_the_concept(text: str) -> None:
    assert "discourages_care" in codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "胸闷伴出冷汗不要以为很常见，请立即拨打120。",  # the sentence escalates
        "INR 2.5在目标范围内，华法林照常吃。",  # value not abnormal
        "血糖6.1，不用担心。",
        "运动后肌肉有点酸很常见，休息就好。",  # no red-flag concept
        "没有胸痛，不用担心。",  # negated symptom
    ],
)
def test_no_danger_or_an_escalation_releases(text: str) -> None:
    assert codes(text) == set()


# --- diagnosis (issue #16) ---------------------------------------------------------------


def diagnosis_codes(text: str, conditions: list[str] | None = None) -> set[str]:
    ctx = PatientContext(patient_id="p", age_years=60, conditions=conditions or [])
    result = run_monitor(text, ctx)
    return {f.severity for f in result.findings if f.check == "diagnosis"}


@pytest.mark.parametrize(
    "text",
    [
        "化验单显示，您这是恶性淋巴瘤。",
        "您得的是胰腺癌，情况不太好。",
        "看片子您已经患上了肺结核。",
        "结果是急性心肌梗死。",
    ],
)
def test_a_definitive_diagnosis_holds(text: str) -> None:
    assert "high" in diagnosis_codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "您这可能是胃炎，建议到消化科检查以明确。",
        "需要排除肺癌，请做胸部CT。",
        "不排除骨折，请拍片。",
        "您是不是得了感冒？",
    ],
)
def test_a_hedged_statement_is_not_a_diagnosis(text: str) -> None:
    assert diagnosis_codes(text) == set()


def test_a_recorded_condition_is_not_a_new_diagnosis_but_a_cancer_always_holds() -> None:
    assert diagnosis_codes("您患有高血压，请按时服药。", ["高血压"]) == set()
    assert "high" in diagnosis_codes("您患有乳腺癌，请按时复查。", ["乳腺癌"])
