"""The main job of ``make demo``: sections contributed by each app, run in order."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TextIO

from django.test import Client

# Each module has ``run(ctx: DemoContext) -> None``; order is the story we tell.
DEMO_SECTIONS = [
    "clinical.medkb.demo",
    "clinical.orders.demo",
    "clinical.followup.demo",
    "clinical.diet.demo",
    "clinical.monitor.demo",
    "clinical.agent.demo",
]


@dataclass
class DemoContext:
    """Shared state for demo sections: where to print, an API client, the demo patients."""

    out: TextIO
    client: Client  # logged in as the demo admin; hits the real URL/view stack
    patient_ids: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def heading(self, title: str) -> None:
        self.out.write(f"\n== {title} ==\n")

    def line(self, text: str = "") -> None:
        self.out.write(text + "\n")
