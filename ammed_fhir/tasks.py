"""Celery tasks of the FHIR boundary: thin, they take ids and call ``ammed_fhir.outbox``."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task

from ammed_fhir import events, outbox


@shared_task(name="ammed_fhir.drain_events", acks_late=True, bind=True)
def drain_events(self: Task, event_ids: list[int]) -> int:
    """After commit: dispatch these outbox events (claimed, so a concurrent drain skips).
    Run eagerly (tests, demo), a subscriber's error propagates as it always did; on a
    worker it is recorded on the event, which the periodic drain retries."""
    eager = bool(getattr(self.request, "is_eager", False))
    return outbox.dispatch_ids(event_ids, reraise=eager and self.app.conf.task_eager_propagates)


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


@shared_task(name="ammed_fhir.bulk_export", acks_late=True)
def bulk_export(job_id: str) -> str:
    """Run a queued Bulk Data ``$export`` job (claimed, so a second delivery does nothing)."""
    from ammed_fhir.operations import export

    return export.run(job_id)
