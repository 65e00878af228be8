from __future__ import annotations

from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "clinical.workspace"
    label = "workspace"
    verbose_name = "临床工作台"

    def ready(self) -> None:
        from django.contrib import admin

        admin.site.site_header = "AM-Med 出院随访管理"
        admin.site.site_title = "AM-Med 随访"
        admin.site.index_title = "首页"
