"""FHIR Communications sent *by the patient* (pushed by the EMR or a patient app) are
answered like API messages. Thin: pick the relevant changes, enqueue a task per message."""

from __future__ import annotations

from ammed_fhir.events import OWN, Change
from ammed_fhir.models import Resource


def patient_sent_ids(communication_ids: list[str]) -> list[str]:
    """The ids among ``communication_ids`` whose sender is their own subject patient.

    One query for the whole change batch: AM-Med's own messages (reminders, replies,
    alerts; a morning peak brings 100,000 of them in one batch) never become tasks.
    """
    if not communication_ids:
        return []
    rows = Resource.objects.filter(
        resource_type="Communication", resource_id__in=communication_ids
    ).values_list("resource_id", "data__sender__reference", "data__subject__reference")
    return [
        rid
        for rid, sender, subject in rows
        if isinstance(subject, str) and subject.startswith("Patient/") and sender == subject
    ]


def on_resources_changed(changes: list[Change]) -> None:
    from clinical.agent.tasks import answer_communication

    created = [
        c.resource_id
        for c in changes
        # AM-Med's own messages (a morning peak writes 100,000) are never the patient's
        if c.resource_type == "Communication" and c.action == "create" and c.origin != OWN
    ]
    for communication_id in patient_sent_ids(created):
        answer_communication.delay(communication_id)


def on_released(communication: dict) -> None:
    """A held reply a clinician released: the conversation shows it as sent, with the text
    the patient actually got (an edit included). Runs inside the releasing transaction."""
    from clinical.agent.models import AgentMessage

    codes = {
        coding.get("code")
        for concept in communication.get("category") or []
        for coding in (concept.get("coding") or [] if isinstance(concept, dict) else [])
        if isinstance(coding, dict)
    }
    if "agent" not in codes:
        return  # reminders, alerts...: no conversation row (no query at a morning peak)
    payload = communication.get("payload") or [{}]
    text = payload[0].get("contentString") if isinstance(payload[0], dict) else None
    update: dict = {"status": AgentMessage.Status.RELEASED}
    if text:
        update["text"] = text
    AgentMessage.objects.filter(
        communication_id=communication.get("id", ""), status=AgentMessage.Status.HELD
    ).update(**update)
