"""Django admin: stored resources (pretty JSON), patients, versions, assignments, accounts."""

from __future__ import annotations

import json

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils.html import format_html

from ammed_fhir.models import (
    OutboxEvent,
    PatientAccount,
    PatientAssignment,
    PatientResource,
    PractitionerAccount,
    Resource,
    ResourceVersion,
)
from clinical.workspace.admin_mixins import CompartmentAdminMixin


def _pretty(data: object) -> str:
    return format_html(
        '<pre style="white-space: pre-wrap; max-width: 100em">{}</pre>',
        json.dumps(data, ensure_ascii=False, indent=2),
    )


class _ReadOnlyJsonAdmin(admin.ModelAdmin):
    """FHIR data changes only through /fhir and the store (validated and versioned)."""

    exclude = ("data",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="FHIR 原始记录 (JSON)")
    def pretty_json(self, obj) -> str:
        return _pretty(obj.data)


@admin.register(Resource)
class ResourceAdmin(CompartmentAdminMixin, _ReadOnlyJsonAdmin):
    list_display = (
        "resource_type",
        "resource_id",
        "version_id",
        "patient_id",
        "status",
        "last_updated",
    )
    list_filter = ("resource_type",)
    search_fields = ("resource_id", "patient_id")
    readonly_fields = ("pretty_json",)
    show_full_result_count = False


@admin.register(ResourceVersion)
class ResourceVersionAdmin(_ReadOnlyJsonAdmin):
    list_display = ("resource_type", "resource_id", "version_id", "last_updated")
    list_filter = ("resource_type",)
    search_fields = ("resource_id",)
    readonly_fields = ("pretty_json",)
    show_full_result_count = False


@admin.register(PatientResource)
class PatientAdmin(CompartmentAdminMixin, _ReadOnlyJsonAdmin):
    patient_field = "resource_id"
    list_display = ("resource_id", "name", "gender", "birth_date", "care_team", "last_updated")
    search_fields = ("resource_id",)
    readonly_fields = ("care_team", "pretty_json")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(resource_type="Patient")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The clinician's patient page (summary, charts, timeline); ``?raw=1`` shows the
        stored FHIR JSON to superusers."""
        from django.http import Http404
        from django.template.response import TemplateResponse
        from django.utils import timezone
        from django.utils.safestring import mark_safe

        from clinical.followup.chart import svg_for
        from clinical.workspace import patient_page

        if request.GET.get("raw") and request.user.is_superuser:
            return super().change_view(request, object_id, form_url, extra_context)
        rows = self.get_queryset(request)
        obj = rows.filter(resource_id=object_id).first()  # the worklist links by patient id
        if obj is None and str(object_id).isdigit():
            obj = rows.filter(pk=int(object_id)).first()  # the changelist links by row id
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404("patient not found")
        from ammed_fhir.audit import note_read

        note_read([obj.resource_id])
        s = patient_page.summary(obj.resource_id)
        if s is None:
            raise Http404("patient not found")
        context = {
            **self.admin_site.each_context(request),
            "title": s["name"],
            "s": s,
            "team": [
                u.get_full_name() or u.get_username()
                for u in get_user_model().objects.filter(
                    pk__in=PatientAssignment.objects.filter(patient_id=obj.resource_id).values_list(
                        "user_id", flat=True
                    )
                )
            ],
            "charts": mark_safe(svg_for(s["record"], timezone.now())),  # escaped parts only
            "timeline": patient_page.timeline(obj.resource_id, request.user, s["record"]),
            "raw_url": "?raw=1" if request.user.is_superuser else "",
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/workspace/patient.html", context)

    @admin.display(description="姓名")
    def name(self, obj) -> str:
        names = obj.data.get("name") or [{}]
        first = names[0]
        return first.get("text") or "".join([first.get("family", ""), *first.get("given", [])])

    @admin.display(description="性别")
    def gender(self, obj) -> str:
        from clinical.workspace.patients import GENDER_ZH

        return GENDER_ZH.get(obj.data.get("gender", ""), "性别不详")

    @admin.display(description="出生日期")
    def birth_date(self, obj) -> str:
        return obj.data.get("birthDate", "")

    @admin.display(description="负责医护")
    def care_team(self, obj) -> str:
        users = PatientAssignment.objects.filter(patient_id=obj.resource_id).values_list(
            "user__username", flat=True
        )
        return ", ".join(users)


@admin.register(PatientAssignment)
class PatientAssignmentAdmin(CompartmentAdminMixin, admin.ModelAdmin):
    """Assigning a clinician here grants the guardian object permission (signals)."""

    audit_admin_writes = False  # the assignment signals audit create/delete, whoever does it
    list_display = ("patient_label", "user_label", "source_label", "created_label")
    list_filter = ("source",)

    @admin.display(description="患者", ordering="patient_id")
    def patient_label(self, obj: PatientAssignment) -> str:
        from clinical.workspace.patients import briefs

        return briefs([obj.patient_id])[obj.patient_id]

    @admin.display(description="负责医护", ordering="user__username")
    def user_label(self, obj: PatientAssignment) -> str:
        return obj.user.get_full_name() or obj.user.get_username()

    @admin.display(description="来源", ordering="source")
    def source_label(self, obj: PatientAssignment) -> str:
        return {"generalPractitioner": "主管医生（EMR）", "api": "接口分配", "demo": "演示"}.get(
            obj.source, obj.source
        )

    @admin.display(description="分配时间", ordering="created")
    def created_label(self, obj: PatientAssignment) -> object:
        return obj.created

    search_fields = ("patient_id", "user__username")
    autocomplete_fields = ("user",)


@admin.register(PatientAccount)
class PatientAccountAdmin(admin.ModelAdmin):
    list_display = ("user", "patient_id")
    search_fields = ("patient_id", "user__username")


@admin.register(PractitionerAccount)
class PractitionerAccountAdmin(admin.ModelAdmin):
    list_display = ("user", "practitioner_id")
    search_fields = ("practitioner_id", "user__username")


@admin.register(OutboxEvent)
class OutboxEventAdmin(admin.ModelAdmin):
    """Change events (read-only): pending and failed ones stay visible here."""

    list_display = ("id", "topic", "created_at", "dispatched_at", "attempts", "last_error")
    list_filter = ("topic", ("dispatched_at", admin.EmptyFieldListFilter))
    readonly_fields = [f.name for f in OutboxEvent._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
