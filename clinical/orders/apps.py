from __future__ import annotations

from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "clinical.orders"
    label = "orders"
    verbose_name = "医嘱助手"

    def ready(self) -> None:
        from celery.schedules import crontab
        from django.conf import settings

        from ammed_fhir import events
        from clinical.monitor import gate

        events.subscribe("clinical.orders.handlers.on_resources_changed")
        gate.register_release_handler("clinical.orders.services.delivery.on_released")
        settings.CELERY_BEAT_SCHEDULE.update(
            {
                "orders-dispatch-due": {
                    "task": "orders.dispatch_due",
                    "schedule": settings.AMMED_REMINDER_DISPATCH_EVERY_S,
                },
                "orders-sweep-missed": {"task": "orders.sweep_missed", "schedule": 300.0},
                "orders-extend-horizon": {
                    "task": "orders.extend_horizon",
                    "schedule": crontab(hour=3, minute=10),
                },
            }
        )
