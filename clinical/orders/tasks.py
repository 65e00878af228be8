"""Celery tasks of clinical.orders: thin wrappers that take ids and call services."""

from __future__ import annotations

from celery import shared_task

from clinical.orders.services import adherence, delivery, dispatch, schedule


@shared_task(name="orders.reschedule", acks_late=True)
def reschedule(request_ids: list[str]) -> int:
    """Re-plan the given MedicationRequests (created, updated, stopped…)."""
    for request_id in request_ids:
        schedule.sync_order(request_id)
    return len(request_ids)


@shared_task(name="orders.dispatch_due", acks_late=True)
def dispatch_due() -> int:
    """Beat: enqueue due doses and due deliveries (reclaiming stale claims)."""
    n = dispatch.enqueue_due()
    delivery.reclaim_and_enqueue()
    return n


@shared_task(name="orders.send_reminders", acks_late=True)
def send_reminders(reminder_ids: list[int]) -> dict[str, int]:
    return dispatch.send_batch(reminder_ids)


@shared_task(name="orders.deliver", acks_late=True)
def deliver(delivery_ids: list[int]) -> dict[str, int]:
    return delivery.deliver_batch(delivery_ids)


@shared_task(name="orders.sweep_missed", acks_late=True)
def sweep_missed() -> int:
    """Beat: doses past the grace period become missed; escalate where the rules say so."""
    request_ids = adherence.mark_missed()
    adherence.escalate(request_ids)
    return len(request_ids)


@shared_task(name="orders.sync_chunk", acks_late=True)
def sync_chunk(request_ids: list[str]) -> int:
    """Re-plan a chunk of orders in bulk (the unit of parallel schedule builds)."""
    return schedule.bulk_sync(request_ids)["doses"]


@shared_task(name="orders.extend_horizon", acks_late=True)
def extend_horizon(chunk: int = 2000) -> int:
    """Beat (daily): roll every scheduled order's doses forward to the horizon, in parallel
    chunks across the workers."""
    from clinical.orders.models import OrderSchedule, OrderStatus

    ids = list(
        OrderSchedule.objects.filter(status=OrderStatus.SCHEDULED)
        .order_by("request_id")
        .values_list("request_id", flat=True)
    )
    for i in range(0, len(ids), chunk):
        sync_chunk.delay(ids[i : i + chunk])
    return len(ids)
