"""Admin: routines (editable), order schedules (review/approve), reminders and deliveries,
with an adherence bar chart on the change pages."""

from __future__ import annotations

import datetime as dt

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from clinical.orders.models import Delivery, DoseReminder, OrderSchedule, PatientRoutine
from clinical.orders.services import adherence, schedule
from clinical.workspace import signoff
from clinical.workspace.admin_mixins import CompartmentAdminMixin


def adherence_chart(patient_id: str, request_id: str | None = None, days: int = 28) -> str:
    """A small HTML bar chart (no JavaScript) of daily adherence over ``days``, with a
    percentage axis and dated bars. With ``request_id`` the bars and the caption are that
    medication's own adherence, never the patient's overall figure."""
    now = timezone.now()
    start = now - dt.timedelta(days=days)
    data = adherence.adherence(patient_id, start, now)
    if request_id:
        # Recompute the series for this one medication.
        rows = (
            DoseReminder.objects.filter(
                request_id=request_id, due_at__gte=start, due_at__lt=now, snooze_of_key=""
            )
            .exclude(state__in=("cancelled", "failed"))
            .values_list("response", "due_at")
        )
        by_day: dict[str, list] = {}
        for response, due in rows:
            by_day.setdefault(timezone.localtime(due).date().isoformat(), []).append(
                (response, due)
            )
        series = []
        for day, items in sorted(by_day.items()):
            counts = adherence._series(items)
            series.append({"date": day, **counts, "adherence": adherence._ratio(counts)})
        overall = adherence._ratio(adherence._series([(r, d) for r, d in rows]))
        caption = "该药"
    else:
        series = data["daily"]
        overall = data["overall"]["adherence"]
        caption = "全部药物"
    if not series:
        return "暂无数据"
    bars = format_html_join(
        "",
        '<div title="{} {}" style="display:inline-block;width:14px;margin-right:2px;'
        'vertical-align:bottom;height:{}px;background:{}"></div>',
        (
            (
                d["date"],
                "-" if d["adherence"] is None else f"{d['adherence']:.0%}",
                4 if d["adherence"] is None else max(4, int(d["adherence"] * 80)),
                "#ccc"
                if d["adherence"] is None
                else ("#2e7d32" if d["adherence"] >= 0.8 else "#c62828"),
            )
            for d in series
        ),
    )
    labels = format_html_join(
        "",
        '<div style="display:inline-block;width:14px;margin-right:2px;font-size:9px;'
        'writing-mode:vertical-rl;height:36px">{}</div>',
        ((d["date"][5:],) for d in series),
    )
    axis = (
        '<div style="position:absolute;left:0;top:0;height:80px;width:34px;font-size:10px;'
        'text-align:right;border-right:1px solid #999">'
        '<div style="position:absolute;top:-6px;right:3px">100%</div>'
        '<div style="position:absolute;top:10px;right:3px;color:#2e7d32">80%</div>'
        '<div style="position:absolute;top:34px;right:3px">50%</div>'
        '<div style="position:absolute;top:74px;right:3px">0%</div></div>'
    )
    return format_html(
        '<div style="position:relative;padding-left:38px">{}'
        '<div style="height:80px;border-bottom:1px solid #999;'
        "background:linear-gradient(to bottom,transparent 15px,#e8f5e9 15px,#e8f5e9 16px,"
        'transparent 16px)">{}</div><div>{}</div></div>'
        "<div>近{}天{}依从性: {} (绿色≥80%, 红色&lt;80%, 灰色无应服剂量；横轴为日期 月-日)</div>",
        mark_safe(axis),  # constant markup
        bars,
        labels,
        days,
        caption,
        "-" if overall is None else f"{overall:.0%}",
    )


_UNITS = {"d": "天", "h": "小时", "wk": "周", "min": "分钟", "mo": "月"}
_WHEN = {
    "MORN": "早晨",
    "NOON": "中午",
    "EVE": "傍晚",
    "NIGHT": "夜间",
    "HS": "睡前",
    "WAKE": "起床后",
    "AC": "饭前",
    "PC": "饭后",
    "ACM": "早饭前",
    "ACD": "午饭前",
    "ACV": "晚饭前",
    "PCM": "早饭后",
    "PCD": "午饭后",
    "PCV": "晚饭后",
    "C": "随餐",
    "CM": "随早餐",
    "CD": "随午餐",
    "CV": "随晚餐",
}


def dosage_zh(dosage: dict) -> str:
    """A FHIR Dosage in words: ``每 1 天 2 次；早饭后、晚饭后；每次 1 片；口服；疗程 5 天``."""
    if not dosage:
        return "—"
    parts = []
    repeat = (dosage.get("timing") or {}).get("repeat") or {}
    if repeat.get("frequency"):
        parts.append(
            f"每 {repeat.get('period', 1)} {_UNITS.get(repeat.get('periodUnit', 'd'), '')} "
            f"{repeat['frequency']} 次"
        )
    if repeat.get("when"):
        parts.append("、".join(_WHEN.get(w, w) for w in repeat["when"]))
    if repeat.get("timeOfDay"):
        parts.append("时间 " + "、".join(str(t)[:5] for t in repeat["timeOfDay"]))
    for dr in dosage.get("doseAndRate") or []:
        q = dr.get("doseQuantity") or {}
        if q:
            parts.append(f"每次 {q.get('value', '')} {q.get('unit', '')}".strip())
    route = (dosage.get("route") or {}).get("text") or next(
        (c.get("display") for c in (dosage.get("route") or {}).get("coding") or []), ""
    )
    if route:
        parts.append(route)
    if dosage.get("asNeededBoolean"):
        parts.append("必要时")
    bounds = repeat.get("boundsDuration") or {}
    if bounds:
        parts.append(f"疗程 {bounds.get('value')} {_UNITS.get(bounds.get('unit', 'd'), '')}")
    return "；".join(p for p in parts if p) or (dosage.get("text") or "—")


@admin.register(PatientRoutine)
class PatientRoutineAdmin(CompartmentAdminMixin, admin.ModelAdmin):
    list_display = [
        "patient_id",
        "wake_time",
        "breakfast_time",
        "lunch_time",
        "dinner_time",
        "bed_time",
    ]
    search_fields = ["patient_id"]
    readonly_fields = ["adherence_over_time"]

    @admin.display(description="服药依从性(按天)")
    def adherence_over_time(self, obj: PatientRoutine) -> str:
        return adherence_chart(obj.patient_id) if obj.pk else "-"

    def save_model(self, request: HttpRequest, obj: PatientRoutine, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        schedule.sync_patient(obj.patient_id)


@admin.register(OrderSchedule)
class OrderScheduleAdmin(CompartmentAdminMixin, admin.ModelAdmin):
    list_display = ["medication", "patient_id", "status", "critical_class", "source", "updated"]
    list_filter = ["status", "critical_class", "source"]
    search_fields = ["patient_id", "request_id", "medication"]
    actions = ["approve"]
    readonly_fields = [
        f.name for f in OrderSchedule._meta.fields if f.name not in ("id", "dosage", "issues")
    ] + ["dosage_text", "issues_text", "adherence_over_time"]
    exclude = ("dosage", "issues")  # shown in words above; changed only through /fhir

    @admin.display(description="用法（结构化）")
    def dosage_text(self, obj: OrderSchedule) -> str:
        return dosage_zh(obj.dosage)

    @admin.display(description="问题")
    def issues_text(self, obj: OrderSchedule) -> str:
        return "；".join(str(i) for i in obj.issues or []) or "—"

    @admin.display(description="服药依从性(按天)")
    def adherence_over_time(self, obj: OrderSchedule) -> str:
        return adherence_chart(obj.patient_id, obj.request_id) if obj.pk else "-"

    def has_approve_permission(self, request: HttpRequest) -> bool:
        """Approving a dosage is medication sign-off: physicians and pharmacists with the
        change permission; the queryset is already limited to the user's patients."""
        return signoff.may_approve_orders(request.user) and self.has_change_permission(request)

    @admin.action(description="审核通过所选医嘱的当前用法并开始提醒", permissions=["approve"])
    def approve(self, request: HttpRequest, queryset: QuerySet[OrderSchedule]) -> None:
        done = 0
        for row in queryset:
            result = schedule.approve_order(row.request_id, request.user)
            done += result.status == "scheduled"
        self.message_user(request, f"{done} 条医嘱已排程", messages.SUCCESS)


@admin.register(DoseReminder)
class DoseReminderAdmin(CompartmentAdminMixin, admin.ModelAdmin):
    list_display = ["medication", "patient_id", "due_at", "state", "response"]
    list_filter = ["state", "response"]
    search_fields = ["patient_id", "request_id", "key"]
    date_hierarchy = "due_at"

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(CompartmentAdminMixin, admin.ModelAdmin):
    list_display = ["communication_id", "channel", "state", "attempts", "delivered_at"]
    list_filter = ["channel", "state"]
    search_fields = ["communication_id", "patient_id"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
