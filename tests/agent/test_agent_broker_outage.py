"""A patient's message with the Celery broker unreachable: 200 with the reply, the care
team's alert kept for the delivery sweep (never a 500 after commit)."""

from __future__ import annotations

import pytest
from broker_outage import broker_unreachable, closed_port

from ammed_fhir import outbox
from clinical.agent.models import AgentMessage
from clinical.orders.models import Delivery, DeliveryState
from clinical.orders.services import delivery

CHEST_PAIN = "胸口疼得厉害"


@pytest.mark.django_db(transaction=True)
def test_chest_pain_with_the_broker_down_answers_200_and_the_alert_is_kept(
    settings, patient_client, caplog
) -> None:
    settings.AMMED_CHANNELS = ["inbox", "webhook"]
    settings.AMMED_WEBHOOK_URL = f"http://127.0.0.1:{closed_port()}/hook"
    settings.AMMED_WEBHOOK_SECRET = "test-secret"
    outbox.drain()  # the demo data's events: dispatched before the outage

    with broker_unreachable():
        resp = patient_client.post(
            "/api/v1/patients/demo-surgery/messages", {"text": CHEST_PAIN}, format="json"
        )
    assert resp.status_code == 200, resp.content
    assert "broker unreachable" in caplog.text and CHEST_PAIN not in caplog.text
    reply = resp.json()
    assert reply["reply"] and reply["status"] in {"released", "held"}
    inbound = AgentMessage.objects.get(direction=AgentMessage.Direction.INBOUND)
    assert inbound.text == CHEST_PAIN
    sends = Delivery.objects.filter(channel="webhook", communication_id__startswith="agent-")
    assert sends.count() == 2 and set(sends.values_list("state", flat=True)) == {
        DeliveryState.PENDING
    }
    assert set(sends.values_list("attempts", flat=True)) == {0}  # waiting, not lost

    # The broker is back (eager): beat's sweeps find them (the webhook is closed too, so
    # each send is tried once and backs off).
    assert delivery.reclaim_and_enqueue() == 2
    assert set(sends.values_list("attempts", flat=True)) == {1}
    assert outbox.pending().count() >= 1
    outbox.drain()
    assert outbox.pending().count() == 0
