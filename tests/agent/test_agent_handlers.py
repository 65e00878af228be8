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
