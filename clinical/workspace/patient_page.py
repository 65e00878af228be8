"""The clinician's patient page: summary, charts, and one timeline of everything that happened.

Shows only what is stored (the EMR's record, AM-Med's rows); callers check the compartment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from ammed_fhir import store
from ammed_fhir.summary import _quantity, _text
from clinical.knowledge.patient import PatientContext
from clinical.workspace import patients

TIMELINE_LIMIT = 150


def _when(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if not value:
        return None
    parsed = parse_datetime(str(value))
    if parsed is None:
        day = parse_date(str(value)[:10])
        if day is None:
            return None
        parsed = dt.datetime.combine(day, dt.time())
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _marked(resource: dict[str, Any], unconfirmed: set[str]) -> str:
    """A diagnosis or allergy as written, with ``（未确认）`` when the shared patient context
    counts it although its verification status is unconfirmed/provisional/differential (the
    engines still honour it; the clinician should confirm or refute it)."""
    text = _text(resource.get("code"))
    ref = f"{resource.get('resourceType', '')}/{resource.get('id', '')}"
    return f"{text}（未确认）" if ref in unconfirmed else text


def summary(patient_id: str, now: dt.datetime | None = None) -> dict[str, Any] | None:
    """Name, age, sex, diagnoses, allergies, active orders with their own adherence."""
    from clinical.orders.services import adherence

    record = store.patient_record(patient_id)
    if record is None:
        return None
    now = now or timezone.now()
    p = record.patient
    meds = {
        m["medication_request"]: m
        for m in adherence.adherence(patient_id, now - dt.timedelta(days=28), now)["medications"]
    }
    orders = []
    for mr in record.medication_requests:
        if mr.get("status") not in (None, "active", "on-hold"):
            continue
        own = meds.get(mr.get("id"), {})
        ratio = own.get("adherence")
        orders.append(
            {
                "name": _text(mr.get("medicationCodeableConcept")),
                "sig": "；".join(d.get("text", "") for d in mr.get("dosageInstruction") or []),
                "critical": own.get("critical_class", ""),
                "adherence": "—" if ratio is None else f"{ratio:.0%}",
                "low": ratio is not None and ratio < 0.8,
            }
        )
    ctx = PatientContext.from_record(record, now=now)
    unconfirmed = {f.ref for f in (*ctx.conditions, *ctx.allergies) if f.unconfirmed}
    return {
        "id": patient_id,
        "name": patients._name(p) or patient_id,
        "sex": patients.GENDER_ZH.get(p.get("gender", ""), "性别不详"),
        "age": patients.age_label(p, now),
        "diagnoses": [_marked(c, unconfirmed) for c in record.conditions],
        "procedures": [
            f"{_text(pr.get('code'))} {str(pr.get('performedDateTime', ''))[:10]}".strip()
            for pr in record.procedures
        ],
        "allergies": [_marked(a, unconfirmed) for a in record.allergies] or ["无记录"],
        "orders": orders,
        "record": record,
    }


def message_symptoms(text: str) -> list[str]:
    """The symptoms a patient's message states (not negated), in Chinese, each once, read by
    the shared lexicon (``clinical.knowledge.symptoms``); a body site qualifies its pain."""
    from clinical.knowledge import symptoms

    out: list[str] = []
    for m in symptoms.find_symptoms(text or ""):
        if m.negated:
            continue
        name = symptoms.label(m.concept)
        if m.site and m.site not in name:
            name = f"{name}（{m.site}）"
        if name not in out:
            out.append(name)
    return out


def timeline(patient_id: str, user: Any, record: Any = None) -> list[dict[str, Any]]:
    """Readings, symptoms, messages, reminders, assessments, CarePlans and reviews, newest
    first (at most ``TIMELINE_LIMIT``), each with a local time, a kind and a Chinese line."""
    from clinical.agent.models import AgentMessage
    from clinical.followup.models import Assessment
    from clinical.followup.services.rules.base import clinician_text
    from clinical.monitor import services as monitor
    from clinical.orders.models import DoseReminder
    from clinical.workspace.worklist import DISPOSITION_ZH

    record = record or store.patient_record(patient_id)
    items: list[tuple[dt.datetime, str, str]] = []
    for obs in record.observations if record else []:
        at = _when(obs.get("effectiveDateTime") or obs.get("issued"))
        if at:
            kind = "症状" if obs.get("valueCodeableConcept") or obs.get("valueString") else "读数"
            items.append((at, kind, f"{_text(obs.get('code'))} {_quantity(obs)}"))
    for m in AgentMessage.objects.filter(patient_id=patient_id).order_by("-id")[:60]:
        who = "患者" if m.direction == "in" else "AM-Med"
        items.append((m.created, "消息", f"{who}（{m.get_status_display()}）：{m.text[:120]}"))
        if m.direction == "in" and (said := message_symptoms(m.text)):
            items.append((m.created, "症状", f"患者消息中自述：{'、'.join(said)}"))
    for r in DoseReminder.objects.filter(
        patient_id=patient_id, due_at__lte=timezone.now()
    ).order_by("-due_at")[:60]:
        answer = r.get_response_display() if r.response else "未回复"
        items.append((r.due_at, "服药提醒", f"{r.medication} {r.dose_text}：{answer}"))
    for a in Assessment.objects.filter(patient_id=patient_id).order_by("-created")[:20]:
        reasons = "；".join(clinician_text(x) for x in (a.result or {}).get("reasons", [])[:2])
        items.append((a.created, "随访评估", f"{DISPOSITION_ZH.get(a.disposition, '')}：{reasons}"))
    for plan in record.careplans if record else []:
        at = _when((plan.get("meta") or {}).get("lastUpdated") or plan.get("created"))
        if at:
            items.append(
                (at, "随访计划", f"{plan.get('title', '随访计划')}（{plan.get('status')}）")
            )
    for rv in monitor.reviews_for(user).filter(patient_id=patient_id).order_by("-created")[:30]:
        items.append((rv.created, "审核", f"{rv.get_status_display()}：{rv.original_text[:80]}"))
    items.sort(key=lambda i: i[0], reverse=True)
    return [
        {"at": timezone.localtime(at), "kind": kind, "text": text}
        for at, kind, text in items[:TIMELINE_LIMIT]
    ]
