"""Alcohol on metformin is advice to avoid, never a conditional permission (issues #16, #23;
DECISIONS.md "caution without a quantitative limit"): the answer says 不建议 and drops the
diabetes rule's "如果喝…" line, and the real output monitor releases it as the agent's diet
route sends it. An alcohol-free alternative is advised without naming a product whose
composition the knowledge base does not hold (藿香正气胶囊 would be held as unknown)."""

from __future__ import annotations

import json

import pytest

from clinical.agent.routes.base import patient_text
from clinical.diet.services import consult
from clinical.monitor.context import Medication, PatientContext
from clinical.monitor.engine import run_monitor

METFORMIN = "盐酸二甲双胍片 0.5g"


def _released(answer: dict, medications: list[str], conditions: list[str]) -> None:
    text = patient_text(answer)
    ctx = PatientContext(
        patient_id="diet-test",
        age_years=60.0,
        conditions=conditions,
        medications=[
            Medication(name=m.partition(" ")[0], dosage=m.partition(" ")[2]) for m in medications
        ],
    )
    structured = {
        "route": "diet",
        **json.loads(json.dumps(answer, ensure_ascii=False, default=str)),
        "intent": "diet_question",
    }
    result = run_monitor(text, ctx, structured)
    assert result.action == "release", (text, [f.as_dict() for f in result.findings])


@pytest.mark.django_db
@pytest.mark.parametrize("food", ["白酒", "啤酒", "红酒"])
def test_alcohol_on_metformin_is_advice_to_avoid(food: str) -> None:
    patient = {"current_medications": [METFORMIN], "conditions": ["2型糖尿病"]}
    answer = consult(food=food, patient=patient).to_dict()
    assert answer["verdict"] == "avoid"
    assert answer["advice"].startswith(f"不建议喝{food}。")
    assert "用药期间不要饮酒，尤其不要空腹喝酒或大量饮酒。" in answer["advice"]
    assert "如果喝" not in answer["advice"] and "不超过" not in answer["advice"]
    reason = next(r for r in answer["reasons"] if r["code"] == "metformin.ethanol")
    assert reason["level"] == "avoid" and "盐酸二甲双胍片说明书" in reason["source"]
    _released(answer, [METFORMIN], ["2型糖尿病"])


@pytest.mark.django_db
def test_alcohol_for_diabetes_without_metformin_keeps_the_guideline_limits() -> None:
    """Control: the diabetes guideline's caution (with its 15 g / 25 g limits) is unchanged
    for a patient on no interacting medicine."""
    answer = consult(food="红酒", patient={"conditions": ["2型糖尿病"]}).to_dict()
    assert answer["verdict"] == "caution"
    assert "女性每天酒精不超过15克" in answer["advice"]


@pytest.mark.django_db
@pytest.mark.parametrize("medicine", ["头孢克洛", "甲硝唑片"])
def test_alcohol_free_alternative_names_no_unknown_product(medicine: str) -> None:
    answer = consult(food="藿香正气水", patient={"current_medications": [medicine]}).to_dict()
    assert answer["verdict"] == "avoid"
    assert "请先问医生或药师，选用不含酒精的药物" in answer["advice"]
    assert "藿香正气胶囊" not in answer["advice"] and "软胶囊" not in answer["advice"]
    _released(answer, [medicine], [])


@pytest.mark.django_db
def test_metformin_named_only_in_the_question_is_answered_and_released() -> None:
    """The drug comes from the question, not the record: the advice names no prescription
    drug the record lacks (the monitor would hold that as not ordered)."""
    answer = consult(question="吃二甲双胍能喝酒吗").to_dict()
    assert answer["verdict"] == "avoid" and answer["advice"].startswith("不建议喝酒。")
    assert "二甲双胍" not in answer["advice"] and "如果喝" not in answer["advice"]
    _released(answer, [], [])


@pytest.mark.django_db
@pytest.mark.parametrize("medicine", ["格列美脲片 2mg", "格列齐特缓释片 30mg"])
def test_alcohol_on_a_sulfonylurea_is_advice_to_avoid(medicine: str) -> None:
    """The same policy for the other caution without a limit (sulfonylurea + ethanol)."""
    answer = consult(food="白酒", patient={"current_medications": [medicine]}).to_dict()
    assert answer["verdict"] == "avoid" and answer["advice"].startswith("不建议喝白酒。")
    assert "用药期间不要饮酒，尤其不要空腹喝酒" in answer["advice"]
    assert "喝酒当天" not in answer["advice"]
    _released(answer, [medicine], [])
