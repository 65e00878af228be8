"""Dose acknowledgements against the REAL adherence engine (clinical.orders, issue 4).

``clinical.orders.services.adherence`` is imported plainly (it used to be importorskip'd): it
is the project's own module, so a broken import must fail this file, not skip it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

import clinical.orders.services.adherence  # noqa: F401  (a broken import fails, never skips)
from clinical.agent.models import AgentMessage

URL = "/api/v1/patients/{}/messages"


@pytest.mark.django_db
def test_dose_ack_answers_the_open_warfarin_reminder(patient_client) -> None:
    from clinical.orders.models import DoseReminder, ReminderState, Response

    DoseReminder.objects.filter(patient_id="demo-surgery").delete()  # only ours below
    rem = DoseReminder.objects.create(
        key="agent-test-warfarin",
        patient_id="demo-surgery",
        request_id="surgery-mr-warfarin",
        medication="华法林钠片 3mg",
        dose_text="3mg",
        due_at=timezone.now() - timedelta(hours=1),
        state=ReminderState.RELEASED,
    )
    out = patient_client.post(
        URL.format("demo-surgery"), {"text": "今天的华法林吃过了"}, format="json"
    ).json()
    assert (out["route"], out["outcome"], out["status"]) == ("adherence", "recorded", "released")
    assert out["reply"] == "好的，已记录您服用了华法林。"
    rem.refresh_from_db()
    assert rem.response == Response.TAKEN and rem.responded_at is not None
    reply = AgentMessage.objects.get(pk=out["reply_id"])
    assert reply.structured["recorded_by"] == "orders"
    assert reply.structured["adherence"] == {
        "reminder": "agent-test-warfarin",
        "medication_request": "MedicationRequest/surgery-mr-warfarin",
        "medication": "华法林钠片 3mg",
        "response": "taken",
        "changed": True,
    }

    # the dose is answered: a second "吃过了" finds no open reminder and changes nothing
    again = patient_client.post(
        URL.format("demo-surgery"), {"text": "华法林吃过了"}, format="json"
    ).json()
    assert again["outcome"] == "recorded"
    assert AgentMessage.objects.get(pk=again["reply_id"]).structured["recorded_by"] == "agent"
    assert DoseReminder.objects.filter(patient_id="demo-surgery", response="taken").count() == 1


@pytest.mark.django_db
def test_a_reminder_due_tomorrow_is_not_answered_today(patient_client) -> None:
    from clinical.orders.models import DoseReminder, ReminderState

    DoseReminder.objects.filter(patient_id="demo-surgery").delete()
    rem = DoseReminder.objects.create(
        key="agent-test-tomorrow",
        patient_id="demo-surgery",
        request_id="surgery-mr-warfarin",
        medication="华法林钠片 3mg",
        due_at=timezone.now() + timedelta(hours=20),
        state=ReminderState.RELEASED,
    )
    out = patient_client.post(
        URL.format("demo-surgery"), {"text": "华法林吃过了"}, format="json"
    ).json()
    assert AgentMessage.objects.get(pk=out["reply_id"]).structured["recorded_by"] == "agent"
    rem.refresh_from_db()
    assert rem.response == ""
