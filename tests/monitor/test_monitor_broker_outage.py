"""A clinician's approval with the Celery broker unreachable: 200, the message released,
its change event and its send kept for the sweeps (never a 500 after commit)."""

from __future__ import annotations

import pytest
from ammed_monitor_helpers import client_for, load_demo, post_json
from broker_outage import broker_unreachable, closed_port

from ammed_fhir import outbox, store
from clinical.monitor import gate
from clinical.monitor.models import Review, ReviewStatus
from clinical.orders.models import Delivery, DeliveryState
from clinical.orders.services import delivery

UNSAFE = "您的头孢呋辛剩下的留着下次感冒再吃。"


@pytest.mark.django_db(transaction=True)
def test_an_approval_with_the_broker_down_answers_200_and_the_sweeps_catch_up(
    settings, caplog
) -> None:
    settings.AMMED_CHANNELS = ["inbox", "webhook"]
    settings.AMMED_WEBHOOK_URL = f"http://127.0.0.1:{closed_port()}/hook"
    settings.AMMED_WEBHOOK_SECRET = "test-secret"
    load_demo()
    gate.submit(
        gate.OutgoingMessage(
            patient_id="demo-surgery", text=UNSAFE, category="guidance", idempotency_key="down-r"
        )
    )
    review = Review.objects.get(communication_id="down-r")
    outbox.drain()  # what was written so far is dispatched: only the approval's event is left

    with broker_unreachable():
        resp = post_json(client_for("dr_wang"), f"/api/v1/reviews/{review.pk}/approve", {})
    assert resp.status_code == 200, resp.content
    assert "broker unreachable" in caplog.text and UNSAFE not in caplog.text
    review.refresh_from_db()
    assert review.status == ReviewStatus.APPROVED
    assert store.read("Communication", "down-r")["status"] == "completed"
    send = Delivery.objects.get(communication_id="down-r", channel="webhook")
    assert send.state == DeliveryState.PENDING and send.attempts == 0  # waiting, not lost
    assert outbox.pending().count() == 1

    # The broker is back (eager): beat's sweeps find both.
    assert outbox.drain() == 1
    assert delivery.reclaim_and_enqueue() >= 1
    send.refresh_from_db()
    assert send.attempts == 1  # tried (the test's webhook is closed too, so it backs off)
