"""Order schedules, dose reminders, their deliveries, and per-patient routines.

Clinical invariants:
- A dose is scheduled only from an active MedicationRequest whose dosage was understood
  and passed the dose check (or was approved by a clinician for exactly that dosage).
- One ``DoseReminder`` per (order, due time): ``key`` is unique and doubles as the
  idempotency key of the reminder Communication and of every channel delivery.
- Work is claimed with conditional updates (``filter(id=…, state=…).update(…) == 1``);
  a claim older than the stale window is reclaimed, so a killed worker loses nothing.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models


class PatientRoutine(models.Model):
    """A patient's day: meal, wake and bed times that place meal-relative doses.

    Defaults follow a common Chinese household day; clinicians or the patient edit them.
    """

    patient_id = models.CharField("患者 ID", max_length=64, unique=True)
    timezone = models.CharField("时区", max_length=64, default="Asia/Shanghai")
    wake_time = models.TimeField("起床", default=dt.time(6, 30))
    breakfast_time = models.TimeField("早餐", default=dt.time(7, 30))
    lunch_time = models.TimeField("午餐", default=dt.time(12, 0))
    dinner_time = models.TimeField("晚餐", default=dt.time(18, 0))
    bed_time = models.TimeField("就寝", default=dt.time(22, 0))
    before_meal_minutes = models.PositiveSmallIntegerField("饭前提前(分钟)", default=30)
    after_meal_minutes = models.PositiveSmallIntegerField("饭后延后(分钟)", default=30)
    updated = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "患者作息"
        verbose_name_plural = "患者作息"

    def __str__(self) -> str:
        return f"Patient/{self.patient_id} routine"


class OrderStatus(models.TextChoices):
    SCHEDULED = "scheduled", "已排程"
    NEEDS_REVIEW = "needs_review", "待审核"
    PRN = "prn", "按需(不提醒)"
    INACTIVE = "inactive", "已停止"


class OrderSchedule(models.Model):
    """The scheduling decision for one MedicationRequest (one row per request).

    ``needs_review`` orders are never scheduled; a clinician's approval is bound to the
    dosage fingerprint it was given for, so a later change needs a new approval.
    """

    request_id = models.CharField("医嘱 ID", max_length=64, unique=True)
    patient_id = models.CharField("患者 ID", max_length=64, db_index=True)
    version_id = models.PositiveIntegerField("版本", default=0)
    medication = models.CharField("药品", max_length=200, blank=True, default="")
    dosage = models.JSONField("用法", default=dict, blank=True)
    source = models.CharField("来源", max_length=16, default="parsed")  # structured | parsed
    status = models.CharField("状态", max_length=16, choices=OrderStatus.choices)
    issues = models.JSONField("问题", default=list, blank=True)
    critical_class = models.CharField("重点药物类别", max_length=64, blank=True, default="")
    fingerprint = models.CharField("用法指纹", max_length=64, blank=True, default="")
    approved_fingerprint = models.CharField(
        "已批准的用法指纹", max_length=64, blank=True, default=""
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="批准人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)
    starts = models.DateTimeField("开始", null=True, blank=True)
    ends = models.DateTimeField("结束", null=True, blank=True)
    updated = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "医嘱排程"
        verbose_name_plural = "医嘱排程"

    def __str__(self) -> str:
        return f"{self.medication or self.request_id} ({self.get_status_display()})"


class ReminderState(models.TextChoices):
    PENDING = "pending", "待发送"
    CLAIMED = "claimed", "发送中"  # no longer written: batches hold row locks instead
    SUBMITTED = "submitted", "已提交审核"
    RELEASED = "released", "已发出"
    CANCELLED = "cancelled", "已取消"
    FAILED = "failed", "失败"


class Response(models.TextChoices):
    TAKEN = "taken", "已服"
    SKIPPED = "skipped", "跳过"
    SNOOZED = "snoozed", "稍后"
    MISSED = "missed", "漏服"


class DoseReminder(models.Model):
    """One scheduled dose of one order, and what the patient did about it."""

    key = models.CharField("幂等键", max_length=80)  # unique: see Meta (no LIKE twin index)
    patient_id = models.CharField("患者 ID", max_length=64)
    request_id = models.CharField("医嘱 ID", max_length=64)
    medication = models.CharField("药品", max_length=200)
    dose_text = models.CharField("剂量", max_length=64, blank=True, default="")
    instruction = models.CharField("用法说明", max_length=200, blank=True, default="")
    due_at = models.DateTimeField("应服时间")
    state = models.CharField(
        "状态", max_length=16, choices=ReminderState.choices, default=ReminderState.PENDING
    )
    enqueued_at = models.DateTimeField("入队时间", null=True, blank=True)
    claimed_at = models.DateTimeField("领取时间", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    communication_id = models.CharField("消息 ID", max_length=80, blank=True, default="")
    response = models.CharField(
        "患者回复", max_length=16, choices=Response.choices, blank=True, default=""
    )
    responded_at = models.DateTimeField("回复时间", null=True, blank=True)
    response_at = models.DateTimeField(
        "服药时间", null=True, blank=True
    )  # when the patient says it happened
    # Who recorded the answer when it was not the patient (a clinician, an EMR integration);
    # empty for the patient's own answer. Every such answer is also an audit record.
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="代为回复者",
    )
    snoozed_until = models.DateTimeField("稍后提醒至", null=True, blank=True)
    # A "remind me later" re-reminder points at the dose it repeats (adherence counts the dose).
    snooze_of_key = models.CharField("稍后提醒来源", max_length=80, blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key"], name="rem_key_unique")]
        # Partial indexes keep the beat sweeps cheap on a table of millions of doses.
        indexes = [
            models.Index(
                fields=["due_at"], name="rem_pending_due", condition=models.Q(state="pending")
            ),
            models.Index(
                fields=["due_at"],
                name="rem_unanswered_due",
                condition=models.Q(
                    response__in=["", "snoozed"], state__in=["submitted", "released"]
                ),
            ),
            models.Index(fields=["patient_id", "due_at"], name="rem_patient_due"),
            models.Index(fields=["request_id", "due_at"], name="rem_request_due"),
        ]
        verbose_name = "服药提醒"
        verbose_name_plural = "服药提醒"

    def __str__(self) -> str:
        return f"{self.medication} @ {self.due_at:%Y-%m-%d %H:%M}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "待投递"
    SENDING = "sending", "投递中"  # no longer written: a send holds row locks instead
    DELIVERED = "delivered", "已投递"
    FAILED = "failed", "失败"


class Delivery(models.Model):
    """Outbox row: one released Communication to one channel (unique together).

    Created only by the gate's release handler, so only released messages are delivered.
    """

    communication_id = models.CharField("消息 ID", max_length=80)
    patient_id = models.CharField("患者 ID", max_length=64)
    channel = models.CharField("渠道", max_length=32)
    key = models.CharField("幂等键", max_length=120)  # the idempotency key sent to the channel
    payload = models.JSONField("内容", default=dict)
    state = models.CharField(
        "状态", max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试时间", null=True, blank=True)
    claimed_at = models.DateTimeField("领取时间", null=True, blank=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=300, blank=True, default="")
    created = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["communication_id", "channel"], name="uniq_delivery_comm_channel"
            )
        ]
        indexes = [
            models.Index(fields=["patient_id"], name="dlv_patient"),
            models.Index(fields=["state", "next_attempt_at"], name="dlv_state_next"),
        ]
        verbose_name = "消息投递"
        verbose_name_plural = "消息投递"

    def __str__(self) -> str:
        return f"{self.channel}: {self.communication_id} ({self.state})"
