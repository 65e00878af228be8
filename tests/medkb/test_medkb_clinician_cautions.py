"""Guidance prefers the safer product (issues #16, #23; DECISIONS.md "caution without a
quantitative limit"): the message it sends recommends no cautioned product and no product of
unknown composition, and the real output monitor releases it, while the monitor still holds
a message that does recommend the cautioned product."""

from __future__ import annotations

import json
from typing import Any

import pytest

from clinical.monitor.context import Medication, PatientContext
from clinical.monitor.engine import run_monitor
from tests.medkb.conftest import by_input


def _monitor(answer: dict[str, Any], cabinet: list[str], **patient: Any) -> Any:
    """The monitor verdict as the agent's medication route submits the advice."""
    meds = [
        Medication(name=m.partition(" ")[0], dosage=m.partition(" ")[2])
        for m in patient.get("current_medications", [])
    ]
    ctx = PatientContext(
        patient_id="medkb-test",
        age_years=float(patient.get("age_years", 35)),
        conditions=list(patient.get("conditions", [])),
        medications=meds,
    )
    structured = {
        "route": "medication",
        "medicines": cabinet,
        "cabinet": cabinet,
        "guidance": json.loads(json.dumps(answer, ensure_ascii=False, default=str)),
        "intent": "medication_question",
    }
    return run_monitor(answer["advice"], ctx, structured)


CASES = [
    (["泰诺林"], {"conditions": ["慢性乙肝"]}, ["头痛"], None, None),
    (["右美沙芬片"], {"current_medications": ["舍曲林片 50mg"]}, ["咳嗽"], None, None),
    (["铝碳酸镁咀嚼片"], {"current_medications": ["左氧氟沙星片 0.5g"]}, ["胃痛"], None, None),
    # (cabinet, patient, symptoms, temperature, the one product recommended or None)
    (["新康泰克", "泰诺林"], {"conditions": ["高血压"]}, ["发烧", "鼻塞"], 38.3, "泰诺林"),
    (["新康泰克"], {"conditions": ["高血压"]}, ["鼻塞"], None, None),
    (["布洛芬片", "泰诺林"], {"current_medications": ["舍曲林片 50mg"]}, ["头痛"], None, "泰诺林"),
    (["布洛芬片"], {"current_medications": ["舍曲林片 50mg"]}, ["头痛"], None, None),
    (
        ["布洛芬片", "思密达"],
        {"conditions": ["高血压"], "current_medications": ["缬沙坦胶囊 80mg"]},
        ["头痛"],
        None,
        None,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("cabinet", "patient", "symptoms", "temp", "chosen"), CASES)
def test_cautioned_product_is_not_recommended_and_the_message_is_released(
    ask, cabinet, patient, symptoms, temp, chosen
) -> None:
    a = ask(cabinet, symptoms=symptoms, temperature_c=temp, **patient)
    recommended = [i["input"] for i in a["items"] if i["verdict"] == "recommended"]
    assert recommended == ([chosen] if chosen else [])
    if chosen is None:
        assert "建议使用" not in a["advice"]
        assert a["see_doctor"]["needed"] and "医生或药师" in a["see_doctor"]["reasons"][0]
    result = _monitor(a, cabinet, **patient)
    assert result.action == "release", [f.as_dict() for f in result.findings]


@pytest.mark.django_db
def test_the_monitor_still_holds_a_message_recommending_the_cautioned_product(ask) -> None:
    """The policy stays in the monitor: the old engine wording (ibuprofen recommended with its
    hypertension caution) is held for a clinician."""
    patient = {"conditions": ["高血压"]}
    a = ask(["布洛芬片"], symptoms=["头痛"], **patient)
    assert by_input(a)["布洛芬片"]["verdict"] == "avoid"
    a["advice"] = (
        "根据您的情况，建议使用布洛芬片（每次1片（含布洛芬200毫克），间隔至少6小时，24小时内不超过4次）。"
        "注意：高血压：非甾体抗炎药可能升高血压，只宜短期使用并监测血压。"
    )
    result = _monitor(a, ["布洛芬片"], **patient)
    assert result.action == "hold"
    assert "contraindication" in {f.code for f in result.findings}
