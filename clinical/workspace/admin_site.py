"""The project's admin site: Chinese titles, and the worklist as the clinicians' home page.

Installed as Django documents it for overriding the default site ("Overriding the default
admin site"): ``INSTALLED_APPS`` names ``WorkspaceAdminConfig`` instead of
``django.contrib.admin``, so ``admin.site`` (and every ``@admin.register``) is this site; no
method of another object is replaced. ``/admin/`` sends clinicians to their worklist;
``/admin/?all=1`` (and everyone else) gets the usual list of pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


class WorkspaceAdminSite(admin.AdminSite):
    site_header = "AM-Med 出院随访管理"
    site_title = "AM-Med 随访"
    index_title = "首页"

    def index(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """Clinicians land on their worklist; ``?all=1`` (and everyone else) gets the app list."""
        from ammed_fhir import access  # models: not importable while apps load

        if request.GET.get("all") or not access.is_clinician(request.user):
            return super().index(request, extra_context)
        return redirect(f"{self.name}:workspace_worklist_changelist")


class WorkspaceAdminConfig(AdminConfig):
    default_site = "clinical.workspace.admin_site.WorkspaceAdminSite"
