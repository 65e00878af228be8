"""The worklist page (``/admin/workspace/worklist/``); ``/admin/`` opens it for clinicians
(``clinical.workspace.admin_site``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from clinical.workspace import thirdparty, worklist
from clinical.workspace.models import Worklist


@admin.register(Worklist)
class WorklistAdmin(admin.ModelAdmin):
    """Read-only page: the clinician's patients, most urgent first."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        rows = worklist.build(request.user)
        totals = worklist.summary(rows)
        wanted = request.GET.get("f", "")
        if wanted not in worklist.FILTERS:
            wanted = ""
        context = {
            **self.admin_site.each_context(request),
            "title": "我的工作台",
            "rows": [r for r in rows if worklist.keep(r, wanted)],
            "totals": totals,
            "filters": worklist.FILTERS,
            "current": wanted,
            "sla_min": f"{settings.AMMED_REVIEW_SLA_MIN:g}",
            "escalate_min": f"{settings.AMMED_MONITOR_ESCALATE_AFTER_MIN:g}",
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/workspace/worklist.html", context)


def _register_axes_in_chinese() -> None:
    """django-axes' lock-out records with Chinese labels (``clinical.workspace.thirdparty``);
    axes registers its admin before this app (``INSTALLED_APPS`` order)."""
    from axes.models import AccessAttempt

    if admin.site.is_registered(AccessAttempt):
        admin.site.unregister(AccessAttempt)
        admin.site.register(AccessAttempt, thirdparty.axes_attempt_admin())


_register_axes_in_chinese()
