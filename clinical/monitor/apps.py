from __future__ import annotations

from django.apps import AppConfig


class MonitorConfig(AppConfig):
    name = "clinical.monitor"
    label = "monitor"
