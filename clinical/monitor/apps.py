from __future__ import annotations

from django.apps import AppConfig
from django.conf import settings


class MonitorConfig(AppConfig):
    name = "clinical.monitor"
    label = "monitor"
    verbose_name = "输出监控与审核"

    def ready(self) -> None:
        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "monitor-escalate-overdue",
            {"task": "clinical.monitor.escalate_overdue", "schedule": 60.0},
        )
        from celery.signals import worker_process_init

        from clinical.monitor.warmup import warm_process

        worker_process_init.connect(warm_process, weak=False)
