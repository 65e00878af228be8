"""Clinicians read a syndrome's clinician wording; the patient never does (#15 task D).

The shared syndrome table gives each rule a patient ``text`` and a ``clinician`` wording (what
is suspected and why). A follow-up reason from a syndrome carries both; the places clinicians
read reasons (worklist, patient timeline, alert episodes, the care-team message, the admin
table) show the clinician wording, and the agent's patient reply keeps the patient wording.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from followup_vignette_builder import assess_vignette

from clinical.agent.routes.followup import assessment_text
from clinical.followup.services.rules.base import clinician_text
from clinical.knowledge import syndromes

THYROID = {"days_ago": 3, "text": "甲状腺全切术", "snomed": "13619001"}


def _rule(code: str) -> dict:
    return next(r for r in syndromes.rules() if r["code"] == code)


def _assess(words: str) -> dict:
    now = timezone.now()
    v = {"id": "cw1", "age": 45, "sex": "female", "surgery": THYROID}
    v["survey"] = [["症状描述", words, 1]]
    return assess_vignette(v, now)


def test_a_syndrome_reason_carries_the_clinician_wording_and_keeps_the_patient_text():
    out = _assess("嘴唇发麻")
    reason = next(r for r in out["reasons"] if r["code"] == "syndrome-hypocalcaemia")
    rule = _rule("syndrome-hypocalcaemia")
    assert reason["clinician"].startswith(rule["clinician"].split("{labels}")[0])
    assert reason["text"].startswith(rule["text"].split("{labels}")[0])
    assert reason["clinician"] != reason["text"]


def test_the_patient_reply_never_contains_the_clinician_wording():
    out = _assess("嘴唇发麻，手脚抽筋")
    reply = assessment_text(out)
    clinician = [r["clinician"] for r in out["reasons"] if r.get("clinician")]
    assert clinician and reply
    assert not any(c in reply for c in clinician), reply


def test_reasons_without_clinician_wording_are_read_as_they_are():
    assert clinician_text({"code": "x", "text": "体温38.6℃"}) == "体温38.6℃"
    assert clinician_text({"code": "x", "text": "t", "clinician": "c"}) == "c"
    assert clinician_text({"code": "only-code"}) == "only-code"


# --- where clinicians read reasons --------------------------------------------------------------

CLINICIAN = "甲状腺/甲状旁腺术后疑似低钙血症：口周/指尖发麻"
PATIENT_TEXT = "甲状腺/甲状旁腺术后出现口周/指尖发麻，可能是低钙血症：请按医嘱口服钙片"


@pytest.fixture
def surgery_patient(db):
    from clinical.followup.models import AlertRecord, Assessment, FollowupState
    from tests.workspace.workspace_helpers import PATIENT, load_demo

    load_demo()
    reason = {
        "code": "syndrome-hypocalcaemia",
        "disposition": "urgent",
        "text": PATIENT_TEXT,
        "clinician": CLINICIAN,
        "evidence": [],
    }
    a = Assessment.objects.create(
        patient_id=PATIENT, disposition="urgent", result={"reasons": [reason]}
    )
    FollowupState.objects.update_or_create(
        patient_id=PATIENT,
        defaults={"disposition": "urgent", "assessed": timezone.now(), "assessment": a},
    )
    from clinical.followup.services.runs import _reason_entry

    AlertRecord.objects.create(
        patient_id=PATIENT,
        finding_key="cw-1",
        reason_code="syndrome-hypocalcaemia",
        disposition="urgent",
        assessment=a,
        reasons=[_reason_entry(reason, timezone.now())],
    )
    return PATIENT


def test_the_worklist_and_the_alert_show_the_clinician_wording(surgery_patient):
    from clinical.workspace import worklist

    user = get_user_model().objects.get(username="dr_wang")
    row = next(r for r in worklist.build(user) if r.patient_id == surgery_patient)
    assert row.reasons == [CLINICIAN]
    assert CLINICIAN in row.open_alerts[0] and PATIENT_TEXT not in row.open_alerts[0]


def test_the_patient_timeline_shows_the_clinician_wording(surgery_patient):
    from clinical.workspace.patient_page import timeline

    user = get_user_model().objects.get(username="dr_wang")
    texts = [i["text"] for i in timeline(surgery_patient, user) if i.get("kind") == "随访评估"]
    assert any(CLINICIAN in t for t in texts), texts
