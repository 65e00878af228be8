"""Celery tasks of the rest-hook deliveries: thin, they take ids."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="fhir_subscriptions.deliver", acks_late=True)
def deliver(delivery_ids: list[int]) -> int:
    from ammed_fhir.subscriptions import delivery

    return sum(delivery.attempt(pk) for pk in delivery_ids)


@shared_task(name="fhir_subscriptions.retry_due", acks_late=True)
def retry_due() -> int:
    """Beat: every pending delivery whose backoff has passed."""
    from ammed_fhir.subscriptions import delivery

    return delivery.retry_due()
