from __future__ import annotations

from django.apps import AppConfig


class MedkbConfig(AppConfig):
    name = "clinical.medkb"
    label = "medkb"
