"""Outbox of released messages → channels (webhook, email, inbox).

Clinical invariants:
- Only messages the gate released reach a channel: ``on_released`` is the gate's release
  handler and the only writer of ``Delivery`` rows.
- One Delivery per (Communication, channel), unique in the database; each send is claimed
  with a conditional update and carries the Communication id as its idempotency key.
- A confirmed 2xx is recorded and never resent; an unconfirmed attempt is retried with
  capped exponential backoff, and a stale claim (worker killed) is reclaimed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
import uuid
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ammed_fhir import store
from ammed_fhir.models import PractitionerAccount
from ammed_fhir.search_columns import reference_id
from clinical.orders.channels import ChannelError, get_channel
from clinical.orders.models import Delivery, DeliveryState, DoseReminder, ReminderState

log = logging.getLogger(__name__)
_local = threading.local()


@contextlib.contextmanager
def collecting_releases() -> Iterator[list[dict[str, Any]]]:
    """Within this block, released Communications are collected for one bulk outbox write."""
    bucket: list[dict[str, Any]] = []
    previous = getattr(_local, "bucket", None)
    _local.bucket = bucket
    try:
        yield bucket
    finally:
        _local.bucket = previous


def on_released(communication: dict[str, Any]) -> None:
    """Gate release handler (registered in AppConfig.ready): queue the message's deliveries."""
    bucket = getattr(_local, "bucket", None)
    if bucket is not None:
        bucket.append(communication)
        return
    ids = create_deliveries([communication])
    _enqueue(ids)


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


def create_deliveries(communications: list[dict[str, Any]]) -> list[int]:
    """Outbox rows for released Communications (idempotent); returns ids still to send."""
    if not communications:
        return []
    channels = list(settings.AMMED_CHANNELS)
    ids = [c["id"] for c in communications]
    reminders = {
        r.communication_id: r
        for r in DoseReminder.objects.filter(communication_id__in=ids).only(
            "communication_id", "medication", "dose_text", "instruction", "due_at", "request_id"
        )
    }
    now = timezone.now()
    rows = []
    for comm in communications:
        rem = reminders.get(comm["id"])
        structured = (
            {
                "drug": rem.medication,
                "dose": rem.dose_text,
                "instruction": rem.instruction,
                "time": rem.due_at.isoformat(),
                "medication_request": f"MedicationRequest/{rem.request_id}",
            }
            if rem
            else None
        )
        payload = _payload(comm, structured)
        if "email" in channels:
            payload["emails"] = _emails(comm)
        for channel in channels:
            inbox = channel == "inbox"
            rows.append(
                Delivery(
                    communication_id=comm["id"],
                    patient_id=payload["patient_id"] or "",
                    channel=channel,
                    key=comm["id"],
                    payload=payload,
                    state=DeliveryState.DELIVERED if inbox else DeliveryState.PENDING,
                    delivered_at=now if inbox else None,
                    next_attempt_at=now,
                )
            )
    with transaction.atomic():
        Delivery.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        DoseReminder.objects.filter(communication_id__in=ids, state=ReminderState.SUBMITTED).update(
            state=ReminderState.RELEASED
        )
    return list(
        Delivery.objects.filter(communication_id__in=ids, state=DeliveryState.PENDING).values_list(
            "id", flat=True
        )
    )


def _enqueue(ids: list[int]) -> None:
    if not ids:
        return
    from clinical.orders.tasks import deliver

    batch = settings.AMMED_REMINDER_BATCH
    chunks = [ids[i : i + batch] for i in range(0, len(ids), batch)]
    transaction.on_commit(lambda: [deliver.delay(chunk) for chunk in chunks])


def backoff(attempts: int) -> dt.timedelta:
    """Capped exponential backoff after ``attempts`` failed attempts."""
    base = settings.AMMED_WEBHOOK_BACKOFF_BASE_S
    return dt.timedelta(
        seconds=min(settings.AMMED_WEBHOOK_BACKOFF_CAP_S, base * 2 ** (attempts - 1))
    )


def deliver_batch(ids: list[int]) -> dict[str, int]:
    """Claim and send the given deliveries; returns counts by outcome."""
    now = timezone.now()
    token = uuid.uuid4().hex[:16]
    Delivery.objects.filter(
        id__in=ids, state=DeliveryState.PENDING, next_attempt_at__lte=now
    ).update(
        state=DeliveryState.SENDING,
        claimed_at=now,
        attempts=F("attempts") + 1,
        last_error=token,  # claim token until the outcome is written
    )
    counts = {"delivered": 0, "retry": 0, "failed": 0}
    rows = list(Delivery.objects.filter(id__in=ids, state=DeliveryState.SENDING, last_error=token))
    delivered: list[int] = []
    by_channel: dict[str, list[Delivery]] = {}
    for row in rows:
        by_channel.setdefault(row.channel, []).append(row)
    size = max(1, settings.AMMED_WEBHOOK_BATCH)
    for channel, group in by_channel.items():
        for i in range(0, len(group), size):
            chunk = group[i : i + size]
            try:
                outcomes = get_channel(channel).send_many([(r.key, r.payload) for r in chunk])
            except KeyError as exc:  # unknown channel: permanent
                outcomes = {r.key: exc for r in chunk}
            for row in chunk:
                exc = outcomes.get(row.key, ChannelError("no outcome for this key"))
                if exc is None:
                    delivered.append(row.id)
                    continue
                permanent = isinstance(exc, KeyError) or exc.permanent
                if permanent or row.attempts >= settings.AMMED_WEBHOOK_MAX_ATTEMPTS:
                    state, counts["failed"] = DeliveryState.FAILED, counts["failed"] + 1
                else:
                    state, counts["retry"] = DeliveryState.PENDING, counts["retry"] + 1
                Delivery.objects.filter(id=row.id, state=DeliveryState.SENDING).update(
                    state=state,
                    next_attempt_at=timezone.now() + backoff(row.attempts),
                    last_error=str(exc)[:300],
                )
                log.warning("delivery %s via %s failed: %s", row.id, row.channel, exc)
            # record confirmed sends promptly (after each POST): they are never resent
            counts["delivered"] += _mark_delivered(delivered)
    counts["delivered"] += _mark_delivered(delivered)
    return counts


def _mark_delivered(ids: list[int]) -> int:
    n = Delivery.objects.filter(id__in=ids, state=DeliveryState.SENDING).update(
        state=DeliveryState.DELIVERED, delivered_at=timezone.now(), last_error=""
    )
    ids.clear()
    return n


def reclaim_and_enqueue(now: dt.datetime | None = None) -> int:
    """Beat sweep: reclaim stale sends, enqueue due retries, repair missing outbox rows."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.AMMED_REMINDER_CLAIM_STALE_S)
    Delivery.objects.filter(state=DeliveryState.SENDING, claimed_at__lt=stale).update(
        state=DeliveryState.PENDING, next_attempt_at=now
    )
    # Released but the process died before the outbox write: do it now (idempotent).
    orphan_ids = list(
        DoseReminder.objects.filter(
            state=ReminderState.SUBMITTED, claimed_at__lt=stale
        ).values_list("communication_id", flat=True)[:5000]
    )
    if orphan_ids:
        from ammed_fhir.models import Resource

        released = [
            data
            for data in Resource.objects.filter(
                resource_type="Communication", resource_id__in=orphan_ids, status="completed"
            ).values_list("data", flat=True)
        ]
        create_deliveries(released)
    due = list(
        Delivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now).values_list(
            "id", flat=True
        )[:50000]
    )
    _enqueue(due)
    return len(due)
