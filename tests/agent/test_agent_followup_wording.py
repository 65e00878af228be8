"""The agent's follow-up reply never quotes care-team wording (issues #16, #23): the follow-up
rules' texts ("需停用或减量华法林", "患者自行停用关键药物…，需医生尽快联系") stay in the
assessment (alert, CarePlan) and the patient gets patient wording; the real output monitor
releases the reply. Assessments come from the real follow-up engine on its own vignettes."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from clinical.agent.routes.followup import assessment_text, patient_reason_text
from clinical.followup.services.engine import assess_record
from clinical.followup.services.wording import generic_patient_text
from clinical.monitor.context import PatientContext
from clinical.monitor.engine import run_monitor
from tests.followup.followup_vignette_builder import load_vignettes, vignette_record

NOW = datetime(2026, 11, 29, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # fixed: no today
BY_ID = {v["id"]: v for v in load_vignettes()}


def _assess(vignette_id: str) -> tuple[dict, PatientContext]:
    record = vignette_record(BY_ID[vignette_id], NOW)
    ctx = PatientContext.from_stored(record.patient["id"], record, today=NOW.date())
    return assess_record(record, NOW), ctx


@pytest.mark.parametrize(
    ("vignette_id", "code", "clinician_words", "patient_words"),
    [
        (
            "lab-inr-high",
            "inr-high",
            "需停用或减量华法林",
            "INR 6.2（≥5），明显高于目标范围，出血风险增加：请不要自行停药或改变剂量，医生会尽快联系您",
        ),
        (
            "adh-stopped-warfarin",
            "adherence-stopped-critical",
            "患者自行停用关键药物",
            "这类药需要按医嘱坚持服用：请不要自行停药或改变剂量，医生会尽快联系您",
        ),
    ],
)
def test_reply_has_patient_wording_and_is_released(
    vignette_id: str, code: str, clinician_words: str, patient_words: str
) -> None:
    assessment, ctx = _assess(vignette_id)
    reason = next(r for r in assessment["reasons"] if r["code"] == code)
    assert clinician_words in reason["text"]  # the care team keeps its own wording
    reply = assessment_text(assessment)
    assert clinician_words not in reply and "患者" not in reply
    assert patient_words in reply
    assert reply.endswith("请在24小时内就诊（联系随访团队或到门诊/急诊）。")
    structured = {
        "route": "followup",
        "assessment": json.loads(json.dumps(assessment, default=str)),
        "intent": "symptom_report",
    }
    result = run_monitor(reply, ctx, structured)
    assert result.action == "release", [f.as_dict() for f in result.findings]


def test_the_medicine_the_patient_stopped_is_named_from_the_rule_text() -> None:
    reason = {
        "code": "adherence-stopped-critical",
        "text": "患者自行停用关键药物（利伐沙班片），需医生尽快联系",
    }
    assert patient_reason_text(reason).startswith("您反映没有按医嘱服用利伐沙班片，")


def test_an_unknown_medication_change_instruction_gets_the_generic_patient_sentence() -> None:
    reason = {"code": "some-new-rule", "text": "血钾6.1mmol/L，需减量螺内酯"}
    assert patient_reason_text(reason) == generic_patient_text()
    assert "请不要自行停药或改变剂量" in generic_patient_text()


def test_other_reasons_keep_their_own_text() -> None:
    reason = {"code": "temp-fever", "text": "体温38.4℃，发热"}
    assert patient_reason_text(reason) == "体温38.4℃，发热"


def test_unrecognised_words_reach_the_patient_in_patient_wording() -> None:
    """#15: the safety-net reason quotes the patient's words for the care team ("患者报告的不适未能
    自动识别：…"); the patient gets safe wording instead (passed to your care team, contact within
    24 h, 120 if worse), said once by the timeframe, and the real output monitor releases it."""
    assessment, ctx = _assess("text-unrecognised")
    reason = next(r for r in assessment["reasons"] if r["code"] == "symptom-unrecognised")
    assert "患者报告的不适未能自动识别" in reason["text"]
    assert "右边腰上一跳一跳的怪怪的" in reason["text"]  # the care team keeps the quoted words
    assert patient_reason_text(reason) == ""  # the timeframe says it, once
    reply = assessment_text(assessment)
    assert "患者" not in reply and "未能自动识别" not in reply
    assert "随访医护人员" in reply
    assert reply.count("24小时内") == 1 and reply.count("120") == 1
    structured = {
        "route": "followup",
        "assessment": json.loads(json.dumps(assessment, default=str)),
        "intent": "symptom_report",
    }
    result = run_monitor(reply, ctx, structured)
    assert result.action == "release", [f.as_dict() for f in result.findings]
