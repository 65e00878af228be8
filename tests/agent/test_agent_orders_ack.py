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

    # Issue 21: a second "华法林吃过了" was asserted to be simply "recorded". The dose is
    # already taken, so this may be a double dose of an anticoagulant (bleeding): the patient
    # is asked whether they took it twice and told not to take more, nothing is recorded as a
    # further dose, and the care team gets one alert naming the dose.
    again = patient_client.post(
        URL.format("demo-surgery"), {"text": "华法林吃过了"}, format="json"
    ).json()
    assert (again["route"], again["outcome"], again["status"]) == (
        "adherence",
        "clarify",
        "released",
    )
    assert "又服用了一次吗" in again["reply"]
    assert "请不要再额外服用" in again["reply"]
    assert "联系您的医生或药师" in again["reply"] and "已通知您的医护团队" in again["reply"]
    structured = AgentMessage.objects.get(pk=again["reply_id"]).structured
    assert structured["recorded_by"] == "none"
    double = structured["possible_double_dose"]
    assert double["reminder"] == "agent-test-warfarin"
    assert double["critical_class"] == "anticoagulant"
    assert "华法林钠片说明书" in double["source"]
    assert DoseReminder.objects.filter(patient_id="demo-surgery", response="taken").count() == 1
    alerts = _alerts("demo-surgery")
    assert [f"Communication/{a['id']}" for a in alerts] == [double["alert"]]
    text = alerts[0]["payload"][0]["contentString"]
    assert text.startswith("【可能重复服药】") and "华法林钠片 3mg" in text
    assert alerts[0]["category"][0]["coding"][0]["code"] == "alert"

    # the same dose reported a third time: asked again, but the care team is alerted once
    third = patient_client.post(
        URL.format("demo-surgery"), {"text": "华法林吃过了"}, format="json"
    ).json()
    assert third["outcome"] == "clarify"
    assert len(_alerts("demo-surgery")) == 1


@pytest.mark.django_db
def test_a_repeat_ack_of_a_non_critical_medicine_is_only_kept(patient_client) -> None:
    """The double-dose question is for critical classes flagged in the data (anticoagulants):
    a repeat "taken" for cefuroxime (on her record, not critical) is kept in the history,
    with no alert."""
    from clinical.orders.models import DoseReminder, ReminderState, Response

    DoseReminder.objects.filter(patient_id="demo-surgery").delete()
    DoseReminder.objects.create(
        key="agent-test-cefuroxime",
        patient_id="demo-surgery",
        request_id="surgery-mr-cefuroxime",
        medication="头孢呋辛酯片 0.25g",
        due_at=timezone.now() - timedelta(hours=1),
        state=ReminderState.RELEASED,
        response=Response.TAKEN,
        responded_at=timezone.now(),
    )
    out = patient_client.post(
        URL.format("demo-surgery"), {"text": "头孢呋辛吃过了"}, format="json"
    ).json()
    assert (out["route"], out["outcome"], out["status"]) == ("adherence", "recorded", "released")
    assert AgentMessage.objects.get(pk=out["reply_id"]).structured["recorded_by"] == "agent"
    assert _alerts("demo-surgery") == []


def _alerts(patient_id: str) -> list[dict]:
    from ammed_fhir import store

    return [
        c
        for c in store.search("Communication", patient_id=patient_id)
        if c["category"][0]["coding"][0]["code"] == "alert"
    ]


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
