from __future__ import annotations

from django.apps import AppConfig


class AgentConfig(AppConfig):
    name = "clinical.agent"
    label = "agent"
