from __future__ import annotations

from django.contrib import admin

from clinical.agent.models import AgentMessage
from clinical.workspace.admin_mixins import CompartmentAdminMixin
from clinical.workspace.patients import briefs

INTENT_ZH = {
    "symptom_report": "症状报告",
    "medication_question": "用药问题",
    "diet_question": "饮食问题",
    "reading_report": "读数上报",
    "dose_ack": "服药确认",
    "other": "其他",
}


class IntentFilter(admin.SimpleListFilter):
    title = "意图"
    parameter_name = "intent"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        return list(INTENT_ZH.items())

    def queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        return queryset.filter(intent=self.value()) if self.value() else queryset


@admin.register(AgentMessage)
class AgentMessageAdmin(CompartmentAdminMixin, admin.ModelAdmin):
    """A patient's conversation: status follows the monitor (a released reply reads 已发送)."""

    list_display = [
        "number",
        "patient_label",
        "direction",
        "text_short",
        "intent_label",
        "status",
        "created",
    ]
    list_filter = ["direction", "status", IntentFilter]
    search_fields = ["patient_id"]
    readonly_fields = [f.name for f in AgentMessage._meta.fields]

    @admin.display(description="编号", ordering="id")
    def number(self, obj: AgentMessage) -> int:
        return obj.pk

    @admin.display(description="患者", ordering="patient_id")
    def patient_label(self, obj: AgentMessage) -> str:
        return briefs([obj.patient_id])[obj.patient_id]

    @admin.display(description="内容")
    def text_short(self, obj: AgentMessage) -> str:
        return obj.text if len(obj.text) <= 60 else obj.text[:60] + "…"

    @admin.display(description="意图", ordering="intent")
    def intent_label(self, obj: AgentMessage) -> str:
        return INTENT_ZH.get(obj.intent, obj.intent or "—")

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False
