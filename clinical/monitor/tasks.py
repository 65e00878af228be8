"""Celery tasks of the monitor (thin: the services decide)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="clinical.monitor.escalate_overdue")
def escalate_overdue() -> int:
    """Escalate held messages not reviewed in time (Celery beat, every minute)."""
    from clinical.monitor import services

    return services.escalate_due()
