from __future__ import annotations

from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "clinical.followup"
    label = "followup"
    verbose_name = "智能随访"

    def ready(self) -> None:
        from celery.schedules import crontab
        from django.conf import settings

        from ammed_fhir import events

        events.subscribe("clinical.followup.handlers.on_resources_changed")
        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "followup-nightly-sweep",
            {"task": "followup.nightly_sweep", "schedule": crontab(hour=2, minute=30)},
        )
