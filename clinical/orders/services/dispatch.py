"""Due doses → reminder Communications through the message gate.

Clinical invariants:
- Each dose is submitted at most once: rows are claimed with a conditional update, the
  Communication id is the dose's key, and the claim, the Communication and the state change
  commit together. A claim that never committed (worker killed) is reclaimed after
  ``AMMED_REMINDER_CLAIM_STALE_S`` and sent then, under the same key.
- A dose whose order is no longer scheduled (stopped, cancelled, flagged) is cancelled at
  claim time instead of sent.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ammed_fhir.validation import FhirValidationError
from clinical.monitor import gate
from clinical.orders.models import (
    DoseReminder,
    OrderSchedule,
    OrderStatus,
    PatientRoutine,
    ReminderState,
)
from clinical.orders.services import delivery

log = logging.getLogger(__name__)


def reminder_text(rem: DoseReminder, tz: str | None = None) -> str:
    """Patient-facing Chinese reminder text: drug, dose and instruction (patient's clock)."""
    local = timezone.localtime(rem.due_at, ZoneInfo(tz) if tz else None)
    parts = [f"【服药提醒】{local:%m月%d日 %H:%M} 请服用{rem.medication}"]
    if rem.dose_text:
        parts.append(f"，每次{rem.dose_text}")
    if rem.instruction:
        parts.append(f"，{rem.instruction}")
    parts.append("。服药后请点击“已服”告诉我们；如需推迟请点“稍后提醒”。")
    return "".join(parts)


def enqueue_due(now: dt.datetime | None = None, limit: int = 200_000) -> int:
    """Beat task body: reclaim stale claims and enqueue due pending doses in batches."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.AMMED_REMINDER_CLAIM_STALE_S)
    DoseReminder.objects.filter(state=ReminderState.CLAIMED, claimed_at__lt=stale).update(
        state=ReminderState.PENDING, enqueued_at=None
    )
    ids = list(
        DoseReminder.objects.filter(state=ReminderState.PENDING, due_at__lte=now)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
        .order_by("due_at")
        .values_list("id", flat=True)[:limit]
    )
    if not ids:
        return 0
    DoseReminder.objects.filter(id__in=ids).update(enqueued_at=now)
    from clinical.orders.tasks import send_reminders

    batch = settings.AMMED_REMINDER_BATCH
    chunks = [ids[i : i + batch] for i in range(0, len(ids), batch)]
    transaction.on_commit(lambda: [send_reminders.delay(chunk) for chunk in chunks])
    return len(ids)


def _message(rem: DoseReminder, tz: str | None) -> gate.OutgoingMessage:
    return gate.OutgoingMessage(
        patient_id=rem.patient_id,
        text=reminder_text(rem, tz),
        category="reminder",
        about=[f"MedicationRequest/{rem.request_id}"],
        structured={
            "drug": rem.medication,
            "dose": rem.dose_text,
            "instruction": rem.instruction,
            "time": rem.due_at.isoformat(),
        },
        idempotency_key=rem.key,
    )


def send_batch(ids: list[int]) -> dict[str, int]:
    """Claim the given due doses (one conditional update) and submit one reminder
    Communication per dose through one ``gate.submit_many`` call."""
    now = timezone.now()
    token = uuid.uuid4()
    claimed = DoseReminder.objects.filter(
        id__in=ids, state=ReminderState.PENDING, due_at__lte=now
    ).update(state=ReminderState.CLAIMED, claimed_at=now, communication_id=f"claim-{token}")
    counts = {"claimed": claimed, "submitted": 0, "cancelled": 0, "failed": 0}
    if not claimed:
        return counts
    rows = list(
        DoseReminder.objects.filter(
            id__in=ids, state=ReminderState.CLAIMED, communication_id=f"claim-{token}"
        )
    )
    live = set(
        OrderSchedule.objects.filter(
            request_id__in={r.request_id for r in rows}, status=OrderStatus.SCHEDULED
        ).values_list("request_id", flat=True)
    )
    zones = dict(
        PatientRoutine.objects.filter(patient_id__in={r.patient_id for r in rows}).values_list(
            "patient_id", "timezone"
        )
    )
    todo: list[tuple[DoseReminder, gate.OutgoingMessage]] = []
    for rem in rows:
        if rem.request_id not in live:
            rem.state = ReminderState.CANCELLED
            counts["cancelled"] += 1
            continue
        todo.append((rem, _message(rem, zones.get(rem.patient_id))))
    with delivery.collecting_releases() as released:
        with transaction.atomic():
            try:
                results = gate.submit_many([msg for _, msg in todo])
            except FhirValidationError:  # find the bad one(s): one message at a time
                results = []
                for rem, msg in todo:
                    try:
                        results.append(gate.submit(msg))
                    except FhirValidationError as exc:  # no message text in logs
                        log.error(
                            "reminder %s rejected: %d validation issues", rem.id, len(exc.issues)
                        )
                        results.append(None)
            for (rem, _), result in zip(todo, results, strict=True):
                if result is None:
                    rem.state = ReminderState.FAILED
                    counts["failed"] += 1
                    continue
                if result.communication["id"] != rem.key:  # contract: id = idempotency key
                    raise RuntimeError("gate did not keep the idempotency key as id")
                rem.state = ReminderState.SUBMITTED
                counts["submitted"] += 1
            # The gate names the Communication after the idempotency key (the dose key).
            for state in (ReminderState.SUBMITTED, ReminderState.CANCELLED, ReminderState.FAILED):
                done = [r.id for r in rows if r.state == state]
                if done:
                    DoseReminder.objects.filter(id__in=done).update(
                        state=state,
                        communication_id=F("key") if state == ReminderState.SUBMITTED else "",
                    )
        # The transaction committed: the gate's release handlers ran into ``released``.
    ids_to_send = delivery.create_deliveries(released)
    delivery._enqueue(ids_to_send)
    return counts
