"""The change handler enqueues work only for Communications the patient sent."""

from __future__ import annotations

import pytest

from ammed_fhir import store
from ammed_fhir.events import Change
from clinical.agent import handlers, tasks


def _comm(cid: str, sender: str) -> dict:
    return {
        "resourceType": "Communication",
        "id": cid,
        "status": "completed",
        "subject": {"reference": "Patient/p1"},
        "sender": {"reference": sender},
        "payload": [{"contentString": "你好"}],
    }


@pytest.mark.django_db
def test_only_patient_sent_communications_become_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    store.write({"resourceType": "Patient", "id": "p1"})
    store.write(_comm("from-patient", "Patient/p1"))
    store.write(_comm("from-ammed", "Device/ammed"))
    store.write(_comm("from-other-patient", "Patient/p2"))
    queued: list[str] = []
    monkeypatch.setattr(tasks.answer_communication, "delay", queued.append)

    handlers.on_resources_changed(
        [
            Change("Communication", cid, 1, "p1", "create")
            for cid in ("from-patient", "from-ammed", "from-other-patient", "missing")
        ]
        + [Change("Communication", "from-patient", 2, "p1", "update")]
    )

    assert queued == ["from-patient"]


@pytest.mark.django_db
def test_the_gates_own_messages_are_not_even_looked_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """A morning peak's reminders carry origin "ammed": no query, no task."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    queued: list[str] = []
    monkeypatch.setattr(tasks.answer_communication, "delay", queued.append)
    with CaptureQueriesContext(connection) as queries:
        handlers.on_resources_changed(
            [Change("Communication", f"dose-{i}", 1, "p1", "create", "ammed") for i in range(50)]
        )
    assert queued == [] and len(queries) == 0


@pytest.mark.django_db
def test_gate_writes_are_published_with_origin_ammed(monkeypatch: pytest.MonkeyPatch) -> None:
    from ammed_fhir import events
    from clinical.monitor import gate

    published: list[list[Change]] = []
    monkeypatch.setattr(events, "publish_on_commit", published.append)
    store.write({"resourceType": "Patient", "id": "p1"})
    gate.submit_many(
        [gate.OutgoingMessage(patient_id="p1", text="请按时复诊。", category="followup")]
    )
    comms = [c for batch in published for c in batch if c.resource_type == "Communication"]
    assert comms and {c.origin for c in comms} == {"ammed"}
    assert Change(**comms[0].as_dict()) == comms[0]  # survives the Celery round trip
