from __future__ import annotations

from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "clinical.followup"
    label = "followup"
