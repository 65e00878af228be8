from __future__ import annotations

from django.contrib import admin
from django.utils import timezone

from ammed_fhir.subscriptions.models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "subscription_id",
        "resource_type",
        "resource_id",
        "version_id",
        "status",
        "attempts",
        "last_status_code",
        "last_error",
        "next_attempt_at",
        "created",
    )
    list_filter = ("status", "resource_type")
    search_fields = ("subscription_id", "resource_id")
    ordering = ("-created",)
    actions = ["retry_now"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="立即重新投递所选（死信与待发送）")
    def retry_now(self, request, queryset) -> None:
        n = queryset.exclude(status=Delivery.Status.DELIVERED).update(
            status=Delivery.Status.PENDING, next_attempt_at=timezone.now(), created=timezone.now()
        )
        self.message_user(request, f"{n} 条推送将在下一次巡检时重新投递")
