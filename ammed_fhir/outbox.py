"""The change-event outbox: events are rows written with the data, drained by Celery.

Clinical invariant: a committed write always reaches the subscribers (reminders, follow-up,
the agent), however late; a rolled-back one never does. ``record`` writes an
``OutboxEvent`` inside the caller's transaction; after commit ``kick`` tries to enqueue
``ammed_fhir.drain_events`` for it. When the broker is unreachable the request still
succeeds (the error is logged, without patient data) and the row waits for the next drain:
Celery beat runs ``ammed_fhir.drain_outbox`` every ``AMMED_OUTBOX_DRAIN_EVERY_S``, and ops
can run ``manage.py drain_outbox``. With ``CELERY_TASK_ALWAYS_EAGER`` the kick runs the
drain in-process at commit, as events always were.

Each event is claimed by a conditional update (``next_attempt_at <= now`` → lease end,
``attempts + 1``) that only one drain can win; it is marked ``dispatched_at`` when every
subscriber ran. A failure backs off exponentially (capped); after
``AMMED_OUTBOX_MAX_ATTEMPTS`` claims the row stays pending but is no longer claimed, and
is listed by ``drain_outbox --failed`` and in the admin. Subscribers are idempotent (see
``ammed_fhir.events``): a retried event may call one that already ran.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from ammed_fhir.models import OutboxEvent

log = logging.getLogger(__name__)

TOPIC_CHANGES = "resources_changed"


def record(payload: list[dict[str, Any]], topic: str = TOPIC_CHANGES) -> OutboxEvent:
    """Write one pending event in the caller's transaction and kick a drain on commit."""
    event = OutboxEvent.objects.create(topic=topic, payload=payload, next_attempt_at=timezone.now())
    transaction.on_commit(lambda: kick([event.pk]))
    return event


def try_delay(task: Any, *args: Any, what: str = "") -> bool:
    """``task.delay(*args)``, but a broker that cannot be reached is logged, not raised.

    For after-commit enqueues in a request: the data is committed and a sweep will find
    the work again (an outbox row, a pending delivery), so the caller must not fail.
    Only the task name, ``what`` (ids, never patient text) and the error class are logged.
    Other errors (a task run eagerly that fails) propagate.
    """
    try:
        task.delay(*args)
    except broker_errors() as exc:
        log.warning(
            "broker unreachable: %s not enqueued (%s; %s); the periodic sweep will retry",
            getattr(task, "name", task),
            what,
            type(exc).__name__,
        )
        return False
    return True


def broker_errors() -> tuple[type[BaseException], ...]:
    """What publishing raises when the broker cannot be reached: kombu wraps most
    connection errors in ``OperationalError``; redis-py's and the socket's own may pass."""
    from kombu.exceptions import KombuError

    errors: list[type[BaseException]] = [KombuError, OSError]
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # no redis client installed (another broker)
        pass
    else:
        errors += [RedisConnectionError, RedisTimeoutError]
    return tuple(errors)


def kick(event_ids: list[int]) -> bool:
    """After commit: ask a worker to drain these events now (in-process when eager)."""
    from ammed_fhir.tasks import drain_events

    return try_delay(drain_events, event_ids, what=f"outbox events {event_ids}")


def _pending(now: dt.datetime) -> Q:
    return Q(
        dispatched_at__isnull=True,
        next_attempt_at__lte=now,
        attempts__lt=settings.AMMED_OUTBOX_MAX_ATTEMPTS,
    )


def backoff(attempts: int) -> dt.timedelta:
    """Capped exponential backoff after ``attempts`` claims."""
    base = settings.AMMED_OUTBOX_BACKOFF_BASE_S
    cap = settings.AMMED_OUTBOX_BACKOFF_CAP_S
    return dt.timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def _claim(ids: list[int], now: dt.datetime) -> list[int]:
    """Claim the pending events among ``ids``: one conditional update each; the ones this
    caller won."""
    lease = now + dt.timedelta(seconds=settings.AMMED_OUTBOX_LEASE_S)
    won = []
    for pk in ids:
        claimed = OutboxEvent.objects.filter(_pending(now), pk=pk).update(
            next_attempt_at=lease, attempts=F("attempts") + 1
        )
        if claimed == 1:
            won.append(pk)
    return won


def _claim_batch(limit: int, now: dt.datetime) -> list[int]:
    """Claim up to ``limit`` due events, oldest first, skipping rows another drain holds."""
    lease = now + dt.timedelta(seconds=settings.AMMED_OUTBOX_LEASE_S)
    with transaction.atomic():
        ids = list(
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(_pending(now))
            .order_by("id")
            .values_list("id", flat=True)[:limit]
        )
        if ids:
            OutboxEvent.objects.filter(pk__in=ids).update(
                next_attempt_at=lease, attempts=F("attempts") + 1
            )
    return ids


def _run(pk: int, *, reraise: bool = False) -> bool:
    """Call the subscribers for one claimed event; mark it dispatched or back it off
    (and then raise the subscriber's error again if ``reraise``)."""
    from ammed_fhir import events

    row = OutboxEvent.objects.filter(pk=pk).values("topic", "payload", "attempts").first()
    if row is None:
        return False
    try:
        if row["topic"] != TOPIC_CHANGES:
            raise ValueError(f"unknown outbox topic {row['topic']!r}")
        events.dispatch([events.Change(**c) for c in row["payload"]])
    except Exception as exc:  # one bad event must not stop the drain
        error = type(exc).__name__
        log.warning("outbox event %s failed (attempt %s): %s", pk, row["attempts"], error)
        OutboxEvent.objects.filter(pk=pk, dispatched_at__isnull=True).update(
            next_attempt_at=timezone.now() + backoff(row["attempts"]), last_error=error[:255]
        )
        if reraise:
            raise
        return False
    OutboxEvent.objects.filter(pk=pk).update(dispatched_at=timezone.now(), last_error="")
    return True


def dispatch_ids(event_ids: list[int], *, reraise: bool = False) -> int:
    """Dispatch the given events if still pending and due (the after-commit kick); the
    number dispatched. Events already claimed elsewhere are left to that drain.

    ``reraise``: a subscriber's error is recorded on the row, then raised again. The
    eager task passes it (``CELERY_TASK_EAGER_PROPAGATES``), so in tests and the demo a
    broken subscriber still fails loudly at commit, as before the outbox."""
    return sum(_run(pk, reraise=reraise) for pk in _claim(list(event_ids), timezone.now()))


def drain(limit: int = 500) -> int:
    """Dispatch due pending events in batches of ``limit`` until none is due; purge
    dispatched rows older than ``AMMED_OUTBOX_KEEP_DAYS``. The number dispatched."""
    done = 0
    while True:
        ids = _claim_batch(limit, timezone.now())
        done += sum(_run(pk) for pk in ids)
        if len(ids) < limit:
            break
    purge()
    return done


def purge(now: dt.datetime | None = None) -> int:
    keep = dt.timedelta(days=settings.AMMED_OUTBOX_KEEP_DAYS)
    cutoff = (now or timezone.now()) - keep
    deleted, _ = OutboxEvent.objects.filter(dispatched_at__lt=cutoff).delete()
    return deleted


def pending() -> QuerySet[OutboxEvent]:
    """Events not dispatched yet (due, backing off, claimed, or given up)."""
    return OutboxEvent.objects.filter(dispatched_at__isnull=True)


def failed() -> QuerySet[OutboxEvent]:
    """Events no drain claims any more (``AMMED_OUTBOX_MAX_ATTEMPTS`` reached)."""
    return pending().filter(attempts__gte=settings.AMMED_OUTBOX_MAX_ATTEMPTS)


def retry_failed() -> int:
    """Give the events that were given up on a fresh set of attempts, due now."""
    return failed().update(attempts=0, next_attempt_at=timezone.now())
