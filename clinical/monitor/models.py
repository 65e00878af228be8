"""Review records for held messages and the append-only audit trail of clinician actions.

Invariants:
- every held (``on-hold``) Communication has exactly one ``Review`` (unique communication_id);
- a Review leaves ``pending`` exactly once (approved / rejected), through ``services``; a
  decided Review is immutable: its decision fields cannot change and it cannot be deleted
  (the model and its queryset refuse; on PostgreSQL a trigger too, migration 0003);
- ``AuditEvent`` rows are append-only: the model refuses updates and deletes, its queryset
  refuses bulk update/delete, and the admin shows them read-only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已批准发送"
    REJECTED = "rejected", "已拒绝"


# What a decision fixes: once a review is decided none of these may change.
DECISION_FIELDS = frozenset(
    {
        "status",
        "decided_by",
        "decided_by_id",
        "decided_at",
        "final_text",
        "original_text",
        "reason",
        "patient_id",
        "communication_id",
    }
)


class ReviewQuerySet(models.QuerySet):
    """Bulk changes cannot touch a decided review's decision, nor delete a decided review."""

    def update(self, **kwargs: Any) -> int:
        if DECISION_FIELDS & set(kwargs) and self.exclude(status=ReviewStatus.PENDING).exists():
            raise PermissionError("a decided review cannot be changed")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.exclude(status=ReviewStatus.PENDING).exists():
            raise PermissionError("a decided review cannot be deleted")
        return super().delete()


class Review(models.Model):
    """A held patient message awaiting clinician sign-off (the review queue).

    Invariant: once decided (approved/rejected) the decision is fixed: ``save`` refuses a
    change to any of ``DECISION_FIELDS`` and ``delete`` refuses outright."""

    communication_id = models.CharField(max_length=64, unique=True)
    patient_id = models.CharField(max_length=64, db_index=True)
    category = models.CharField(max_length=32, blank=True, default="")
    status = models.CharField(
        max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.PENDING, db_index=True
    )
    original_text = models.TextField()
    final_text = models.TextField(blank=True, default="")
    findings = models.JSONField(default=list, blank=True)
    message = models.JSONField(default=dict, blank=True)  # about, structured, recipients
    created = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True, default="")
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalate_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["created", "id"]
        verbose_name = "待审核消息"
        verbose_name_plural = "待审核消息（审核队列）"

    def __str__(self) -> str:
        return f"Communication/{self.communication_id} ({self.get_status_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and self.pk is not None:
            stored = (
                Review.objects.filter(pk=self.pk)
                .exclude(status=ReviewStatus.PENDING)
                .values(*(f for f in DECISION_FIELDS if f != "decided_by"))
                .first()
            )
            if stored is not None and any(
                getattr(self, name) != value for name, value in stored.items()
            ):
                raise PermissionError(f"Review {self.pk}: a decided review cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if Review.objects.filter(pk=self.pk).exclude(status=ReviewStatus.PENDING).exists():
            raise PermissionError(f"Review {self.pk}: a decided review cannot be deleted")
        return super().delete(*args, **kwargs)


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit events are append-only")


class AuditAction(models.TextChoices):
    HOLD = "hold", "拦截待审"
    NOTIFY = "notify", "通知医护"
    APPROVE = "approve", "批准发送"
    EDIT_APPROVE = "edit_approve", "修改后批准"
    REJECT = "reject", "拒绝"
    ESCALATE = "escalate", "升级"


class AuditEvent(models.Model):
    """One clinician or system action on a review: who, when, before, after. Append-only."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="audit_events")
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True, default="system")
    at = models.DateTimeField(auto_now_add=True)
    before = models.TextField(blank=True, default="")
    after = models.TextField(blank=True, default="")
    detail = models.JSONField(default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "审核审计记录"
        verbose_name_plural = "审核审计记录"

    def __str__(self) -> str:
        from django.utils import timezone

        # the hospital's clock, as every other time on the page
        at = f"{timezone.localtime(self.at):%Y-%m-%d %H:%M}" if self.at else ""
        return f"{at} {self.actor_name} {self.get_action_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or not self._state.adding:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit events are append-only")
