"""Stored follow-up assessments, per-patient follow-up state and sent care-team alerts.

Invariants: an ``Assessment`` row is immutable once written (a new run writes a new row, so the
history of dispositions stays visible); ``FollowupState`` holds one row per patient with the
latest disposition (the sweep compares against it to detect a change); ``AlertRecord`` has one
row per distinct finding (reason code + evidence) so the same finding never alerts twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ammed_fhir.models import Resource


class Disposition(models.TextChoices):
    SELF_CARE = "self-care", "居家自我管理"
    ROUTINE = "routine", "常规复诊"
    URGENT = "urgent", "24小时内就诊"
    EMERGENCY = "emergency", "立即急诊"


class Trigger(models.TextChoices):
    API = "api", "接口调用"
    OBSERVATION = "observation", "新观察数据"
    SWEEP = "sweep", "夜间巡检"
    DEMO = "demo", "演示"


class Assessment(models.Model):
    """One run of the follow-up engine for one patient (the full result JSON)."""

    patient_id = models.CharField("患者 ID", max_length=64)
    created = models.DateTimeField("创建时间", default=timezone.now)
    trigger = models.CharField(
        "触发方式", max_length=16, choices=Trigger.choices, default=Trigger.API
    )
    disposition = models.CharField("处置级别", max_length=16, choices=Disposition.choices)
    previous_disposition = models.CharField("上次处置级别", max_length=16, blank=True, default="")
    changed = models.BooleanField("级别有变化", default=False)
    result = models.JSONField("评估结果")
    careplan_id = models.CharField("随访计划 ID", max_length=64, blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["patient_id", "-created"], name="fu_assess_patient_created")
        ]
        ordering = ["-created"]
        verbose_name = "随访评估"
        verbose_name_plural = "随访评估"

    def __str__(self) -> str:
        return f"{self.patient_id} {self.disposition} @ {self.created:%Y-%m-%d %H:%M}"


class FollowupState(models.Model):
    """The latest disposition per patient (one row each)."""

    patient_id = models.CharField("患者 ID", max_length=64, unique=True)
    disposition = models.CharField("处置级别", max_length=16, choices=Disposition.choices)
    assessed = models.DateTimeField("评估时间")
    assessment = models.ForeignKey(
        Assessment, verbose_name="评估", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "随访状态"
        verbose_name_plural = "随访状态"

    def __str__(self) -> str:
        return f"{self.patient_id}: {self.disposition}"


class AlertRecord(models.Model):
    """A care-team alert sent for one finding; ``finding_key`` dedups repeats.

    One episode, one alert: while an alert for a patient and reason is not handled, the same
    reason found again (new readings, other evidence) raises ``repeats`` and ``last_seen``
    instead of a new alert. A clinician acknowledges it, then marks it handled (who, when)."""

    patient_id = models.CharField("患者 ID", max_length=64, db_index=True)
    finding_key = models.CharField("发现键", max_length=64, unique=True)
    reason_code = models.CharField("原因代码", max_length=64)
    disposition = models.CharField("级别", max_length=16, choices=Disposition.choices)
    communication_id = models.CharField("消息 ID", max_length=64, blank=True, default="")
    assessment = models.ForeignKey(
        Assessment,
        verbose_name="评估",
        null=True,
        on_delete=models.SET_NULL,
        related_name="alerts",
    )
    created = models.DateTimeField("首次警报", default=timezone.now)
    last_seen = models.DateTimeField("最近一次出现", null=True, blank=True)
    repeats = models.PositiveIntegerField("重复出现次数", default=0)
    acknowledged_at = models.DateTimeField("确认时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handled_at = models.DateTimeField("处理时间", null=True, blank=True, db_index=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handled_note = models.TextField("处理说明", blank=True, default="")

    class Meta:
        verbose_name = "护理团队警报"
        verbose_name_plural = "护理团队警报"

    def __str__(self) -> str:
        return f"患者 {self.patient_id} 的警报（{self.get_disposition_display()}）"


class CarePlanManager(models.Manager):
    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(resource_type="CarePlan")


class FollowupCarePlan(Resource):
    """Admin view of stored CarePlan resources (a proxy: the FHIR store owns the rows)."""

    objects = CarePlanManager()

    class Meta:
        proxy = True
        verbose_name = "随访计划 (CarePlan)"
        verbose_name_plural = "随访计划 (CarePlan)"
