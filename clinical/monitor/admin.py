"""Django admin review queue: clinicians approve, edit-then-approve or reject held messages.

Only reviews the user may see are listed (``services.reviews_for``); decisions go through
``services`` (never a raw model save), and the audit trail is read-only.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, TextField, Value, When
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from ammed_fhir.audit import AuditedAdminMixin
from clinical.monitor import services
from clinical.monitor.models import AuditAction, AuditEvent, Review, ReviewStatus
from clinical.workspace import patients, signoff

DECISIONS = ("_approve", "_edit_approve", "_reject", "_escalate")
SEVERITY_ZH = {"high": "高", "medium": "中", "low": "低"}
CATEGORY_ZH = {
    "agent": "智能回复",
    "guidance": "用药指导",
    "reminder": "服药提醒",
    "careplan": "随访计划",
    "alert": "医护警报",
    "diet": "饮食建议",
}
STRUCTURED_ZH = {
    "intent": "意图",
    "medication": "药物",
    "medicines": "药物",
    "dose": "剂量",
    "time": "时间",
    "symptoms": "症状",
    "foods": "食物",
    "reason": "原因",
    "disposition": "处置级别",
}


def severity_rank():
    """0 high, 1 medium, 2 otherwise: the findings JSON as text, the same on PostgreSQL
    (jsonb's text form) and SQLite (the stored json.dumps text)."""
    text = Cast("findings", TextField())
    return Case(
        When(**{"_findings_text__contains": '"severity": "high"'}, then=Value(0)),
        When(**{"_findings_text__contains": '"severity": "medium"'}, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    ), text


class CategoryFilter(admin.SimpleListFilter):
    title = "类别"
    parameter_name = "category"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return list(CATEGORY_ZH.items())

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        return queryset.filter(category=self.value()) if self.value() else queryset


class StatusFilter(admin.SimpleListFilter):
    """Opens on pending reviews; "全部" shows every status."""

    title = "状态"
    parameter_name = "status__exact"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [*ReviewStatus.choices, ("all", "全部")]

    def choices(self, changelist: Any):
        current = self.value() or ReviewStatus.PENDING
        for lookup, title in self.lookup_choices:
            yield {
                "selected": current == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        value = self.value() or ReviewStatus.PENDING
        return queryset if value == "all" else queryset.filter(status=value)


def highlight(text: str, findings: list[dict[str, Any]]) -> SafeString:
    """``text`` as HTML with every finding's span in a <mark> titled with its explanation."""
    spans = sorted(
        (f["span"][0], f["span"][1], f"{f.get('code', '')}: {f.get('explanation', '')}")
        for f in findings
        if f.get("span") and f.get("severity") != "low"
    )
    out, pos = [], 0
    for start, end, title in spans:
        if start < pos:
            continue
        out.append(escape(text[pos:start]))
        out.append(
            format_html('<mark class="finding" title="{}">{}</mark>', title, text[start:end])
        )
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe(
        '<div class="held-text" style="white-space:pre-wrap;max-width:60em">'
        + "".join(str(p) for p in out)
        + "</div>"
    )


class ReviewForm(forms.ModelForm):
    edited_text = forms.CharField(
        label="修改后的消息（修改后批准时使用）",
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        required=False,
    )
    decision_reason = forms.CharField(label="拒绝原因 / 备注", required=False)

    class Meta:
        model = Review
        fields: list[str] = []


class AuditInline(admin.TabularInline):
    model = AuditEvent
    extra = 0
    can_delete = False
    fields = ["at_label", "actor_label", "action_label", "before_label", "after_label"]
    readonly_fields = fields
    verbose_name_plural = "审计记录"

    at_label = admin.display(description="时间")(lambda self, obj: _local(obj.at))
    actor_label = admin.display(description="操作人")(lambda self, obj: obj.actor_name)
    action_label = admin.display(description="操作")(lambda self, obj: obj.get_action_display())
    before_label = admin.display(description="修改前")(lambda self, obj: obj.before)
    after_label = admin.display(description="修改后")(lambda self, obj: obj.after)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return services.may_review(request.user)


@admin.register(Review)
class ReviewAdmin(AuditedAdminMixin, admin.ModelAdmin):
    audit_admin_writes = False  # decisions are audited by the services; pages shown are reads
    form = ReviewForm
    list_display = [
        "number",
        "patient_label",
        "category_label",
        "severity_label",
        "waiting_label",
        "status_label",
        "finding_codes",
        "signoff_label",
        "escalation_label",
    ]
    list_filter = [StatusFilter, CategoryFilter]
    list_display_links = ["number", "patient_label"]
    readonly_fields = [
        "patient_label",
        "patient_summary",
        "patient_question",
        "category_label",
        "status_label",
        "signoff_label",
        "structured_source",
        "held_text",
        "findings_table",
        "final_text_label",
        "decided_by_label",
        "decided_at_label",
        "reason_label",
    ]
    fieldsets = [
        ("患者", {"fields": ["patient_label", "patient_summary", "patient_question"]}),
        (
            "待审核消息",
            {
                "fields": [
                    "category_label",
                    "status_label",
                    "signoff_label",
                    "held_text",
                    "structured_source",
                    "findings_table",
                ]
            },
        ),
        ("审核", {"fields": ["edited_text", "decision_reason"]}),
        (
            "结果",
            {
                "fields": [
                    "final_text_label",
                    "decided_by_label",
                    "decided_at_label",
                    "reason_label",
                ]
            },
        ),
    ]
    inlines = [AuditInline]

    # The result section's labels in Chinese (the model fields have no verbose names).
    @admin.display(description="发出的文本")
    def final_text_label(self, obj: Review) -> str:
        return obj.final_text or "—"

    @admin.display(description="审核人")
    def decided_by_label(self, obj: Review) -> str:
        user = obj.decided_by
        return (user.get_full_name() or user.get_username()) if user else "—"

    @admin.display(description="审核时间")
    def decided_at_label(self, obj: Review) -> Any:
        return obj.decided_at or "—"

    @admin.display(description="审核理由")
    def reason_label(self, obj: Review) -> str:
        return obj.reason or "—"

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list:
        """A decided review has nothing left to fill in: no empty decision inputs shown
        read-only ("Edited text: None"); the result section shows what was sent."""
        if obj is not None and obj.status != ReviewStatus.PENDING:
            return [fs for fs in self.fieldsets if fs[0] != "审核"]
        return [fs for fs in self.fieldsets if fs[0] != "结果"]

    change_form_template = "admin/monitor/review/change_form.html"

    # --- permissions: clinicians on their reviews, never patients or integrations ----------
    def get_queryset(self, request: HttpRequest):
        rank, text = severity_rank()
        return (
            services.reviews_for(request.user)
            .annotate(_findings_text=text)
            .annotate(severity_rank=rank)
        )

    def get_ordering(self, request: HttpRequest) -> list[str]:
        """Most severe first, then the longest waiting."""
        return ["severity_rank", "created", "id"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return services.may_review(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not services.may_review(request.user):
            return False
        return obj is None or services.reviews_for(request.user).filter(pk=obj.pk).exists()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.status != ReviewStatus.PENDING:
            return False
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # --- display ---------------------------------------------------------------------------
    @admin.display(description="发现")
    def finding_codes(self, obj: Review) -> str:
        return "；".join(
            dict.fromkeys(
                str(f.get("explanation") or f.get("code", ""))[:40]
                for f in obj.findings
                if f.get("severity") != "low"
            )
        )

    @admin.display(description="编号", ordering="id")
    def number(self, obj: Review) -> int:
        return obj.pk

    @admin.display(description="状态", ordering="status")
    def status_label(self, obj: Review) -> str:
        return obj.get_status_display()

    @admin.display(description="升级级别", ordering="escalation_level")
    def escalation_label(self, obj: Review) -> str:
        return f"第 {obj.escalation_level} 级" if obj.escalation_level else "未升级"

    @admin.display(description="患者")
    def patient_label(self, obj: Review) -> str:
        return patients.briefs([obj.patient_id])[obj.patient_id]

    @admin.display(description="类别")
    def category_label(self, obj: Review) -> str:
        return CATEGORY_ZH.get(obj.category, obj.category or "—")

    @admin.display(description="严重程度", ordering="severity_rank")
    def severity_label(self, obj: Review) -> str:
        levels = [f.get("severity") for f in obj.findings]
        top = next((s for s in ("high", "medium", "low") if s in levels), "")
        return SEVERITY_ZH.get(top, "—")

    @admin.display(description="已等待", ordering="created")
    def waiting_label(self, obj: Review) -> str:
        end = obj.decided_at or timezone.now()
        text = patients.waiting(obj.created, end)
        sla = settings.AMMED_REVIEW_SLA_MIN
        if obj.status == ReviewStatus.PENDING and (end - obj.created).total_seconds() > sla * 60:
            return format_html('<strong style="color:#c62828">{}（超时）</strong>', text)
        return text

    @admin.display(description="签发要求")
    def signoff_label(self, obj: Review) -> str:
        if signoff.is_medication_content(obj):
            return "用药相关：须医生或药师签发"
        return "非用药内容：医生、药师或护士可签发"

    @admin.display(description="患者概况")
    def patient_summary(self, obj: Review) -> SafeString:
        from ammed_fhir.summary import patient_summary_lines

        return format_html(
            '<div style="white-space:pre-wrap">{}</div>',
            "\n".join(patient_summary_lines(obj.patient_id)),
        )

    @admin.display(description="患者的提问与近期对话")
    def patient_question(self, obj: Review) -> SafeString:
        from clinical.agent.models import AgentMessage

        reply = AgentMessage.objects.filter(communication_id=obj.communication_id).first()
        if reply is None:
            return format_html("{}", "（非对话回复，无患者提问）")
        recent = list(
            AgentMessage.objects.filter(patient_id=obj.patient_id, id__lte=reply.pk).order_by(
                "-id"
            )[:6]
        )[::-1]
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    timezone.localtime(m.created).strftime("%Y-%m-%d %H:%M"),
                    m.get_direction_display(),
                    m.text,
                )
                for m in recent
            ),
        )
        question = reply.reply_to.text if reply.reply_to else "—"
        return format_html(
            '<p><strong>患者提问：</strong>{}</p><table class="findings">'
            "<tr><th>时间</th><th>发送方</th><th>内容</th></tr>{}</table>",
            question,
            rows,
        )

    @admin.display(description="消息的结构化来源")
    def structured_source(self, obj: Review) -> SafeString:
        structured = (obj.message or {}).get("structured") or {}
        if not structured:
            return format_html("{}", "—")
        rows = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td></tr>",
            (
                (STRUCTURED_ZH.get(k, k), v if isinstance(v, str) else _compact(v))
                for k, v in structured.items()
            ),
        )
        return format_html('<table class="findings">{}</table>', rows)

    @admin.display(description="被拦截的消息（标黄为问题处）")
    def held_text(self, obj: Review) -> SafeString:
        return highlight(obj.original_text, obj.findings)

    @admin.display(description="监控发现")
    def findings_table(self, obj: Review) -> SafeString:
        rows = "".join(
            format_html(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                SEVERITY_ZH.get(f.get("severity", ""), f.get("severity", "")),
                f.get("excerpt", ""),
                f.get("explanation", ""),
                f.get("source", ""),
            )
            for f in obj.findings
        )
        return format_html(
            '<table class="findings"><tr><th>级别</th><th>原文</th><th>说明</th><th>依据</th></tr>{}</table>',
            mark_safe(rows),
        )

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None:
            form.base_fields["edited_text"].initial = obj.original_text
        return form

    def save_model(self, request: HttpRequest, obj: Review, form: Any, change: bool) -> None:
        """Reviews change only through the decision buttons (services), never a raw save."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing related is edited here."""

    # --- decisions -------------------------------------------------------------------------
    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if request.method == "POST" and any(k in request.POST for k in DECISIONS):
            return self._decide(request, object_id)
        review = (
            self.get_queryset(request).filter(pk=object_id).first() if object_id.isdigit() else None
        )
        extra_context = {
            **(extra_context or {}),
            "may_approve": review is not None and signoff.may_approve(request.user, review),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _decide(self, request: HttpRequest, object_id: str) -> HttpResponse:
        review = (
            self.get_queryset(request).filter(pk=object_id).first() if object_id.isdigit() else None
        )
        if review is None or not self.has_change_permission(request, review):
            raise PermissionDenied
        text = request.POST.get("edited_text", "")
        reason = request.POST.get("decision_reason", "").strip()
        try:
            if "_escalate" in request.POST:
                signoff.escalate_to_prescriber(review, request.user, reason)
                messages.success(request, "已升级给医生/药师签发。")
            elif "_reject" in request.POST:
                services.reject(review.pk, request.user, reason)
                messages.success(request, "已拒绝，该消息不会发送给患者。")
            elif "_edit_approve" in request.POST:
                services.approve(review.pk, request.user, text.replace("\r\n", "\n"), reason)
                messages.success(request, "已修改并批准发送。")
            else:
                services.approve(review.pk, request.user, None, reason)
                messages.success(request, "已批准发送。")
        except services.ReviewError as exc:
            messages.error(request, f"操作失败：{exc}")
            return HttpResponseRedirect(request.path)
        return HttpResponseRedirect(
            reverse("admin:monitor_review_changelist") + "?status__exact=pending"
        )


def _local(at: Any) -> str:
    """A stored time on the hospital's clock, as every other time on the page."""
    return f"{timezone.localtime(at):%Y-%m-%d %H:%M:%S}" if at else "—"


def _compact(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


class AuditActionFilter(admin.SimpleListFilter):
    title = "操作"
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return list(AuditAction.choices)

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at_label", "actor_label", "action_label", "review_label"]
    list_filter = [AuditActionFilter]
    readonly_fields = [
        "review_label",
        "action_label",
        "actor_label",
        "at_label",
        "before_label",
        "after_label",
        "detail_label",
    ]
    fields = readonly_fields
    before_label = admin.display(description="修改前")(lambda self, obj: obj.before)
    after_label = admin.display(description="修改后")(lambda self, obj: obj.after)
    detail_label = admin.display(description="详情")(
        lambda self, obj: _compact(obj.detail) if obj.detail else "—"
    )

    at_label = admin.display(description="时间", ordering="at")(lambda self, obj: _local(obj.at))
    actor_label = admin.display(description="操作人")(lambda self, obj: obj.actor_name)
    action_label = admin.display(description="操作")(lambda self, obj: obj.get_action_display())
    review_label = admin.display(description="审核")(lambda self, obj: obj.review)

    def get_queryset(self, request: HttpRequest):
        return AuditEvent.objects.filter(review__in=services.reviews_for(request.user))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return services.may_review(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return services.may_review(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
