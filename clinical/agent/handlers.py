"""FHIR Communications sent *by the patient* (pushed by the EMR or a patient app) are
answered like API messages. Thin: pick the relevant changes, enqueue a task per message."""

from __future__ import annotations

from ammed_fhir.events import Change


def on_resources_changed(changes: list[Change]) -> None:
    from clinical.agent.tasks import answer_communication

    for change in changes:
        if change.resource_type == "Communication" and change.action == "create":
            answer_communication.delay(change.resource_id)
