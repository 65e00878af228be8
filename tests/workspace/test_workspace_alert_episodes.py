"""Alert episodes: one open alert per patient carrying every reason (in Chinese) and the
highest severity; a more severe reason escalates it and notifies again; a new finding after
handling opens a new episode; a finding never alerts twice."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from workspace_helpers import PATIENT, client_for
from workspace_helpers import demo_db as demo_db

from ammed_fhir import store
from clinical.followup.models import AlertRecord, Assessment
from clinical.followup.services.runs import send_alerts
from clinical.workspace.alerts import acknowledge, handle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_db")]

FEVER_WOUND = {
    "code": "postop-fever-wound",
    "disposition": "urgent",
    "text": "术后第5天发热38.6℃并伴伤口红肿/渗液，警惕手术部位感染",
    "evidence": ["Observation/ep-temp-1", "Observation/ep-wound-1"],
}
FEVER = {
    "code": "postop-fever",
    "disposition": "urgent",
    "text": "术后第5天体温38.6℃（≥38.0℃），需评估感染",
    "evidence": ["Observation/ep-temp-1"],
}
PUS = {
    "code": "postop-wound-pus",
    "disposition": "urgent",
    "text": "术后第5天伤口流脓、渗液或裂开",
    "evidence": ["Observation/ep-wound-1"],
}
CHEST_PAIN = {
    "code": "redflag-chest-pain",
    "disposition": "emergency",
    "text": "患者报告胸痛，需排除急性冠脉综合征、肺栓塞等急症",
    "evidence": ["Observation/ep-chest-1"],
}
CALF = {
    "code": "postop-calf-swelling",
    "disposition": "urgent",
    "text": "术后第6天小腿肿痛，警惕深静脉血栓",
    "evidence": ["Observation/ep-calf-1"],
}


def _run(*reasons: dict) -> tuple[list[AlertRecord], Assessment]:
    top = "emergency" if any(r["disposition"] == "emergency" for r in reasons) else "urgent"
    result = {"disposition": top, "timeframe": {"text": "24小时内"}, "reasons": list(reasons)}
    a = Assessment.objects.create(patient_id=PATIENT, disposition=top, result=result)
    return send_alerts(PATIENT, "张伟", result, a), a


def _care_team_messages() -> list[str]:
    return [
        c["payload"][0]["contentString"]
        for c in store.search("Communication", patient_id=PATIENT)
        if c["category"][0]["coding"][0]["code"] == "alert"
        and "随访警报" in c["payload"][0]["contentString"]
    ]


def test_related_reasons_of_one_assessment_are_one_alert_with_every_reason():
    (alert,) = _run(FEVER_WOUND, FEVER, PUS)[0]
    assert AlertRecord.objects.filter(patient_id=PATIENT).count() == 1
    alert.refresh_from_db()
    assert alert.disposition == "urgent"
    assert [r["code"] for r in alert.reasons] == [
        "postop-fever-wound",
        "postop-fever",
        "postop-wound-pus",
    ]
    assert alert.reason_texts[2] == "术后第5天伤口流脓、渗液或裂开"
    (msg,) = _care_team_messages()
    assert "发热38.6℃" in msg and "流脓" in msg


def test_a_more_severe_reason_escalates_the_open_alert_and_notifies_again():
    from django.contrib.auth import get_user_model

    (alert,) = _run(FEVER_WOUND)[0]
    acknowledge(get_user_model().objects.get(username="nurse_li"), [alert.pk])
    escalated, a2 = _run(CHEST_PAIN)
    assert [e.pk for e in escalated] == [alert.pk]
    alert.refresh_from_db()
    assert AlertRecord.objects.filter(patient_id=PATIENT).count() == 1
    assert alert.disposition == "emergency" and alert.reason_code == "redflag-chest-pain"
    assert alert.escalated_at is not None and alert.assessment_id == a2.pk
    assert alert.acknowledged_at is None  # the escalation is unseen until acknowledged again
    assert [r["code"] for r in alert.reasons] == ["redflag-chest-pain", "postop-fever-wound"]
    first, second = sorted(_care_team_messages(), key=lambda t: "升级" in t)
    assert "升级" not in first and "【随访警报升级】" in second
    assert "24小时内就诊 → 立即急诊" in second and "发热38.6℃" in second  # earlier reason kept
    page = client_for("dr_wang").get("/admin/followup/alertrecord/").text
    assert "胸痛" in page and "发热38.6℃" in page and "已升级，未确认" in page
    detail = client_for("dr_wang").get(f"/admin/followup/alertrecord/{alert.pk}/change/").text
    assert "各项原因" in detail and "立即急诊" in detail and "Observation/ep-chest-1" in detail
    assert client_for("nurse_zhao").get(
        f"/admin/followup/alertrecord/{alert.pk}/change/"
    ).status_code in (302, 404)


def test_a_new_reason_of_the_same_severity_joins_without_a_new_message():
    (alert,) = _run(FEVER_WOUND)[0]
    assert _run(CALF)[0] == []
    alert.refresh_from_db()
    assert alert.disposition == "urgent" and alert.escalated_at is None
    assert {r["code"] for r in alert.reasons} == {"postop-fever-wound", "postop-calf-swelling"}
    assert len(_care_team_messages()) == 1


def test_new_reason_clears_acknowledgement_but_a_repeat_does_not():
    from django.contrib.auth import get_user_model

    nurse = get_user_model().objects.get(username="nurse_li")
    (alert,) = _run(FEVER_WOUND)[0]
    acknowledge(nurse, [alert.pk])
    _run({**FEVER_WOUND, "evidence": ["Observation/ep-temp-2", "Observation/ep-wound-1"]})
    alert.refresh_from_db()
    assert alert.acknowledged_by == nurse and alert.repeats == 1
    assert "Observation/ep-temp-2" in alert.reasons[0]["evidence"]
    _run(CALF)
    alert.refresh_from_db()
    assert alert.acknowledged_at is None and alert.acknowledged_by is None


def test_after_handling_a_new_finding_opens_a_new_episode_and_an_old_one_stays_quiet():
    from django.contrib.auth import get_user_model

    doctor = get_user_model().objects.get(username="dr_wang")
    (first,) = _run(FEVER_WOUND)[0]
    assert handle(doctor, [first.pk], "已电话随访，安排换药") == 1
    assert _run(FEVER_WOUND)[0] == []  # the same finding was handled: no alert
    (second,) = _run({**FEVER_WOUND, "evidence": ["Observation/ep-temp-9"]})[0]
    assert second.pk != first.pk
    assert list(
        AlertRecord.objects.filter(patient_id=PATIENT, handled_at__isnull=True).values_list(
            "pk", flat=True
        )
    ) == [second.pk]


def test_the_database_allows_one_open_alert_per_patient():
    _run(FEVER_WOUND)
    with pytest.raises(IntegrityError), transaction.atomic():
        AlertRecord.objects.create(
            patient_id=PATIENT, finding_key="dup-ep", reason_code="x", disposition="urgent"
        )
