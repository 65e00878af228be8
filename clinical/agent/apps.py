from __future__ import annotations

from django.apps import AppConfig


class AgentConfig(AppConfig):
    name = "clinical.agent"
    label = "agent"
    verbose_name = "对话助手"

    def ready(self) -> None:
        from ammed_fhir import events

        events.subscribe("clinical.agent.handlers.on_resources_changed")
        from clinical.monitor import gate

        gate.register_release_handler("clinical.agent.handlers.on_released")
