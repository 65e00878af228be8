from __future__ import annotations

from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    """The knowledge layer holds no models; as an app it registers the system check that
    loads and validates every table at startup (``checks.py``)."""

    name = "clinical.knowledge"
    label = "knowledge"
    verbose_name = "临床知识层"

    def ready(self) -> None:
        from clinical.knowledge import checks  # noqa: F401  (registers the check)
