from __future__ import annotations

from django.contrib import admin

from clinical.agent.models import AgentMessage
from clinical.workspace.admin_mixins import CompartmentAdminMixin


@admin.register(AgentMessage)
class AgentMessageAdmin(CompartmentAdminMixin, admin.ModelAdmin):
    list_display = ["number", "patient_id", "direction", "intent", "route", "status", "created"]
    list_filter = ["direction", "status", "intent", "route"]
    search_fields = ["patient_id"]
    readonly_fields = [f.name for f in AgentMessage._meta.fields]

    @admin.display(description="编号", ordering="id")
    def number(self, obj: AgentMessage) -> int:
        return obj.pk

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False
