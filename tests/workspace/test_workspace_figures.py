"""Figures clinicians read: released replies no longer held, a medication's own adherence in
its caption, no "Edited text: None" on a decided review, local time in the audit rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from workspace_helpers import PATIENT, client_for
from workspace_helpers import demo_db as demo_db

from ammed_fhir import store
from clinical.agent.models import AgentMessage
from clinical.monitor import services
from clinical.monitor.models import AuditEvent, Review
from clinical.orders.admin import adherence_chart
from clinical.orders.models import DoseReminder

CATEGORIES = "https://ammed.example/fhir/CodeSystem/message-category"
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_db")]


def _held_reply(key: str) -> Review:
    store.write(
        {
            "resourceType": "Communication",
            "id": key,
            "status": "on-hold",
            "category": [{"coding": [{"system": CATEGORIES, "code": "agent"}]}],
            "subject": {"reference": f"Patient/{PATIENT}"},
            "recipient": [{"reference": f"Patient/{PATIENT}"}],
            "payload": [{"contentString": "请按时复诊。"}],
        }
    )
    question = AgentMessage.objects.create(
        patient_id=PATIENT, direction="in", text="我什么时候复诊？", status="received"
    )
    AgentMessage.objects.create(
        patient_id=PATIENT,
        direction="out",
        text="请按时复诊。",
        status="held",
        communication_id=key,
        reply_to=question,
    )
    return Review.objects.create(
        communication_id=key, patient_id=PATIENT, category="agent", original_text="请按时复诊。"
    )


def test_a_released_reply_shows_as_sent_with_the_text_sent():
    review = _held_reply("fig-rel-1")
    doctor = get_user_model().objects.get(username="dr_wang")
    services.approve(review.pk, doctor, "请在下周一复诊。")
    reply = AgentMessage.objects.get(communication_id="fig-rel-1")
    assert reply.status == "released" and reply.text == "请在下周一复诊。"
    page = client_for("dr_wang").get("/admin/agent/agentmessage/?status__exact=held").text
    assert f"/admin/agent/agentmessage/{reply.pk}/change/" not in page


def test_review_page_shows_the_question_and_no_empty_decision_fields_once_decided():
    review = _held_reply("fig-rel-2")
    c = client_for("dr_wang")
    page = c.get(f"/admin/monitor/review/{review.pk}/change/").text
    assert "我什么时候复诊？" in page and "张伟" in page
    services.approve(review.pk, get_user_model().objects.get(username="dr_wang"), "改过的文字")
    page = c.get(f"/admin/monitor/review/{review.pk}/change/").text
    assert "Edited text" not in page and ">None<" not in page and "改过的文字" in page


def _doses(request_id: str, taken: int, total: int) -> None:
    now = timezone.now()
    for i in range(total):
        DoseReminder.objects.create(
            key=f"fig-{request_id}-{i}",
            patient_id=PATIENT,
            request_id=request_id,
            medication=request_id,
            due_at=now - dt.timedelta(days=1, hours=i),
            state="released",
            response="taken" if i < taken else "missed",
        )


def test_an_order_chart_is_captioned_with_its_own_adherence():
    _doses("华法林钠片", 1, 3)
    _doses("阿托伐他汀钙片", 3, 3)
    assert "该药依从性: 33%" in adherence_chart(PATIENT, "华法林钠片")
    assert "全部药物依从性: 67%" in adherence_chart(PATIENT)


def test_audit_rows_read_local_time():
    review = _held_reply("fig-rel-3")
    services.approve(review.pk, get_user_model().objects.get(username="dr_wang"))
    event = AuditEvent.objects.filter(review=review).last()
    assert str(event).startswith(f"{timezone.localtime(event.at):%Y-%m-%d %H:%M}")
