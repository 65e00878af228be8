"""Alerts: one per episode (repeats counted), acknowledged and handled by an assigned
clinician (audited), never by the outsider; labels in Chinese."""

from __future__ import annotations

import pytest
from workspace_helpers import PATIENT, client_for
from workspace_helpers import demo_db as demo_db

from ammed_fhir.models import AuditRecord
from clinical.followup.models import AlertRecord, Assessment
from clinical.followup.services.runs import send_alerts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_db")]
TEXT = "术后第5天发热38.6℃并伴伤口红肿/渗液，警惕手术部位感染"


def _assess(evidence: str) -> tuple[Assessment, dict]:
    reason = {
        "code": "postop-fever-wound",
        "disposition": "urgent",
        "text": TEXT,
        "evidence": [evidence],
    }
    result = {"disposition": "urgent", "timeframe": {"text": "24小时内"}, "reasons": [reason]}
    a = Assessment.objects.create(patient_id=PATIENT, disposition="urgent", result=result)
    return a, result


def test_same_reason_while_open_is_one_episode_then_a_new_one_after_handling():
    a, result = _assess("Observation/t1")
    assert len(send_alerts(PATIENT, "张伟", result, a)) == 1
    a2, result2 = _assess("Observation/t2")  # a new reading: near-duplicate
    assert send_alerts(PATIENT, "张伟", result2, a2) == []
    alert = AlertRecord.objects.get(patient_id=PATIENT)
    assert alert.repeats == 1 and alert.last_seen is not None
    client_for("nurse_li").post(
        "/admin/followup/alertrecord/", {"action": "handle", "_selected_action": [alert.pk]}
    )
    a3, result3 = _assess("Observation/t3")
    assert len(send_alerts(PATIENT, "张伟", result3, a3)) == 1


@pytest.mark.parametrize(("persona", "handles"), [("nurse_li", True), ("nurse_zhao", False)])
def test_acknowledge_and_handle_record_who_and_are_audited(persona, handles):
    a, result = _assess("Observation/h1")
    (alert,) = send_alerts(PATIENT, "张伟", result, a)
    alert = AlertRecord.objects.get(finding_key=alert.finding_key)
    c = client_for(persona)
    c.post(
        "/admin/followup/alertrecord/", {"action": "acknowledge", "_selected_action": [alert.pk]}
    )
    c.post("/admin/followup/alertrecord/", {"action": "handle", "_selected_action": [alert.pk]})
    alert.refresh_from_db()
    assert (alert.handled_by is not None and alert.handled_by.username == persona) is handles
    assert AuditRecord.objects.filter(action="alert.handle", actor_name=persona).exists() is handles


def test_alert_list_shows_chinese_reason_and_state():
    a, result = _assess("Observation/l1")
    send_alerts(PATIENT, "张伟", result, a)
    page = client_for("dr_wang").get("/admin/followup/alertrecord/").text
    assert TEXT in page and "未确认" in page and "postop-fever-wound" not in page


def test_open_alerts_come_before_handled_ones_most_severe_first():
    """The clinician's queue: what is still open comes first (PostgreSQL sorts a missing
    handling time last by default), the most severe open alert at the top."""
    from django.utils import timezone

    def alert(key: str, disposition: str, handled: bool, patient: str = PATIENT) -> AlertRecord:
        return AlertRecord.objects.create(
            patient_id=patient,
            finding_key=key,
            reason_code="postop-fever-wound",
            disposition=disposition,
            reasons=[{"code": "postop-fever-wound", "text": TEXT, "disposition": disposition}],
            handled_at=timezone.now() if handled else None,
        )

    done = alert("o-done", "emergency", handled=True)
    review = alert("o-review", "review", handled=False, patient="demo-htn-dm")
    urgent = alert("o-urgent", "urgent", handled=False)
    page = client_for("dr_wang").get("/admin/followup/alertrecord/")
    order = [a.pk for a in page.context["cl"].result_list]
    assert order.index(urgent.pk) < order.index(review.pk) < order.index(done.pk), order
