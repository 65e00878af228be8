"""The worklist as the clinicians' admin home page (``/admin/`` opens it; ``?all=1`` shows
every admin page)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from ammed_fhir import access
from clinical.workspace import worklist
from clinical.workspace.models import Worklist

FILTERS = {
    "": "全部患者",
    "urgent": "急诊/24小时内就诊",
    "pending": "有待审核消息",
    "overdue": "审核已超时",
    "alerts": "有未处理警报",
}


def _keep(row: worklist.Row, wanted: str) -> bool:
    if wanted == "urgent":
        return row.disposition in ("emergency", "urgent")
    if wanted == "pending":
        return bool(row.pending_reviews)
    if wanted == "overdue":
        return row.overdue_reviews > 0 or bool(row.overdue_activities)
    if wanted == "alerts":
        return bool(row.open_alerts)
    return True


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
        if wanted not in FILTERS:
            wanted = ""
        context = {
            **self.admin_site.each_context(request),
            "title": "我的工作台",
            "rows": [r for r in rows if _keep(r, wanted)],
            "totals": totals,
            "filters": FILTERS,
            "current": wanted,
            "sla_min": f"{settings.AMMED_REVIEW_SLA_MIN:g}",
            "escalate_min": f"{settings.AMMED_MONITOR_ESCALATE_AFTER_MIN:g}",
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/workspace/worklist.html", context)


_original_index = admin.site.index


def _index(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """Clinicians land on their worklist; ``?all=1`` (and everyone else) gets the app list."""
    if request.GET.get("all") or not access.is_clinician(request.user):
        return _original_index(request, extra_context)
    return redirect("admin:workspace_worklist_changelist")


admin.site.index = _index  # type: ignore[method-assign]
