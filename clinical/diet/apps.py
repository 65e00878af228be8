from __future__ import annotations

from django.apps import AppConfig


class DietConfig(AppConfig):
    name = "clinical.diet"
    label = "diet"
    verbose_name = "饮食咨询"
