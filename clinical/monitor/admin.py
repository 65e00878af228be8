"""Django admin review queue: clinicians approve, edit-then-approve or reject held messages.

Only reviews the user may see are listed (``services.reviews_for``); decisions go through
``services`` (never a raw model save), and the audit trail is read-only.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from clinical.monitor import services
from clinical.monitor.models import AuditEvent, Review, ReviewStatus

DECISIONS = ("_approve", "_edit_approve", "_reject")


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
    fields = ["at", "actor_name", "action", "before", "after"]
    readonly_fields = fields
    verbose_name_plural = "审计记录"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return services.may_review(request.user)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    form = ReviewForm
    list_display = [
        "id",
        "patient_id",
        "category",
        "status",
        "finding_codes",
        "created",
        "escalation_level",
    ]
    list_filter = ["status", "category"]
    list_display_links = ["id", "patient_id"]
    ordering = ["created", "id"]
    readonly_fields = [
        "patient_id",
        "category",
        "status",
        "held_text",
        "findings_table",
        "final_text",
        "decided_by",
        "decided_at",
        "reason",
    ]
    fieldsets = [
        (None, {"fields": ["patient_id", "category", "status", "held_text", "findings_table"]}),
        ("审核", {"fields": ["edited_text", "decision_reason"]}),
        ("结果", {"fields": ["final_text", "decided_by", "decided_at", "reason"]}),
    ]
    inlines = [AuditInline]
    change_form_template = "admin/monitor/review/change_form.html"

    # --- permissions: clinicians on their reviews, never patients or integrations ----------
    def get_queryset(self, request: HttpRequest):
        return services.reviews_for(request.user)

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
        return ", ".join(
            sorted({f.get("code", "") for f in obj.findings if f.get("severity") != "low"})
        )

    @admin.display(description="被拦截的消息（标黄为问题处）")
    def held_text(self, obj: Review) -> SafeString:
        return highlight(obj.original_text, obj.findings)

    @admin.display(description="监控发现")
    def findings_table(self, obj: Review) -> SafeString:
        rows = "".join(
            format_html(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                f.get("severity", ""),
                f.get("code", ""),
                f.get("excerpt", ""),
                f.get("explanation", ""),
                f.get("source", ""),
            )
            for f in obj.findings
        )
        return format_html(
            '<table class="findings"><tr><th>级别</th><th>代码</th><th>原文</th><th>说明</th><th>依据</th></tr>{}</table>',
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
            if "_reject" in request.POST:
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


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "action", "review"]
    list_filter = ["action"]
    readonly_fields = ["review", "action", "actor", "actor_name", "at", "before", "after", "detail"]

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
