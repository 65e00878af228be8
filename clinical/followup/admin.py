"""Admin: assessments with reasons and a readings-vs-thresholds chart; CarePlan approval."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from ammed_fhir import store
from clinical.followup.chart import svg_for
from clinical.followup.models import (
    AlertRecord,
    Assessment,
    Disposition,
    FollowupCarePlan,
    FollowupState,
)
from clinical.followup.services.careplan import approve_careplan
from clinical.followup.services.ruledata import DISPOSITIONS
from clinical.followup.services.rules.base import clinician_text
from clinical.workspace import alerts, patients, signoff
from clinical.workspace.admin_mixins import CompartmentAdminMixin
from clinical.workspace.labels import alert_text

URGENCY = tuple(reversed(DISPOSITIONS))  # most urgent first (the one ladder)
DISPOSITION_ZH = dict(Disposition.choices)
UNCERTAINTY_ZH = {
    "low": "低",
    "moderate": "中（部分资料缺失）",
    "high": "高（资料互相矛盾或有未能识别的内容）",
}
CAREPLAN_STATUS_ZH = {
    "draft": "草稿（待医生批准）",
    "active": "执行中",
    "on-hold": "暂停",
    "revoked": "已撤销",
    "completed": "已完成",
    "entered-in-error": "录入错误",
    "unknown": "未知",
}
ACTIVITY_STATUS_ZH = {
    "not-started": "未开始",
    "scheduled": "已安排",
    "in-progress": "进行中",
    "on-hold": "暂停",
    "completed": "已完成",
    "cancelled": "已取消",
    "stopped": "已停止",
    "unknown": "未知",
    "entered-in-error": "录入错误",
}
_UNIT_ZH = {"d": "天", "wk": "周", "h": "小时", "mo": "月"}


def _when_zh(detail: dict) -> str:
    """An activity's timing in words: ``2026-01-10`` / ``2026-01-10 至 2026-01-17`` /
    ``每 1 天 1 次（2026-01-01 至 2026-01-14）``."""
    period = detail.get("scheduledPeriod")
    if period:
        start, end = str(period.get("start", ""))[:10], str(period.get("end", ""))[:10]
        return start if start == end or not end else f"{start} 至 {end}"
    repeat = (detail.get("scheduledTiming") or {}).get("repeat") or {}
    if not repeat:
        return "—"
    text = (
        f"每 {repeat.get('period', 1)} {_UNIT_ZH.get(repeat.get('periodUnit', 'd'), '')} "
        f"{repeat.get('frequency', 1)} 次"
    )
    bounds = repeat.get("boundsPeriod") or {}
    if bounds:
        text += f"（{str(bounds.get('start', ''))[:10]} 至 {str(bounds.get('end', ''))[:10]}）"
    return text


def _local(value: object) -> str:
    """An ISO time stored in JSON, in local time (``2026-01-10 08:30``)."""
    from django.utils.dateparse import parse_datetime

    at = parse_datetime(str(value or ""))
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M") if at else "—"


@admin.register(Assessment)
class AssessmentAdmin(CompartmentAdminMixin, admin.ModelAdmin):
    list_display = (
        "patient_label",
        "disposition",
        "previous_label",
        "changed",
        "trigger",
        "created",
    )
    list_filter = ("disposition", "changed", "trigger")
    search_fields = ("patient_id",)
    readonly_fields = (
        "patient_id",
        "created",
        "trigger",
        "disposition",
        "previous_disposition",
        "changed",
        "careplan_id",
        "result_summary",
        "reasons_table",
        "readings_chart",
    )
    exclude = ("result",)

    @admin.display(description="患者", ordering="patient_id")
    def patient_label(self, obj: Assessment) -> str:
        return patients.briefs([obj.patient_id])[obj.patient_id]

    @admin.display(description="上次处置级别")
    def previous_label(self, obj: Assessment) -> str:
        return DISPOSITION_ZH.get(obj.previous_disposition, "—")

    @admin.display(description="评估摘要")
    def result_summary(self, obj: Assessment) -> str:
        result = obj.result or {}
        uncertainty = result.get("uncertainty") or {}
        notes = [n.get("text", "") for n in result.get("notes") or [] if isinstance(n, dict)]
        notes += [n.get("text", "") for n in uncertainty.get("notes") or []]
        return format_html(
            "<p><strong>{}</strong>：{}</p><p>不确定性：{}</p>{}",
            DISPOSITION_ZH.get(result.get("disposition", ""), "—"),
            (result.get("timeframe") or {}).get("text", ""),
            UNCERTAINTY_ZH.get(uncertainty.get("level", ""), "—"),
            format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((n,) for n in notes)))
            if notes
            else "",
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="原因")
    def reasons_table(self, obj: Assessment) -> str:
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    DISPOSITION_ZH.get(r["disposition"], r["disposition"]),
                    clinician_text(r),
                    "，".join(r.get("evidence", [])),
                    r.get("source", ""),
                )
                for r in obj.result.get("reasons", [])
            ),
        )
        return format_html(
            "<table><tr><th>级别</th><th>原因</th><th>证据</th><th>来源</th></tr>{}</table>", rows
        )

    @admin.display(description="最近30天读数与阈值")
    def readings_chart(self, obj: Assessment) -> str:
        record = store.patient_record(obj.patient_id)
        if record is None:
            return "—"
        return mark_safe(svg_for(record, timezone.now()))  # built from escaped parts only


def _urgency_rank() -> Case:
    """0 for the most urgent disposition (the one ladder, reversed), then down."""
    return Case(
        *[When(disposition=d, then=Value(i)) for i, d in enumerate(URGENCY)],
        default=Value(len(URGENCY)),
        output_field=IntegerField(),
    )


@admin.register(FollowupState)
class FollowupStateAdmin(CompartmentAdminMixin, admin.ModelAdmin):
    """Most urgent first: disposition (emergency → self-care), then the oldest assessment."""

    list_display = ("patient_label", "disposition", "assessed")
    list_filter = ("disposition",)
    search_fields = ("patient_id",)

    def get_ordering(self, request: HttpRequest) -> list:
        return [_urgency_rank().asc(), "assessed"]

    @admin.display(description="患者", ordering="patient_id")
    def patient_label(self, obj: FollowupState) -> str:
        return patients.briefs([obj.patient_id])[obj.patient_id]


class AlertStateFilter(admin.SimpleListFilter):
    title = "处理状态"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, str]]:
        return [("open", "未处理"), ("new", "未确认"), ("handled", "已处理")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "open":
            return queryset.filter(handled_at__isnull=True)
        if self.value() == "new":
            return queryset.filter(acknowledged_at__isnull=True)
        if self.value() == "handled":
            return queryset.filter(handled_at__isnull=False)
        return queryset


@admin.register(AlertRecord)
class AlertRecordAdmin(CompartmentAdminMixin, admin.ModelAdmin):
    """One row per patient episode (every reason, the highest severity, repeats counted);
    acknowledge, then mark handled."""

    list_display = (
        "patient_label",
        "reason_label",
        "disposition",
        "state_label",
        "repeats",
        "created",
        "last_seen",
        "handled_by",
    )
    list_filter = (AlertStateFilter, "disposition")

    def get_ordering(self, request: HttpRequest) -> list:
        """Open alerts first (no handling time: first on every database; PostgreSQL would sort
        them last), most severe first among them (emergency, urgent, review: the one ladder),
        then the newest; handled ones after, by handling time."""
        return [F("handled_at").asc(nulls_first=True), _urgency_rank().asc(), "-created"]

    readonly_fields = (
        "patient_label",
        "reason_label",
        "disposition",
        "reasons_table",
        "created",
        "last_seen",
        "repeats",
        "escalated_at",
        "acknowledged_at",
        "acknowledged_by",
        "handled_at",
        "handled_by",
        "handled_note",
    )
    fields = readonly_fields
    actions = ["acknowledge", "handle"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="患者", ordering="patient_id")
    def patient_label(self, obj: AlertRecord) -> str:
        return patients.briefs([obj.patient_id])[obj.patient_id]

    @admin.display(description="警报原因")
    def reason_label(self, obj: AlertRecord) -> str:
        return alert_text(obj)

    @admin.display(description="各项原因")
    def reasons_table(self, obj: AlertRecord) -> str:
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    DISPOSITION_ZH.get(r.get("disposition", ""), "—"),
                    clinician_text(r),
                    "，".join(r.get("evidence") or []),
                    _local(r.get("first_seen")),
                )
                for r in obj.reasons or []
            ),
        )
        return format_html(
            "<table><tr><th>级别</th><th>原因</th><th>证据</th><th>首次出现</th></tr>{}</table>",
            rows,
        )

    @admin.display(description="状态")
    def state_label(self, obj: AlertRecord) -> str:
        if obj.handled_at:
            return "已处理"
        if obj.acknowledged_at:
            return "已确认，待处理"
        return "已升级，未确认" if obj.escalated_at else "未确认"

    @admin.action(description="确认所选警报（已看到）", permissions=["change"])
    def acknowledge(self, request: HttpRequest, queryset: QuerySet) -> None:
        n = alerts.acknowledge(request.user, list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"已确认 {n} 条警报", messages.SUCCESS)

    @admin.action(description="将所选警报标记为已处理", permissions=["change"])
    def handle(self, request: HttpRequest, queryset: QuerySet) -> None:
        n = alerts.handle(request.user, list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"已处理 {n} 条警报", messages.SUCCESS)


class CarePlanStatusFilter(admin.SimpleListFilter):
    title = "状态"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, str]]:
        return list(CAREPLAN_STATUS_ZH.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(status=self.value()) if self.value() else queryset


@admin.register(FollowupCarePlan)
class FollowupCarePlanAdmin(CompartmentAdminMixin, admin.ModelAdmin):
    list_display = ("plan_id", "patient_label", "status_label", "version_label", "updated_label")
    list_filter = (CarePlanStatusFilter,)
    search_fields = ("patient_id",)
    readonly_fields = (
        "plan_id",
        "patient_label",
        "status_label",
        "version_label",
        "activities",
    )
    fields = readonly_fields
    actions = ["approve"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="患者", ordering="patient_id")
    def patient_label(self, obj: FollowupCarePlan) -> str:
        return patients.briefs([obj.patient_id])[obj.patient_id]

    @admin.display(description="计划编号", ordering="resource_id")
    def plan_id(self, obj: FollowupCarePlan) -> str:
        return obj.resource_id

    @admin.display(description="版本", ordering="version_id")
    def version_label(self, obj: FollowupCarePlan) -> str:
        return f"第 {obj.version_id} 版"

    @admin.display(description="更新时间", ordering="last_updated")
    def updated_label(self, obj: FollowupCarePlan) -> object:
        return obj.last_updated

    @admin.display(description="状态", ordering="status")
    def status_label(self, obj: FollowupCarePlan) -> str:
        return CAREPLAN_STATUS_ZH.get(obj.status, obj.status)

    @admin.display(description="随访活动")
    def activities(self, obj: FollowupCarePlan) -> str:
        acts = []
        for act in obj.data.get("activity") or []:
            d = act.get("detail") or {}
            acts.append(
                (
                    (d.get("code") or {}).get("text", ""),
                    _when_zh(d),
                    ACTIVITY_STATUS_ZH.get(d.get("status", ""), d.get("status", "")),
                )
            )
        return format_html(
            "<table><tr><th>活动</th><th>时间</th><th>状态</th></tr>{}</table>",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", acts),
        )

    def has_approve_permission(self, request: HttpRequest) -> bool:
        """CarePlans are approved by physicians (``AMMED_CAREPLAN_APPROVER_ROLES``)."""
        return signoff.may_approve_careplan(request.user)

    @admin.action(description="批准所选随访计划（草稿 → 执行中）", permissions=["approve"])
    def approve(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = 0
        for plan in queryset:
            try:
                approve_careplan(plan.resource_id, request.user)
                done += 1
            except (PermissionDenied, LookupError) as exc:
                self.message_user(request, f"{plan.resource_id}: 无权批准 ({exc})", messages.ERROR)
        if done:
            self.message_user(request, f"已批准 {done} 份随访计划", messages.SUCCESS)
