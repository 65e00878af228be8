"""One notification of one Subscription about one resource version, until it is delivered
or given up (dead letter)."""

from __future__ import annotations

from django.db import models


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待发送（重试中）"
        DELIVERED = "delivered", "已送达"
        DEAD = "dead", "死信（已放弃）"
        CANCELLED = "cancelled", "已取消（订阅已不存在）"

    subscription_id = models.CharField("订阅 ID", max_length=64)
    resource_type = models.CharField("资源类型", max_length=64)
    resource_id = models.CharField("资源 ID", max_length=64)
    version_id = models.PositiveIntegerField("版本")
    endpoint = models.CharField("接收地址", max_length=2048)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    created = models.DateTimeField("创建时间")
    next_attempt_at = models.DateTimeField("下次尝试时间")
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    last_status_code = models.PositiveIntegerField("最近 HTTP 状态码", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=255, blank=True, default="")

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
