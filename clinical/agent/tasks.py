from __future__ import annotations

from celery import shared_task

from ammed_fhir import store
from clinical.agent import services


def patient_text(comm: dict) -> tuple[str, str] | None:
    """(patient_id, text) when ``comm`` was sent by its own subject patient, else None."""
    subject = (comm.get("subject") or {}).get("reference", "")
    sender = (comm.get("sender") or {}).get("reference", "")
    if not subject.startswith("Patient/") or sender != subject:
        return None
    if comm.get("status") not in {"completed", "in-progress"}:
        return None
    text = "".join(
        p.get("contentString", "") for p in comm.get("payload") or [] if "contentString" in p
    ).strip()
    return (subject.split("/", 1)[1], text) if text else None


@shared_task(ignore_result=True)
def answer_communication(communication_id: str) -> None:
    """Answer a patient-sent Communication once (idempotent on its id)."""
    comm = store.read("Communication", communication_id)
    if comm is None:
        return
    found = patient_text(comm)
    if found is None:
        return
    patient_id, text = found
    services.handle_message(
        patient_id, text, source="fhir", source_ref=f"Communication/{communication_id}"
    )
