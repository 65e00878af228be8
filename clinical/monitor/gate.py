"""The single door for every message AM-Med sends (contract shared by all apps).

Patient-facing text goes through ``submit()``: the output monitor (issue 7) checks it and
either releases it (Communication ``completed``, delivered to channels) or holds it
(Communication ``on-hold`` awaiting clinician review). Care-team alerts go through
``alert_care_team()``. Delivery to channels (webhook/email/inbox) happens in release
handlers registered with ``register_release_handler()``, which write their outbox in the
releasing transaction; nothing is delivered unless released.

The monitor itself lives in ``clinical.monitor.engine`` (checks in ``checks/``), the
workflow (hold queue, sign-off, escalation) in ``clinical.monitor.services``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from ammed_fhir import store
from ammed_fhir.models import PatientAssignment, PractitionerAccount

Category = Literal["reminder", "guidance", "diet", "careplan", "followup", "agent", "alert"]

_RELEASE_HANDLERS: list[str] = []


@dataclass
class OutgoingMessage:
    """A message AM-Med wants to send. ``structured`` is the engine result the text came from."""

    patient_id: str
    text: str
    category: Category
    about: list[str] = field(default_factory=list)  # FHIR references, e.g. "MedicationRequest/1"
    structured: dict[str, Any] | None = None
    idempotency_key: str | None = None
    recipients: list[str] = field(default_factory=list)  # default: the patient


@dataclass
class GateResult:
    action: Literal["release", "hold"]
    communication: dict[str, Any]
    findings: list[dict[str, Any]] = field(default_factory=list)


def register_release_handler(dotted_path: str) -> None:
    """Register ``f(communication: dict) -> None``, called for each released message inside
    the transaction that releases it (see ``notify_released``)."""
    if dotted_path not in _RELEASE_HANDLERS:
        _RELEASE_HANDLERS.append(dotted_path)


def notify_released(communication: dict[str, Any]) -> None:
    """Run the release handlers now, inside the releasing transaction (a transactional
    outbox): what a handler writes (the delivery outbox rows) commits or rolls back with the
    release itself, so a committed release always has its deliveries and a rolled-back one
    has none. Handlers defer anything outside the database (enqueueing a send) with
    ``transaction.on_commit``."""
    for path in _RELEASE_HANDLERS:
        import_string(path)(communication)


def build_communication(
    msg: OutgoingMessage, comm_id: str, status: str, sent: str | None = None
) -> dict[str, Any]:
    """The FHIR Communication for ``msg`` (``sent``, default now, only when ``completed``)."""
    comm: dict[str, Any] = {
        "resourceType": "Communication",
        "id": comm_id,
        "status": status,
        "category": [
            {
                "coding": [
                    {
                        "system": "https://ammed.example/fhir/CodeSystem/message-category",
                        "code": msg.category,
                    }
                ]
            }
        ],
        "subject": {"reference": f"Patient/{msg.patient_id}"},
        "recipient": [{"reference": r} for r in (msg.recipients or [f"Patient/{msg.patient_id}"])],
        "sender": {"display": "AM-Med 随访系统"},
        "payload": [{"contentString": msg.text}],
    }
    if msg.about:
        comm["about"] = [{"reference": r} for r in msg.about]
    if status == "completed":
        comm["sent"] = sent or timezone.now().isoformat()
    return comm


def submit(msg: OutgoingMessage) -> GateResult:
    """Check an outgoing patient message with the output monitor and record it.

    release: Communication ``completed`` with ``sent``; release handlers (the delivery
    outbox) run in the same transaction, sends go out on commit. hold: Communication
    ``on-hold`` + a pending review + an alert to the assigned clinicians; nothing is delivered
    until a clinician approves. Same ``idempotency_key`` → the same Communication and result,
    never a duplicate.
    """
    from clinical.monitor import services

    return services.submit(msg)


def submit_many(msgs: list[OutgoingMessage], *, fresh: bool = False) -> list[GateResult]:
    """``submit`` for many messages at once (same guarantees, results in order): one bulk
    Communication write and one change event for the batch; release handlers run in the
    transaction for each released message only. Raises ``FhirValidationError`` (nothing
    written) when a new Communication is invalid. ``fresh``: the keys are known to be new,
    skip looking them up (a key that exists after all is still answered from the store)."""
    from clinical.monitor import services

    return services.submit_many(msgs, fresh=fresh)


def care_team_practitioners(patient_id: str) -> list[str]:
    """FHIR Practitioner references of the clinicians assigned to ``patient_id``."""
    user_ids = PatientAssignment.objects.filter(patient_id=patient_id).values_list(
        "user_id", flat=True
    )
    return [
        f"Practitioner/{pid}"
        for pid in PractitionerAccount.objects.filter(user_id__in=user_ids).values_list(
            "practitioner_id", flat=True
        )
    ]


@transaction.atomic
def alert_care_team(
    patient_id: str,
    text: str,
    *,
    reason: str,
    about: list[str] | None = None,
    key: str | None = None,
    priority: str | None = None,
) -> dict[str, Any]:
    """Alert the patient's care team (not patient-facing): a Communication to the assigned
    clinicians' Practitioners, delivered through the release handlers (configured channel).
    ``priority``: FHIR request-priority (routine | urgent | asap | stat), when the caller knows it."""
    from clinical.monitor.services import communication_id

    practitioners = care_team_practitioners(patient_id)
    msg = OutgoingMessage(
        patient_id=patient_id,
        text=text,
        category="alert",
        about=about or [],
        structured={"reason": reason},
        idempotency_key=key,
        recipients=practitioners,
    )
    comm = build_communication(msg, communication_id(key), "completed")
    if priority:
        comm["priority"] = priority
    if not practitioners:
        # nobody assigned yet: never address a care-team alert to the patient
        comm.pop("recipient")
    comm = store.write(comm)
    notify_released(comm)
    return comm
