"""One notification of one Subscription about one resource version, until it is delivered
or given up (dead letter)."""

from __future__ import annotations

from django.db import models


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待发送 / retrying"
        DELIVERED = "delivered", "已送达 / delivered"
        DEAD = "dead", "死信 / dead letter"
        CANCELLED = "cancelled", "已取消 / subscription gone"

    subscription_id = models.CharField(max_length=64)
    resource_type = models.CharField(max_length=64)
    resource_id = models.CharField(max_length=64)
    version_id = models.PositiveIntegerField()
    endpoint = models.CharField(max_length=2048)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created = models.DateTimeField()
    next_attempt_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscription_id", "resource_type", "resource_id", "version_id"],
                name="uniq_subscription_delivery",
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="sub_due")]
        verbose_name = "订阅推送"
        verbose_name_plural = "订阅推送"

    def __str__(self) -> str:
        return (
            f"Subscription/{self.subscription_id} → "
            f"{self.resource_type}/{self.resource_id}/_history/{self.version_id} ({self.status})"
        )
