"""Celery tasks of the FHIR boundary: thin, they take ids and call ``ammed_fhir.outbox``."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from ammed_fhir import events, outbox


@shared_task(name="ammed_fhir.drain_events", acks_late=True)
def drain_events(event_ids: list[int]) -> int:
    """After commit: dispatch these outbox events (claimed, so a concurrent drain skips)."""
    return outbox.dispatch_ids(event_ids)


@shared_task(name="ammed_fhir.drain_outbox", acks_late=True)
def drain_outbox() -> int:
    """Beat: dispatch every due pending outbox event (what a broker outage left behind,
    retries after a failure)."""
    return outbox.drain()


@shared_task(name="ammed_fhir.resources_changed")
def resources_changed(changes: list[dict[str, Any]]) -> int:
    """Fan changes out to the subscribers directly. Kept for messages enqueued before the
    outbox existed (a rolling deploy); new writes go through ``drain_events``."""
    parsed = [events.Change(**c) for c in changes]
    events.dispatch(parsed)
    return len(parsed)
