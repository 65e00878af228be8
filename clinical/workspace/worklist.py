"""The clinician's worklist: their patients ordered by urgency, each with its reasons.

Order (most urgent first): the latest follow-up disposition (emergency, urgent, review,
routine, self-care, none: the one ladder), then the number of open emergency/urgent alerts, then the longest-waiting
pending review. Pending reviews count as overdue past ``AMMED_REVIEW_SLA_MIN`` minutes (the
monitor's escalation chain, ``AMMED_MONITOR_ESCALATE_AFTER_MIN``, escalates them).
Everything is limited to ``access.visible_patient_ids(user)``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone

from ammed_fhir import access
from ammed_fhir.models import Resource
from clinical.followup.services.ruledata import DISPOSITIONS, LABELS, RANK
from clinical.workspace import patients
from clinical.workspace.labels import alert_text

# the one ladder of dispositions and its labels (clinical.followup.services.ruledata)
DISPOSITION_ZH = LABELS
URGENT = DISPOSITIONS[DISPOSITIONS.index("urgent") :]  # the patient needs care within 24 h or now


@dataclass
class Row:
    patient_id: str
    label: str
    disposition: str = ""
    reasons: list[str] = field(default_factory=list)
    open_alerts: list[str] = field(default_factory=list)
    urgent_alerts: int = 0
    pending_reviews: list[dict[str, Any]] = field(default_factory=list)
    overdue_reviews: int = 0
    overdue_activities: list[str] = field(default_factory=list)
    critical_adherence: list[str] = field(default_factory=list)
    last_contact: dt.datetime | None = None
    oldest_wait_s: float = 0.0

    @property
    def disposition_label(self) -> str:
        return DISPOSITION_ZH.get(self.disposition, "尚未评估")

    def sort_key(self) -> tuple:
        # most urgent first; a patient not yet assessed after self-care
        level = -RANK.get(self.disposition, -1)
        return (level, -self.urgent_alerts, -self.oldest_wait_s)


def _patient_ids(user: Any) -> list[str]:
    visible = access.visible_patient_ids(user)
    rows = Resource.objects.filter(resource_type="Patient")
    if visible is not None:
        rows = rows.filter(resource_id__in=sorted(visible))
    return sorted(rows.values_list("resource_id", flat=True))


def _overdue_activities(plan: dict[str, Any], today: dt.date) -> list[str]:
    out = []
    for act in plan.get("activity") or []:
        d = act.get("detail") or {}
        if d.get("status") not in ("scheduled", "not-started"):
            continue
        end = (d.get("scheduledPeriod") or {}).get("end")
        if end and str(end)[:10] < today.isoformat():
            out.append(f"{(d.get('code') or {}).get('text', '随访活动')}（应于 {str(end)[:10]}）")
    return out


def _critical_adherence(ids: list[str], start: dt.datetime, end: dt.datetime) -> dict[str, list]:
    """Per patient, each critical medicine's adherence in [start, end) as ``华法林 33%``: one
    query for every patient (the same ratio as ``orders.services.adherence``: taken /
    (taken + skipped + missed), pending doses not counted)."""
    from clinical.orders.models import DoseReminder, OrderSchedule, ReminderState, Response

    critical = OrderSchedule.objects.exclude(critical_class="").values("request_id")
    rows = (
        DoseReminder.objects.filter(
            patient_id__in=ids,
            due_at__gte=start,
            due_at__lt=end,
            snooze_of_key="",
            request_id__in=critical,
        )
        .exclude(state__in=(ReminderState.CANCELLED, ReminderState.FAILED))
        .values("patient_id", "request_id", "medication")
        .annotate(
            taken=Count("pk", filter=Q(response=Response.TAKEN)),
            due=Count(
                "pk",
                filter=Q(response__in=(Response.TAKEN, Response.SKIPPED, Response.MISSED)),
            ),
        )
        .order_by("patient_id", "medication", "request_id")
    )
    out: dict[str, list[str]] = {}
    for r in rows:
        if r["due"]:
            ratio = round(r["taken"] / r["due"], 3)
            out.setdefault(r["patient_id"], []).append(f"{r['medication']} {ratio:.0%}")
    return out


def build(user: Any, now: dt.datetime | None = None) -> list[Row]:
    """The worklist of ``user``, most urgent first. The number of queries does not grow with
    the number of patients (each kind of row is read once for all of them)."""
    from clinical.agent.models import AgentMessage
    from clinical.followup.models import FollowupState
    from clinical.followup.services.rules.base import clinician_text
    from clinical.monitor import services as monitor
    from clinical.monitor.models import ReviewStatus

    now = now or timezone.now()
    ids = _patient_ids(user)
    labels = patients.briefs(ids)
    rows = {pid: Row(pid, labels[pid]) for pid in ids}
    sla = dt.timedelta(minutes=settings.AMMED_REVIEW_SLA_MIN)

    for state in FollowupState.objects.filter(patient_id__in=ids).select_related("assessment"):
        row = rows[state.patient_id]
        row.disposition = state.disposition
        result = state.assessment.result if state.assessment else {}
        row.reasons = [
            clinician_text(r)
            for r in (result or {}).get("reasons", [])
            if r.get("disposition") == state.disposition
        ][:3]
    for alert in open_alerts(ids):
        row = rows[alert.patient_id]
        row.open_alerts.append(f"{alert_text(alert)}（{alert.get_disposition_display()}）")
        row.urgent_alerts += alert.disposition in URGENT
    for review in monitor.reviews_for(user).filter(status=ReviewStatus.PENDING, patient_id__in=ids):
        row = rows[review.patient_id]
        waited = now - review.created
        row.pending_reviews.append(
            {
                "id": review.pk,
                "waiting": patients.waiting(review.created, now),
                "overdue": waited > sla,
            }
        )
        row.overdue_reviews += waited > sla
        row.oldest_wait_s = max(row.oldest_wait_s, waited.total_seconds())
    today = timezone.localdate(now)
    for pid, data in Resource.objects.filter(
        resource_type="CarePlan", patient_id__in=ids, status="active"
    ).values_list("patient_id", "data"):
        rows[pid].overdue_activities += _overdue_activities(data, today)
    for pid, meds in _critical_adherence(ids, now - dt.timedelta(days=7), now).items():
        rows[pid].critical_adherence = meds
    for pid, last in (
        AgentMessage.objects.filter(patient_id__in=ids, direction="in")
        .values("patient_id")
        .annotate(last=Max("created"))
        .values_list("patient_id", "last")
    ):
        rows[pid].last_contact = last
    return sorted(rows.values(), key=Row.sort_key)


def open_alerts(patient_ids: list[str]) -> list[Any]:
    """Alerts nobody has marked handled (one episode per patient)."""
    from clinical.followup.models import AlertRecord

    qs = AlertRecord.objects.filter(patient_id__in=patient_ids, handled_at__isnull=True)
    return list(qs.select_related("assessment").order_by("-created"))


def summary(rows: list[Row]) -> dict[str, int]:
    return {
        "patients": len(rows),
        "pending": sum(len(r.pending_reviews) for r in rows),
        "overdue": sum(r.overdue_reviews for r in rows),
        "urgent": sum(r.disposition in URGENT for r in rows),
        "review": sum(r.disposition == "review" for r in rows),
        "overdue_activities": sum(len(r.overdue_activities) for r in rows),
    }


FILTERS = {
    "": "全部患者",
    "urgent": "急诊/24小时内就诊",
    "review": "24小时内医护查看",
    "pending": "有待审核消息",
    "overdue": "审核已超时",
    "alerts": "有未处理警报",
}


def keep(row: Row, wanted: str) -> bool:
    """Does ``row`` pass the filter ``wanted`` (a key of ``FILTERS``; "" keeps all)?"""
    if wanted == "urgent":
        return row.disposition in URGENT
    if wanted == "review":
        return row.disposition == "review"
    if wanted == "pending":
        return bool(row.pending_reviews)
    if wanted == "overdue":
        return row.overdue_reviews > 0 or bool(row.overdue_activities)
    if wanted == "alerts":
        return bool(row.open_alerts)
    return True


def as_dict(row: Row) -> dict[str, Any]:
    """One worklist row as the API serves it (times in local time, ISO 8601)."""
    return {
        "patient_id": row.patient_id,
        "patient": row.label,
        "disposition": row.disposition,
        "disposition_label": row.disposition_label,
        "reasons": row.reasons,
        "open_alerts": row.open_alerts,
        "urgent_alerts": row.urgent_alerts,
        "pending_reviews": row.pending_reviews,
        "overdue_reviews": row.overdue_reviews,
        "overdue_activities": row.overdue_activities,
        "critical_adherence": row.critical_adherence,
        "last_contact": timezone.localtime(row.last_contact).isoformat()
        if row.last_contact
        else None,
    }
