"""Conversation history, one row per message, per patient."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AgentMessage(models.Model):
    """One message in a patient's conversation with AM-Med.

    Invariants: an inbound row is stored before anything is answered; every outbound row
    was submitted through ``clinical.monitor.gate.submit`` and records the gate's decision
    (``released`` or ``held``) and the Communication it wrote. A FHIR Communication sent by
    the patient is answered at most once (``source_ref`` is unique). An inbound message posted
    by someone other than the patient (a clinician on the patient's behalf) names them as
    ``author``: it is their message, and what it records (a dose acknowledgement) is theirs.
    """

    class Direction(models.TextChoices):
        INBOUND = "in", "患者"
        OUTBOUND = "out", "AM-Med"

    class Status(models.TextChoices):
        RECEIVED = "received", "已收到"
        RELEASED = "released", "已发送"
        HELD = "held", "待审核"

    patient_id = models.CharField("患者 ID", max_length=64, db_index=True)
    direction = models.CharField("发送方", max_length=3, choices=Direction.choices)
    text = models.TextField("内容")
    status = models.CharField("状态", max_length=16, choices=Status.choices)
    intent = models.CharField("意图", max_length=32, blank=True, default="")
    route = models.CharField("处理路径", max_length=32, blank=True, default="")
    outcome = models.CharField("处理结果", max_length=16, blank=True, default="")
    understanding = models.JSONField("理解结果", default=dict, blank=True)
    structured = models.JSONField("结构化内容", default=dict, blank=True)
    draft = models.TextField("模板草稿", blank=True, default="")  # the engine's template text
    phrasing_source = models.CharField("措辞来源", max_length=24, blank=True, default="")
    communication_id = models.CharField("消息 ID", max_length=64, blank=True, default="")
    source = models.CharField("来源", max_length=16, default="api")  # api | fhir
    source_ref = models.CharField("来源引用", max_length=128, null=True, blank=True, unique=True)
    reply_to = models.ForeignKey(
        "self",
        verbose_name="回复的消息",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    # Who posted an inbound message when it was not the patient; empty for the patient's own.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="代发者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        ordering = ["patient_id", "id"]
        indexes = [models.Index(fields=["patient_id", "id"], name="agent_msg_patient")]
        verbose_name = "对话消息"
        verbose_name_plural = "对话消息"

    def __str__(self) -> str:
        return f"{self.patient_id} {self.direction} #{self.pk}"
