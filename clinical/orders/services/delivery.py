"""Outbox of released messages → channels (webhook, email, inbox).

Clinical invariants:
- Only messages the gate released reach a channel: ``on_released`` is the gate's release
  handler and the only writer of ``Delivery`` rows. It runs inside the releasing
  transaction (a transactional outbox): a committed release always has its Delivery rows, a
  rolled-back one has none; sends are enqueued only on commit.
- One Delivery per (Communication, channel), unique in the database, for each channel that
  sends something (the in-app inbox reads released Communications directly: no row). Each
  send carries the Communication id as its idempotency key.
- A send holds its rows' locks (``SELECT … FOR UPDATE SKIP LOCKED``) from before the POST
  until its outcome is recorded, in one transaction: no two workers send the same row at
  once, and a worker killed mid-send leaves its rows pending (the lock dies with its
  connection) for the next sweep. A confirmed 2xx is recorded and never resent; an
  unconfirmed attempt is retried with capped exponential backoff under the same key.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
from collections.abc import Iterator
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import orjson
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from ammed_fhir import bulk, store
from ammed_fhir.models import PractitionerAccount
from ammed_fhir.search_columns import reference_id
from clinical.orders.channels import ChannelError, get_channel
from clinical.orders.models import (
    Delivery,
    DeliveryState,
    DoseReminder,
    PatientRoutine,
    ReminderState,
)

log = logging.getLogger(__name__)
_local = threading.local()


@contextlib.contextmanager
def collecting_releases() -> Iterator[list[dict[str, Any]]]:
    """Within this block, released Communications are collected for one bulk outbox write,
    which the caller makes (``create_deliveries``) in the same transaction as the release."""
    bucket: list[dict[str, Any]] = []
    previous = getattr(_local, "bucket", None)
    _local.bucket = bucket
    try:
        yield bucket
    finally:
        _local.bucket = previous


def on_released(communication: dict[str, Any]) -> None:
    """Gate release handler (registered in AppConfig.ready), called inside the releasing
    transaction: write the message's outbox rows; the sends are enqueued on commit."""
    bucket = getattr(_local, "bucket", None)
    if bucket is not None:
        bucket.append(communication)
        return
    _enqueue(create_deliveries([communication]))


def _emails(communication: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for ref in communication.get("recipient") or []:
        pid = reference_id(ref, "Patient")
        if pid:
            patient = store.read("Patient", pid) or {}
            out += [
                t["value"]
                for t in patient.get("telecom") or []
                if t.get("system") == "email" and t.get("value")
            ]
        prac = reference_id(ref, "Practitioner")
        if prac:
            user_id = (
                PractitionerAccount.objects.filter(practitioner_id=prac)
                .values_list("user_id", flat=True)
                .first()
            )
            email = (
                get_user_model().objects.filter(id=user_id).values_list("email", flat=True).first()
            )
            if email:
                out.append(email)
    return out


def _payload(comm: dict[str, Any], structured: dict[str, Any] | None) -> dict[str, Any]:
    category = ""
    for cat in comm.get("category") or []:
        for coding in cat.get("coding") or []:
            category = coding.get("code") or category
    return {
        "communication_id": comm.get("id"),
        "patient_id": reference_id(comm.get("subject"), "Patient"),
        "category": category,
        "text": "".join(p.get("contentString", "") for p in comm.get("payload") or []),
        "recipients": [r.get("reference") for r in comm.get("recipient") or []],
        "about": [a.get("reference") for a in comm.get("about") or []],
        "sent": comm.get("sent"),
        "structured": structured,
    }


def patient_clock(due_at: dt.datetime, tz: str | None) -> dt.datetime:
    """``due_at`` on the patient's clock: their routine's zone, else the site's."""
    return timezone.localtime(due_at, ZoneInfo(tz) if tz else None)


def _structured(rem: Any, tz: str | None) -> dict[str, Any]:
    """The dose a reminder is about (a DoseReminder or the dispatcher's row of one). ``time``
    is the due instant on the patient's clock, with its offset: the clock the text shows."""
    return {
        "drug": rem.medication,
        "dose": rem.dose_text,
        "instruction": rem.instruction,
        "time": patient_clock(rem.due_at, tz).isoformat(),
        "medication_request": f"MedicationRequest/{rem.request_id}",
    }


def create_deliveries(
    communications: list[dict[str, Any]],
    reminders: dict[str, Any] | None = None,
    zones: dict[str, str] | None = None,
) -> list[int]:
    """Outbox rows for released Communications, one per configured channel (idempotent:
    an existing row is kept). Returns the ids of the new rows still to send.

    ``reminders`` (Communication id → its dose) and ``zones`` (patient id → routine time
    zone) are given by the dispatcher, which also sets the doses' state itself; otherwise (a
    clinician released a held reminder) both are looked up here and the doses marked
    released."""
    if not communications:
        return []
    channels = list(settings.AMMED_CHANNELS)
    ids = [c["id"] for c in communications]
    lookup = reminders is None
    if reminders is None:
        reminders = {
            r.communication_id: r
            for r in DoseReminder.objects.filter(communication_id__in=ids).only(
                "communication_id",
                "medication",
                "dose_text",
                "instruction",
                "due_at",
                "request_id",
                "patient_id",
            )
        }
    if zones is None:
        zones = dict(
            PatientRoutine.objects.filter(
                patient_id__in={r.patient_id for r in reminders.values()}
            ).values_list("patient_id", "timezone")
        )
    now = timezone.now()
    rows = []
    for comm in communications:
        rem = reminders.get(comm["id"])
        structured = _structured(rem, zones.get(rem.patient_id)) if rem else None
        payload = _payload(comm, structured)
        if "email" in channels:
            payload["emails"] = _emails(comm)
        for channel in channels:
            if not _has_outbox(channel):
                continue
            rows.append(
                {
                    "communication_id": comm["id"],
                    "patient_id": payload["patient_id"] or "",
                    "channel": channel,
                    "key": comm["id"],
                    "payload": payload,
                    "state": DeliveryState.PENDING.value,
                    "next_attempt_at": now,
                }
            )
    with transaction.atomic():
        inserted = bulk.insert_ignoring_conflicts(
            Delivery, rows, conflict=["communication_id", "channel"], returning=["id"]
        )
        if lookup:
            DoseReminder.objects.filter(
                communication_id__in=ids, state=ReminderState.SUBMITTED
            ).update(state=ReminderState.RELEASED)
    return sorted(r["id"] for r in inserted)


def _enqueue(ids: list[int]) -> None:
    if not ids:
        return
    from ammed_fhir.outbox import try_delay
    from clinical.orders.tasks import deliver

    batch = settings.AMMED_REMINDER_BATCH
    chunks = [ids[i : i + batch] for i in range(0, len(ids), batch)]

    def send() -> None:
        # A broker outage after commit must not fail the release (a clinician's approval,
        # a patient's message): the rows stay pending and dispatch_due's sweep sends them.
        for chunk in chunks:
            if not try_delay(deliver, chunk, what=f"{len(chunk)} deliveries"):
                return

    transaction.on_commit(send)


def backoff(attempts: int) -> dt.timedelta:
    """Capped exponential backoff after ``attempts`` failed attempts."""
    base = settings.AMMED_WEBHOOK_BACKOFF_BASE_S
    return dt.timedelta(
        seconds=min(settings.AMMED_WEBHOOK_BACKOFF_CAP_S, base * 2 ** (attempts - 1))
    )


def _has_outbox(channel: str) -> bool:
    try:
        return get_channel(channel).outbox
    except KeyError:
        return True  # an unknown channel gets its row, and fails it visibly at send time


def deliver_batch(ids: list[int]) -> dict[str, int]:
    """Send the given due deliveries in chunks of ``AMMED_WEBHOOK_BATCH``; each chunk locks
    its rows, sends them (one call per channel), and records every outcome in one
    transaction. Returns counts by outcome."""
    counts = {"delivered": 0, "retry": 0, "failed": 0}
    size = max(1, settings.AMMED_WEBHOOK_BATCH)
    for i in range(0, len(ids), size):
        for outcome, n in _send_locked(ids[i : i + size]).items():
            counts[outcome] += n
    return counts


class _Due(NamedTuple):
    id: int
    key: str
    channel: str
    attempts: int
    payload: str  # JSON text


def _send_locked(ids: list[int]) -> dict[str, int]:
    """Lock the still-due rows among ``ids`` (skipping rows another worker holds), send them,
    record the outcomes, commit."""
    counts = {"delivered": 0, "retry": 0, "failed": 0}
    with transaction.atomic():
        now = timezone.now()
        # Looked up by primary key alone, state and due time checked here: a plan that reads
        # the (state, next_attempt_at) index instead would walk every pending row of the
        # morning peak when the table's statistics predate it.
        rows = [
            _Due(*values)
            for *values, state, due in Delivery.objects.select_for_update(skip_locked=True)
            .filter(id__in=ids)
            .order_by("id")
            .annotate(text=Cast("payload", TextField()))  # decoded below with orjson
            .values_list("id", "key", "channel", "attempts", "text", "state", "next_attempt_at")
            if state == DeliveryState.PENDING and due <= now
        ]
        by_channel: dict[str, list[_Due]] = {}
        for row in rows:
            by_channel.setdefault(row.channel, []).append(row)
        outcomes: dict[int, Exception | None] = {}
        for channel, group in by_channel.items():
            try:
                sent = get_channel(channel).send_many(
                    [(r.key, orjson.loads(r.payload)) for r in group]
                )
            except KeyError as exc:  # unknown channel: permanent
                sent = {r.key: exc for r in group}
            for r in group:
                outcomes[r.id] = sent.get(r.key, ChannelError("no outcome for this key"))
        done = timezone.now()
        delivered = [r.id for r in rows if outcomes[r.id] is None]
        if delivered:
            Delivery.objects.filter(id__in=delivered).update(
                state=DeliveryState.DELIVERED,
                delivered_at=done,
                attempts=F("attempts") + 1,
                last_error="",
            )
            counts["delivered"] = len(delivered)
        for row in rows:
            exc = outcomes[row.id]
            if exc is None:
                continue
            attempts = row.attempts + 1
            permanent = isinstance(exc, KeyError) or getattr(exc, "permanent", False)
            if permanent or attempts >= settings.AMMED_WEBHOOK_MAX_ATTEMPTS:
                state, outcome = DeliveryState.FAILED, "failed"
            else:
                state, outcome = DeliveryState.PENDING, "retry"
            counts[outcome] += 1
            Delivery.objects.filter(id=row.id).update(
                state=state,
                attempts=attempts,
                next_attempt_at=done + backoff(attempts),
                last_error=str(exc)[:300],
            )
            log.warning("delivery %s via %s failed: %s", row.id, row.channel, exc)
    return counts


def reclaim_and_enqueue(now: dt.datetime | None = None) -> int:
    """Beat sweep: enqueue due sends (first attempts whose task was lost, retries, and rows a
    killed worker left pending). Rows being sent are locked and skipped by the sender.

    No outbox repair is needed: Delivery rows commit in the releasing transaction."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now).values_list(
            "id", flat=True
        )[:50000]
    )
    _enqueue(due)
    return len(due)
