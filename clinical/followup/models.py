"""Stored follow-up assessments, per-patient follow-up state and sent care-team alerts.

Invariants: an ``Assessment`` row is immutable once written (a new run writes a new row, so the
history of dispositions stays visible); ``FollowupState`` holds one row per patient with the
latest disposition (the sweep compares against it to detect a change); ``AlertRecord`` is one
alert episode per patient: at most one open (not handled) alert per patient, carrying every
reason found while it is open and the highest severity; a finding (reason code + evidence)
folded into any episode never alerts again (``finding_keys``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ammed_fhir.models import Resource
from clinical.followup.services.ruledata import DISPOSITIONS, LABELS

# The choices come from the one ladder (``ruledata.DISPOSITIONS``) and its Chinese labels.
Disposition = models.TextChoices(
    "Disposition",
    [(d.upper().replace("-", "_"), (d, LABELS[d])) for d in DISPOSITIONS],
)


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
    """A care-team alert episode for one patient.

    One episode, one alert: while a patient's alert is not handled, every new review, urgent or
    emergency finding joins it (``reasons``, ``finding_keys``) instead of alerting again; the
    alert carries the highest severity of its reasons. A reason more severe than the alert's
    severity escalates it (``escalated_at``, a new care-team message, acknowledgement cleared);
    a new reason of the same or a lower severity is added and clears the acknowledgement, so
    the alert shows as unseen again. The same reason with new evidence counts ``repeats`` and
    ``last_seen``. A clinician acknowledges it, then marks it handled (who, when); a finding
    after that opens a new episode. The database allows one open alert per patient.

    ``finding_key`` is the key of the finding that opened the episode; ``reason_code`` the
    code of its most severe reason."""

    patient_id = models.CharField("患者 ID", max_length=64, db_index=True)
    finding_key = models.CharField("发现键", max_length=64, unique=True)
    reason_code = models.CharField("原因代码", max_length=64)
    disposition = models.CharField("级别", max_length=16, choices=Disposition.choices)
    reasons = models.JSONField("警报原因", default=list, blank=True)
    finding_keys = models.JSONField("已归入的发现", default=list, blank=True)
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
    escalated_at = models.DateTimeField("升级时间", null=True, blank=True)
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
        constraints = [
            models.UniqueConstraint(
                fields=["patient_id"],
                condition=models.Q(handled_at__isnull=True),
                name="fu_alert_one_open_per_patient",
            )
        ]
        verbose_name = "护理团队警报"
        verbose_name_plural = "护理团队警报"

    def __str__(self) -> str:
        return f"患者 {self.patient_id} 的警报（{self.get_disposition_display()}）"

    @property
    def reason_texts(self) -> list[str]:
        """Every reason of the episode in Chinese as a clinician reads it (the clinician
        wording of a syndrome, else the text), most severe first (as stored)."""
        from clinical.followup.services.rules.base import clinician_text

        return [clinician_text(r) for r in self.reasons or []]


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
