"""One follow-up run for one patient: assess, store, keep the CarePlan, alert the care team.

Invariants: each run is one transaction (the Assessment row, the state, the CarePlan revision
and the alerts commit together); a patient has at most one open care-team alert, carrying
every review, urgent or emergency reason found while it is open (``send_alerts``); a finding alerts
at most once; a patient unknown to the store is an error, never a guess.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from ammed_fhir import store
from ammed_fhir.store import PatientRecord
from clinical.followup.models import AlertRecord, Assessment, FollowupState
from clinical.followup.services.careplan import careplan_id, sync_careplan
from clinical.followup.services.engine import assess_facts
from clinical.followup.services.facts import Facts, build_facts
from clinical.followup.services.ruledata import ALERTING, LABELS, load, rank
from clinical.followup.services.rules.base import clinician_text
from clinical.orders.services.adherence import RecordedAdherence, recorded_adherence

ALERT_LEVELS = ALERTING  # review, urgent, emergency: the care team must act (#15)


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


def _facts(
    record: PatientRecord, now: datetime, recorded: Sequence[RecordedAdherence] | None = None
) -> Facts:
    if recorded is None:
        recorded = recorded_adherence(str(record.patient.get("id")), now)
    return build_facts(record, now, recorded)


def assess(record: PatientRecord, now: datetime) -> dict[str, Any]:
    """What a follow-up run would say of ``record`` at ``now``, the orders' dose records
    included, without storing anything (the agent's before/after comparison: one footing
    with the runs)."""
    return assess_facts(_facts(record, now))


def evaluate(
    record: PatientRecord,
    now: datetime,
    existing_plan: dict[str, Any] | None,
    *,
    create_plan: bool,
    recorded: Sequence[RecordedAdherence] | None = None,
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Assess and keep the CarePlan in step (writes the plan when created or revised).

    The orders' dose records (``recorded_adherence``, their public read) join the facts here,
    not in the pure ``build_facts``; ``recorded``: already read for a batch (the sweep), else
    read for this patient."""
    facts = _facts(record, now, recorded)
    result = assess_facts(facts)
    plan = sync_careplan(facts, result["disposition"], existing_plan, create=create_plan)
    return result, plan


def _reason_entry(reason: dict[str, Any], now: datetime) -> dict[str, Any]:
    entry = {
        "code": reason["code"],
        "text": reason.get("text") or reason["code"],
        "disposition": reason["disposition"],
        "evidence": sorted(reason.get("evidence") or []),
        "first_seen": now.isoformat(),
    }
    if reason.get("clinician"):
        entry["clinician"] = reason["clinician"]
    return entry


def _seen_keys(patient_id: str) -> set[str]:
    """Every finding key folded into any of the patient's alert episodes, open or handled."""
    seen: set[str] = set()
    for opening, keys in AlertRecord.objects.filter(patient_id=patient_id).values_list(
        "finding_key", "finding_keys"
    ):
        seen.add(opening)
        seen.update(keys or [])
    return seen


def _open_alert(patient_id: str) -> AlertRecord | None:
    return (
        AlertRecord.objects.select_for_update()
        .filter(patient_id=patient_id, handled_at__isnull=True)
        .first()
    )


def _notify(
    patient_id: str,
    name: str,
    result: dict[str, Any],
    new: dict[str, dict[str, Any]],
    alert: AlertRecord,
    escalated_from: str = "",
) -> str:
    """Send the care-team message for an opened or escalated episode; returns its id."""
    from clinical.monitor.gate import alert_care_team

    head = "【随访警报升级】" if escalated_from else "【随访警报】"
    lines = [
        f"{head}{name}：评估为“{LABELS[result['disposition']]}”（{result['timeframe']['text']}）"
    ]
    if escalated_from:
        lines.append(f"警报级别：{LABELS[escalated_from]} → {LABELS[alert.disposition]}")
    lines += [f"- {clinician_text(r)}" for r in new.values()]
    earlier = [r for r in alert.reasons if r["code"] not in {n["code"] for n in new.values()}]
    if escalated_from and earlier:
        lines.append("此前尚未处理的原因：")
        lines += [f"- {clinician_text(r)}" for r in earlier]
    about = sorted({e for r in new.values() for e in r.get("evidence", [])})
    comm = alert_care_team(
        patient_id,
        "\n".join(lines),
        reason=",".join(r["code"] for r in new.values()),
        about=about,
        key=f"fa-{sorted(new)[0][:32]}",
        priority=load("timeframes")[alert.disposition].get("fhir_priority"),
    )
    return str(comm.get("id", ""))


def _sort_reasons(reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(reasons, key=lambda r: -rank(r["disposition"]))


def _fold(alert: AlertRecord, new: dict[str, dict[str, Any]], now: datetime) -> bool:
    """Fold new findings into the open episode ``alert``; True when a reason is new to it.
    The same reason with new evidence counts as a repeat (its evidence is kept)."""
    by_code = {r["code"]: r for r in alert.reasons}
    added = repeated = False
    for key, reason in new.items():
        alert.finding_keys = [*alert.finding_keys, key]
        entry = by_code.get(reason["code"])
        if entry is None:
            entry = _reason_entry(reason, now)
            alert.reasons = [*alert.reasons, entry]
            by_code[reason["code"]] = entry
            added = True
            continue
        repeated = True
        entry["evidence"] = sorted({*entry.get("evidence", []), *(reason.get("evidence") or [])})
        if rank(reason["disposition"]) > rank(entry["disposition"]):
            entry["disposition"] = reason["disposition"]
    alert.reasons = _sort_reasons(alert.reasons)
    alert.repeats += int(repeated)
    alert.last_seen = now
    return added


def send_alerts(
    patient_id: str,
    name: str,
    result: dict[str, Any],
    assessment: Assessment,
    already: set[str] | None = None,
) -> list[AlertRecord]:
    """Alert the care team about new review/urgent/emergency findings: one open alert per patient.

    With no open alert, the findings open an episode (one message naming every reason). With
    one open, they join it: a reason more severe than the alert escalates it (a new message,
    ``escalated_at``, acknowledgement cleared so it shows unseen); a new reason of the same or
    lower severity joins and clears the acknowledgement; the same reason again is a repeat.
    A finding already in any episode (open or handled) is never alerted again. ``already``:
    finding keys known to be in an episode (a pre-filter the sweep computes per batch).
    Returns the alerts that notified the care team (opened or escalated)."""
    findings = [r for r in result["reasons"] if r["disposition"] in ALERT_LEVELS]
    if not findings:
        return []
    keys = {finding_key(patient_id, r): r for r in findings}
    if already is not None and already.issuperset(keys):
        return []
    seen = _seen_keys(patient_id)
    new = {k: r for k, r in keys.items() if k not in seen}
    if not new:
        return []
    now = timezone.now()
    alert = _open_alert(patient_id)
    if alert is None:
        top = _sort_reasons([_reason_entry(r, now) for r in new.values()])
        try:
            with transaction.atomic():  # one open alert per patient (a partial unique index)
                alert = AlertRecord.objects.create(
                    patient_id=patient_id,
                    finding_key=sorted(new)[0],
                    finding_keys=sorted(new),
                    reason_code=top[0]["code"],
                    disposition=top[0]["disposition"],
                    reasons=top,
                    assessment=assessment,
                    created=now,
                    last_seen=now,
                )
        except IntegrityError:  # a concurrent run opened the episode first: join it
            alert = _open_alert(patient_id)
            if alert is None:
                raise
        else:
            alert.communication_id = _notify(patient_id, name, result, new, alert)
            alert.save(update_fields=["communication_id"])
            return [alert]
    before = alert.disposition
    added = _fold(alert, new, now)
    top = alert.reasons[0]
    escalated = rank(top["disposition"]) > rank(before)
    if escalated:
        alert.disposition, alert.reason_code = top["disposition"], top["code"]
        alert.escalated_at, alert.assessment = now, assessment
        alert.communication_id = _notify(patient_id, name, result, new, alert, before)
    if escalated or added:
        alert.acknowledged_at, alert.acknowledged_by = None, None
    alert.save()
    return [alert] if escalated else []


# Triggers whose runs are coalesced: ingest sends one event per written transaction, so one
# pushed record can assess a patient many times within a minute with the same answer.
COALESCED_TRIGGERS = ("observation",)


def _comparable(result: dict[str, Any]) -> Any:
    """The result as stored JSON, without its time stamp (``assessed_at``)."""
    plain = json.loads(json.dumps(result, cls=DjangoJSONEncoder))
    plain.pop("assessed_at", None)
    return plain


def _repeat_of_latest(
    patient_id: str, trigger: str, now: datetime, result: dict[str, Any], plan_id: str
) -> Assessment | None:
    """The patient's latest assessment when this run would store the same result again
    (same disposition, reasons, evidence, notes, uncertainty, context and CarePlan) within
    ``AMMED_ASSESSMENT_COALESCE_MIN`` minutes of it, for an ingest trigger; else None."""
    window = timedelta(minutes=settings.AMMED_ASSESSMENT_COALESCE_MIN)
    if trigger not in COALESCED_TRIGGERS or window <= timedelta(0):
        return None
    latest = Assessment.objects.filter(patient_id=patient_id).order_by("-created", "-pk").first()
    if latest is None or not (timedelta(0) <= now - latest.created <= window):
        return None
    if latest.careplan_id != plan_id or _comparable(latest.result) != _comparable(result):
        return None
    return latest


@transaction.atomic
def run_assessment(
    patient_id: str, trigger: str = "api", now: datetime | None = None
) -> Assessment:
    """Assess ``patient_id`` now; store the result; create or revise the CarePlan; alert.

    An ingest run (``COALESCED_TRIGGERS``) whose result equals the latest stored one within
    ``AMMED_ASSESSMENT_COALESCE_MIN`` minutes stores no new row: the state's assessed time
    moves on and the latest assessment is returned. A result that differs in anything but
    its time stamp is always stored, and alerts are always checked."""
    now = now or timezone.now()
    record = store.patient_record(patient_id)
    if record is None:
        raise UnknownPatient(patient_id)
    existing = next((c for c in record.careplans if c.get("id") == careplan_id(patient_id)), None)
    result, plan = evaluate(record, now, existing, create_plan=True)
    state = FollowupState.objects.select_for_update().filter(patient_id=patient_id).first()
    previous = state.disposition if state else ""
    plan_id = (plan or {}).get("id", "")
    assessment = _repeat_of_latest(patient_id, trigger, now, result, plan_id)
    if assessment is None:
        assessment = Assessment.objects.create(
            patient_id=patient_id,
            created=now,
            trigger=trigger,
            disposition=result["disposition"],
            previous_disposition=previous,
            changed=previous != result["disposition"],
            result=result,
            careplan_id=plan_id,
        )
    FollowupState.objects.update_or_create(
        patient_id=patient_id,
        defaults={"disposition": result["disposition"], "assessed": now, "assessment": assessment},
    )
    send_alerts(patient_id, _patient_name(record), result, assessment)
    return assessment
