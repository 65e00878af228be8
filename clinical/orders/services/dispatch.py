"""Due doses → reminder Communications through the message gate.

Clinical invariants:
- Each dose is submitted at most once: a batch locks its doses (``FOR UPDATE SKIP LOCKED``)
  for one transaction in which the Communication (id = the dose's key), the dose's new state
  and the delivery outbox rows are written together. A worker killed before the commit
  leaves its doses pending; the beat re-enqueues doses whose task was enqueued more than
  ``AMMED_REMINDER_CLAIM_STALE_S`` ago and sends them then, under the same key.
- A dose whose order is no longer scheduled (stopped, cancelled, flagged) is cancelled at
  send time instead of sent.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
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


class Dose(NamedTuple):
    """What sending needs of a DoseReminder row (read without building model instances)."""

    id: int
    key: str
    patient_id: str
    request_id: str
    medication: str
    dose_text: str
    instruction: str
    due_at: dt.datetime


def _local(rem: DoseReminder | Dose, tz: str | None) -> dt.datetime:
    return delivery.patient_clock(rem.due_at, tz)


def reminder_text(
    rem: DoseReminder | Dose, tz: str | None = None, local: dt.datetime | None = None
) -> str:
    """Patient-facing Chinese reminder text: drug, dose and instruction (patient's clock;
    ``local``: the due time already on it)."""
    local = local or _local(rem, tz)
    parts = [f"【服药提醒】{local:%m月%d日 %H:%M} 请服用{rem.medication}"]
    if rem.dose_text:
        parts.append(f"，每次{rem.dose_text}")
    if rem.instruction:
        parts.append(f"，{rem.instruction}")
    parts.append("。服药后请点击“已服”告诉我们；如需推迟请点“稍后提醒”。")
    return "".join(parts)


def enqueue_due(now: dt.datetime | None = None, limit: int = 200_000) -> int:
    """Beat task body: enqueue due pending doses in batches (again when a dose's task was
    enqueued more than ``AMMED_REMINDER_CLAIM_STALE_S`` ago and it is still pending: the
    task was lost or its worker killed)."""
    from clinical.orders.tasks import send_reminders

    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.AMMED_REMINDER_CLAIM_STALE_S)
    batch = settings.AMMED_REMINDER_BATCH
    total = 0
    # In steps of _ENQUEUE_STEP doses, each sent to the workers as soon as it commits: at the
    # morning peak the workers start on the first doses while later ones are being marked.
    while total < limit:
        step = min(_ENQUEUE_STEP, limit - total)
        ids = _mark_enqueued(now, stale, step)
        chunks = [ids[i : i + batch] for i in range(0, len(ids), batch)]
        transaction.on_commit(lambda chunks=chunks: [send_reminders.delay(c) for c in chunks])
        total += len(ids)
        if len(ids) < step:
            break
    return total


_ENQUEUE_STEP = 10_000


def _mark_enqueued(now: dt.datetime, stale: dt.datetime, limit: int) -> list[int]:
    """Mark up to ``limit`` due pending doses enqueued at ``now``; their ids, earliest first.

    PostgreSQL: one ``UPDATE … RETURNING`` over a locked sub-select (at the morning peak the
    id list of a separate SELECT and UPDATE was 100,000 values to send and parse twice)."""
    if connection.vendor != "postgresql":
        ids = list(
            DoseReminder.objects.filter(state=ReminderState.PENDING, due_at__lte=now)
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
            .order_by("due_at")
            .values_list("id", flat=True)[:limit]
        )
        DoseReminder.objects.filter(id__in=ids).update(enqueued_at=now)
        return ids
    table = connection.ops.quote_name(DoseReminder._meta.db_table)
    sql = (
        f"UPDATE {table} SET enqueued_at = %s WHERE id IN ("
        f"SELECT id FROM {table} WHERE state = %s AND due_at <= %s"
        " AND (enqueued_at IS NULL OR enqueued_at < %s)"
        " ORDER BY due_at LIMIT %s FOR UPDATE SKIP LOCKED) RETURNING id, due_at"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, ReminderState.PENDING.value, now, stale, limit])
        rows = cursor.fetchall()
    return [row_id for row_id, _ in sorted(rows, key=lambda r: (r[1], r[0]))]


def reminder_message(rem: Dose, tz: str | None) -> gate.OutgoingMessage:
    """The reminder one due dose sends: its text on the patient's clock (``tz``, their
    routine's zone) and the structured payload the monitor checks. Public because the monitor's
    warm-up checks one such reminder before a worker takes real ones."""
    local = _local(rem, tz)
    return gate.OutgoingMessage(
        patient_id=rem.patient_id,
        text=reminder_text(rem, local=local),
        category="reminder",
        about=[f"MedicationRequest/{rem.request_id}"],
        structured={
            "drug": rem.medication,
            "dose": rem.dose_text,
            "instruction": rem.instruction,
            # the clock time the text shows, on the patient's clock (their routine's zone)
            "time": f"{local:%H:%M}",
            "due_at": rem.due_at.isoformat(),
        },
        idempotency_key=rem.key,
    )


_RELEASED, _CANCELLED = ReminderState.RELEASED, ReminderState.CANCELLED


def send_batch(ids: list[int]) -> dict[str, int]:
    """Send reminders for the given due doses, in one transaction: lock the ones still
    pending (``FOR UPDATE SKIP LOCKED``: a dose another worker holds is skipped), submit one
    reminder Communication per dose through one ``gate.submit_many`` call, record each dose's
    new state and the released ones' delivery outbox rows. Sends are enqueued on commit; a
    worker killed before the commit leaves every dose pending (its locks die with it)."""
    counts = {"claimed": 0, "submitted": 0, "cancelled": 0, "failed": 0}
    with delivery.collecting_releases() as released, transaction.atomic():
        rows = [
            Dose(*values)
            for values in DoseReminder.objects.select_for_update(skip_locked=True)
            .filter(id__in=ids, state=ReminderState.PENDING, due_at__lte=timezone.now())
            .order_by("id")
            .values_list(*Dose._fields)
        ]
        states: dict[int, str] = {}
        counts["claimed"] = len(rows)
        if not rows:
            return counts
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
        todo: list[tuple[Dose, gate.OutgoingMessage]] = []
        for rem in rows:
            if rem.request_id not in live:
                states[rem.id] = _CANCELLED
                counts["cancelled"] += 1
                continue
            todo.append((rem, reminder_message(rem, zones.get(rem.patient_id))))
        for (rem, _), result in zip(todo, _submit(todo), strict=True):
            if result is None:
                states[rem.id] = ReminderState.FAILED
                counts["failed"] += 1
                continue
            if result.communication["id"] != rem.key:  # contract: id = idempotency key
                raise RuntimeError("gate did not keep the idempotency key as id")
            # released: its outbox rows are written below; held: waits for a clinician
            states[rem.id] = _RELEASED if result.action == "release" else ReminderState.SUBMITTED
            counts["submitted"] += 1
        # The gate names the Communication after the idempotency key (the dose key).
        for state in (_RELEASED, ReminderState.SUBMITTED, _CANCELLED, ReminderState.FAILED):
            done = [i for i, s in states.items() if s == state]
            if done:
                sent = state in (ReminderState.SUBMITTED, _RELEASED)
                DoseReminder.objects.filter(id__in=done).update(
                    state=state,
                    claimed_at=timezone.now(),
                    communication_id=F("key") if sent else "",
                )
        by_key = {rem.key: rem for rem, _ in todo}
        delivery._enqueue(delivery.create_deliveries(released, reminders=by_key, zones=zones))
    return counts


def _submit(todo: list[tuple[Dose, gate.OutgoingMessage]]) -> list[gate.GateResult | None]:
    """``gate.submit_many``; when a message is invalid, one at a time to find the bad one(s)
    (None for those)."""
    try:
        # The keys are new: a pending dose's Communication is written in the transaction
        # that moves the dose out of pending (a legacy one is still caught by the unique
        # constraint, and answered from the store).
        return list(gate.submit_many([msg for _, msg in todo], fresh=True))
    except FhirValidationError:
        pass
    results: list[gate.GateResult | None] = []
    for rem, msg in todo:
        try:
            results.append(gate.submit(msg))
        except FhirValidationError as exc:  # no message text in logs
            log.error("reminder %s rejected: %d validation issues", rem.id, len(exc.issues))
            results.append(None)
    return results
