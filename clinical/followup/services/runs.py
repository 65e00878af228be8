"""One follow-up run for one patient: assess, store, keep the CarePlan, alert the care team.

Invariants: each run is one transaction (the Assessment row, the state, the CarePlan revision
and the alerts commit together); an urgent or emergency finding alerts the care team exactly
once (``AlertRecord.finding_key``); a patient unknown to the store is an error, never a guess.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ammed_fhir import store
from ammed_fhir.store import PatientRecord
from clinical.followup.models import AlertRecord, Assessment, FollowupState
from clinical.followup.services.careplan import careplan_id, sync_careplan
from clinical.followup.services.engine import assess_facts
from clinical.followup.services.facts import build_facts
from clinical.followup.services.ruledata import rank

ALERT_LEVELS = ("urgent", "emergency")
LABELS = {
    "self-care": "居家自我管理",
    "routine": "常规复诊",
    "urgent": "24小时内就诊",
    "emergency": "立即急诊",
}


class UnknownPatient(LookupError):
    pass


def finding_key(patient_id: str, reason: dict[str, Any]) -> str:
    raw = "|".join([patient_id, reason["code"], *sorted(reason.get("evidence") or [])])
    return hashlib.sha256(raw.encode()).hexdigest()[:40]


def _patient_name(record: PatientRecord) -> str:
    for name in record.patient.get("name") or []:
        if name.get("text"):
            return name["text"]
    return f"Patient/{record.patient.get('id')}"


def evaluate(
    record: PatientRecord, now: datetime, existing_plan: dict[str, Any] | None, *, create_plan: bool
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Assess and keep the CarePlan in step (writes the plan when created or revised)."""
    facts = build_facts(record, now)
    result = assess_facts(facts)
    plan = sync_careplan(facts, result["disposition"], existing_plan, create=create_plan)
    return result, plan


def _outside_open_episodes(patient_id: str, new: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Drop findings whose reason already has an alert nobody has handled (same episode):
    that alert counts the repeat (``repeats``, ``last_seen``) instead of a new alert."""
    open_codes = set(
        AlertRecord.objects.filter(
            patient_id=patient_id,
            handled_at__isnull=True,
            reason_code__in=[r["code"] for r in new.values()],
        ).values_list("reason_code", flat=True)
    )
    if open_codes:
        AlertRecord.objects.filter(
            patient_id=patient_id, handled_at__isnull=True, reason_code__in=open_codes
        ).update(repeats=F("repeats") + 1, last_seen=timezone.now())
    return {k: r for k, r in new.items() if r["code"] not in open_codes}


def send_alerts(
    patient_id: str,
    name: str,
    result: dict[str, Any],
    assessment: Assessment,
    already: set[str] | None = None,
) -> list[AlertRecord]:
    """Alert the care team about new urgent/emergency findings (each finding once)."""
    from clinical.monitor.gate import alert_care_team

    findings = [r for r in result["reasons"] if r["disposition"] in ALERT_LEVELS]
    if not findings:
        return []
    keys = {finding_key(patient_id, r): r for r in findings}
    if already is None:
        already = set(
            AlertRecord.objects.filter(finding_key__in=list(keys)).values_list(
                "finding_key", flat=True
            )
        )
    new = {k: r for k, r in keys.items() if k not in already}
    new = _outside_open_episodes(patient_id, new)
    if not new:
        return []
    top = max((r["disposition"] for r in new.values()), key=rank)
    lines = [
        f"【随访警报】{name}：评估为“{LABELS[result['disposition']]}”（{result['timeframe']['text']}）"
    ]
    lines += [f"- {r['text']}" for r in new.values()]
    about = sorted({e for r in new.values() for e in r.get("evidence", [])})
    comm = alert_care_team(
        patient_id,
        "\n".join(lines),
        reason=",".join(r["code"] for r in new.values()),
        about=about,
        key=f"fa-{sorted(new)[0][:32]}",
    )
    records = [
        AlertRecord(
            patient_id=patient_id,
            finding_key=k,
            reason_code=r["code"],
            disposition=r["disposition"] if r["disposition"] in ALERT_LEVELS else top,
            communication_id=comm.get("id", ""),
            assessment=assessment,
        )
        for k, r in new.items()
    ]
    AlertRecord.objects.bulk_create(records, ignore_conflicts=True)
    return records


@transaction.atomic
def run_assessment(
    patient_id: str, trigger: str = "api", now: datetime | None = None
) -> Assessment:
    """Assess ``patient_id`` now; store the result; create or revise the CarePlan; alert."""
    now = now or timezone.now()
    record = store.patient_record(patient_id)
    if record is None:
        raise UnknownPatient(patient_id)
    existing = next((c for c in record.careplans if c.get("id") == careplan_id(patient_id)), None)
    result, plan = evaluate(record, now, existing, create_plan=True)
    state = FollowupState.objects.select_for_update().filter(patient_id=patient_id).first()
    previous = state.disposition if state else ""
    assessment = Assessment.objects.create(
        patient_id=patient_id,
        created=now,
        trigger=trigger,
        disposition=result["disposition"],
        previous_disposition=previous,
        changed=previous != result["disposition"],
        result=result,
        careplan_id=(plan or {}).get("id", ""),
    )
    FollowupState.objects.update_or_create(
        patient_id=patient_id,
        defaults={"disposition": result["disposition"], "assessed": now, "assessment": assessment},
    )
    send_alerts(patient_id, _patient_name(record), result, assessment)
    return assessment
