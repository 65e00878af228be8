from __future__ import annotations

from django.apps import AppConfig


class FhirSubscriptionsConfig(AppConfig):
    name = "ammed_fhir.subscriptions"
    label = "fhir_subscriptions"
    verbose_name = "FHIR 订阅推送 (Subscription rest-hook deliveries)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.conf import settings

        from ammed_fhir import events

        # own=True: AM-Med's own CarePlans and messages are exactly what the EMR waits for
        events.subscribe(
            "ammed_fhir.subscriptions.delivery.on_resources_changed",
            own=True,
            own_when="ammed_fhir.subscriptions.delivery.any_active",  # else a peak is free
        )
        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "fhir-subscriptions-retry-due",
            {
                "task": "fhir_subscriptions.retry_due",
                "schedule": settings.AMMED_SUBSCRIPTION_RETRY_EVERY_S,
            },
        )
