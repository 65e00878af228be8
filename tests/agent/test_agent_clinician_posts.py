"""A clinician posting in a patient's conversation (#17 item 7): the message is theirs
(``author``), a dose acknowledgement it records names them (``responded_by``, audit row
with the patient as ``on_behalf_of``), never the patient's own answer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ammed_fhir.models import AuditRecord
from clinical.agent.models import AgentMessage
from clinical.orders.models import DoseReminder, ReminderState, Response

URL = "/api/v1/patients/{}/messages"
pytestmark = pytest.mark.django_db


@pytest.fixture
def open_dose(demo_patients) -> DoseReminder:  # type: ignore[no-untyped-def]
    DoseReminder.objects.filter(patient_id="demo-surgery").delete()
    return DoseReminder.objects.create(
        key="agent-audit-warfarin",
        patient_id="demo-surgery",
        request_id="surgery-mr-warfarin",
        medication="华法林钠片 3mg",
        dose_text="3mg",
        due_at=timezone.now() - timedelta(hours=1),
        state=ReminderState.RELEASED,
    )


def test_a_nurses_ack_is_recorded_as_the_nurses(nurse_client, open_dose) -> None:
    out = nurse_client.post(URL.format("demo-surgery"), {"text": "华法林吃过了"}, format="json")
    assert out.status_code == 200 and out.json()["route"] == "adherence"
    inbound = AgentMessage.objects.get(pk=out.json()["message_id"])
    assert inbound.author is not None and inbound.author.username == "nurse_li"
    open_dose.refresh_from_db()
    assert open_dose.response == Response.TAKEN
    assert open_dose.responded_by == inbound.author
    rows = AuditRecord.objects.for_patient("demo-surgery")
    [posted] = rows.filter(action="conversation.message")
    [ack] = rows.filter(action="dose.ack")
    for row in (posted, ack):
        assert row.actor_name == "nurse_li" and row.role == "nurse"
        assert row.on_behalf_of == "Patient/demo-surgery"
    assert ack.before["response"] == "" and ack.after["response"] == "taken"


def test_the_patients_own_ack_is_theirs(patient_client, open_dose) -> None:
    out = patient_client.post(URL.format("demo-surgery"), {"text": "华法林吃过了"}, format="json")
    assert out.status_code == 200
    assert AgentMessage.objects.get(pk=out.json()["message_id"]).author is None
    open_dose.refresh_from_db()
    assert open_dose.response == Response.TAKEN and open_dose.responded_by is None
    assert not AuditRecord.objects.filter(action__in=["dose.ack", "conversation.message"])


def test_an_outsider_cannot_post_and_leaves_no_row(outsider_client, open_dose) -> None:
    out = outsider_client.post(URL.format("demo-surgery"), {"text": "华法林吃过了"}, format="json")
    assert out.status_code == 404
    open_dose.refresh_from_db()
    assert open_dose.response == ""
    assert not AuditRecord.objects.exists()
