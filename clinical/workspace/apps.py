from __future__ import annotations

from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "clinical.workspace"
    label = "workspace"
    verbose_name = "临床工作台"
