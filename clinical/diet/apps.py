from __future__ import annotations

from django.apps import AppConfig


class DietConfig(AppConfig):
    name = "clinical.diet"
    label = "diet"
