"""From MedicationRequests to scheduled doses.

Clinical invariants:
- Only ``active`` requests are scheduled; any other status cancels every future dose that
  has not gone out yet.
- Structured ``dosageInstruction.timing`` is used as is; text-only sigs are parsed.
- A request whose sig needs review, whose timing contradicts itself, whose end precedes its
  start, or whose dose could not be checked is flagged ``needs_review`` and gets no doses,
  until a clinician approves exactly that dosage (``approve_order``).
- Past doses are never created; future pending doses that no longer match the order are
  cancelled, not deleted, so the history stays explainable.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ammed_fhir import audit, bulk, store
from ammed_fhir.search_columns import parse_fhir_datetime, reference_id
from clinical.knowledge import drugs as knowledge_drugs
from clinical.knowledge import patient as knowledge_patient
from clinical.knowledge.sigs import parse_sig, validate_dosage
from clinical.orders.models import (
    DoseReminder,
    OrderSchedule,
    OrderStatus,
    PatientRoutine,
    ReminderState,
)
from clinical.orders.services.dose_check import check_dose
from clinical.orders.services.timing import Routine, ScheduleError, dose_times, slot_codes

log = logging.getLogger(__name__)
CRITICAL_PATH = Path(__file__).resolve().parent.parent / "data" / "critical_medicines.yaml"
ATC = "http://www.whocc.no/atc"
_DURATION = {"h": dt.timedelta(hours=1), "d": dt.timedelta(days=1), "wk": dt.timedelta(weeks=1)}
_DURATION["mo"] = dt.timedelta(days=30)
WHEN_LABELS = {
    "WAKE": "晨起",
    "MORN": "早上",
    "NOON": "中午",
    "AFT": "下午",
    "EVE": "晚上",
    "NIGHT": "晚间",
    "HS": "睡前",
    "ACM": "早餐前",
    "ACD": "午餐前",
    "ACV": "晚餐前",
    "PCM": "早餐后",
    "PCD": "午餐后",
    "PCV": "晚餐后",
    "CM": "随早餐",
    "CD": "随午餐",
    "CV": "随晚餐",
    "AC": "饭前",
    "PC": "饭后",
    "C": "随餐",
}


@dataclass
class OrderPlan:
    """What one MedicationRequest means for scheduling (no side effects)."""

    request_id: str
    patient_id: str
    medication: str
    codes: list[str]
    dosage: dict[str, Any]
    source: str
    status: str
    issues: list[str] = field(default_factory=list)
    starts: dt.datetime | None = None
    ends: dt.datetime | None = None
    critical_class: str = ""

    @property
    def fingerprint(self) -> str:
        blob = json.dumps(self.dosage, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()[:32]

    @property
    def repeat(self) -> dict[str, Any]:
        return (self.dosage.get("timing") or {}).get("repeat") or {}


def medication_name(mr: dict[str, Any]) -> str:
    concept = mr.get("medicationCodeableConcept") or {}
    if concept.get("text"):
        return str(concept["text"])
    for coding in concept.get("coding") or []:
        if coding.get("display"):
            return str(coding["display"])
    return str((mr.get("medicationReference") or {}).get("display") or "")


def medication_codes(mr: dict[str, Any]) -> list[str]:
    concept = mr.get("medicationCodeableConcept") or {}
    return [
        f"{c.get('system', '')}|{c['code']}" for c in concept.get("coding") or [] if c.get("code")
    ]


@lru_cache(maxsize=1)
def critical_classes() -> dict[str, Any]:
    return yaml.safe_load(CRITICAL_PATH.read_text(encoding="utf-8"))


# What a medicine is when the tables that decide membership cannot be read: critical, with the
# strictest handling of every class (escalate on the first miss, double-dose alert), and its
# order held for a clinician (``plan_order``).
UNVERIFIED_CLASS: dict[str, Any] = {
    "id": "unverified",
    "class": "",
    "label": "重点药物（类别无法核对）",
    "consecutive_missed": 1,
    "double_dose_alert": True,
    "source": (
        "AM-Med safety policy: safety checks fail closed; a medicine whose critical-medicine "
        "class cannot be checked is treated as critical and held for a clinician"
    ),
}
UNVERIFIED_ISSUE = "药品分类表无法读取，无法判断是否为重点药物（已按重点药物处理），请医生核对"


def critical_class_of(name: str, codes: list[str], context_text: str = "") -> dict[str, Any] | None:
    """The critical-medicine class (data row) of a medication, or None.

    Clinical invariant: fails closed. When ``critical_medicines.yaml`` or the shared drug
    tables cannot be read, the answer is ``UNVERIFIED_CLASS`` (treated as critical), never
    None (ordinary) and never an exception that stops scheduling."""
    atc = [c.split("|", 1)[1] for c in codes if c.startswith(ATC + "|")]
    try:
        for row in critical_classes()["classes"]:
            hit = knowledge_drugs.medication_in_class(name, row["class"], atc)
            if not hit:
                continue
            requires = row.get("requires")
            if requires and not any(r.lower() in context_text.lower() for r in requires):
                continue
            return row
    except Exception as exc:  # unreadable tables: fail closed (no patient data in the log)
        log.error(
            "critical-medicine tables unreadable (%s): medicine treated as critical, "
            "order held for a clinician",
            exc.__class__.__name__,
        )
        return UNVERIFIED_CLASS
    return None


def _window(
    mr: dict[str, Any], repeat: dict[str, Any]
) -> tuple[dt.datetime | None, dt.datetime | None]:
    validity = (mr.get("dispenseRequest") or {}).get("validityPeriod") or {}
    bounds_period = repeat.get("boundsPeriod") or {}
    start = (
        parse_fhir_datetime(bounds_period.get("start"))
        or parse_fhir_datetime(validity.get("start"))
        or parse_fhir_datetime(mr.get("authoredOn"))
    )
    ends: list[dt.datetime] = []
    if bounds_period.get("end"):
        ends.append(_end_of(bounds_period["end"]))
    if validity.get("end"):
        ends.append(_end_of(validity["end"]))
    bounds = repeat.get("boundsDuration")
    if bounds and start and bounds.get("code", bounds.get("unit")) in _DURATION:
        ends.append(start + _DURATION[bounds.get("code", bounds.get("unit"))] * bounds["value"])
    return start, (min(ends) if ends else None)


def _end_of(value: str) -> dt.datetime:
    """A FHIR date end is inclusive: the whole day counts."""
    parsed = parse_fhir_datetime(value)
    assert parsed is not None
    if len(value) <= 10:
        parsed += dt.timedelta(days=1)
    return parsed


def _expand_timing_code(dosage: dict[str, Any]) -> dict[str, Any]:
    """A Timing with only ``code`` (BID, Q8H …) gets the repeat the code defines."""
    timing = dosage.get("timing") or {}
    if not timing or timing.get("repeat"):
        return dosage
    from clinical.orders.services.timing import rules

    for coding in (timing.get("code") or {}).get("coding") or []:
        repeat = rules()["timing_codes"].get(str(coding.get("code", "")).upper())
        if repeat:
            return {**dosage, "timing": {**timing, "repeat": dict(repeat)}}
    return dosage


@lru_cache(maxsize=8192)
def _parse_cached(text: str):  # hospitals repeat the same sigs; never mutated
    return parse_sig(text)


@dataclass(frozen=True)
class PatientInputs:
    """What planning reads of one patient, read once for all their orders (one routine query,
    one record query): the routine (its time zone is the patient's calendar), the one shared
    patient context on that calendar, and the procedure and condition text class rules read."""

    patient_id: str
    routine: Routine
    context: knowledge_patient.PatientContext | None
    context_text: str


def patient_inputs(patient_id: str, now: dt.datetime | None = None) -> PatientInputs:
    """Read a patient's routine and record once (two queries) and build what planning needs:
    the context is on the routine's time zone when they have one, else the record's, else
    the site's."""
    row = PatientRoutine.objects.filter(patient_id=patient_id).first()
    record = knowledge_patient.context_records([patient_id]).get(patient_id)
    context = (
        knowledge_patient.PatientContext.from_record(
            record, now=now, tz=(row.timezone or None) if row else None
        )
        if record is not None
        else None
    )
    text = (
        json.dumps(record.procedures + record.conditions, ensure_ascii=False)
        if record is not None
        else ""
    )
    return PatientInputs(patient_id, Routine.of(row) if row else Routine(), context, text)


def patient_context(
    patient_id: str, now: dt.datetime | None = None
) -> knowledge_patient.PatientContext | None:
    """The one shared patient context as orders see it (``patient_inputs``' context)."""
    return patient_inputs(patient_id, now).context


def plan_order(
    mr: dict[str, Any], context_text: str = "", age_years: float | None = None
) -> OrderPlan:
    """Decide how a MedicationRequest is scheduled (pure; see the module invariants)."""
    issues: list[str] = []
    name = medication_name(mr)
    codes = medication_codes(mr)
    instructions = mr.get("dosageInstruction") or []
    dosage: dict[str, Any] = {}
    source = "structured"
    overrides: list[str] = []
    if len(instructions) > 1:
        issues.append("含多条用法(如减量方案), 需人工排程")
    if instructions:
        dosage = dict(instructions[0])
        dosage = _expand_timing_code(dosage)
    as_needed = dosage.get("asNeededBoolean") or dosage.get("asNeededCodeableConcept")
    if not (dosage.get("timing") or {}).get("repeat") and not as_needed:
        source = "parsed"
        parsed = _parse_cached(dosage.get("text") or "")
        issues += parsed.issues
        merged = dict(parsed.dosage)
        overrides = [k for k in ("route", "doseAndRate") if dosage.get(k)]
        for key in overrides:  # structured parts win over parsed ones
            merged[key] = dosage[key]
        dosage = merged
        name = name or (parsed.medication or "")
    if source == "structured" or overrides:
        try:
            validate_dosage(dosage)  # parsed-only dosages were validated by the parser
        except ValueError as exc:
            issues.append(f"Dosage 无效: {exc}")
    repeat = (dosage.get("timing") or {}).get("repeat") or {}
    starts, ends = _window(mr, repeat)
    if starts and ends and ends <= starts:
        issues.append("结束时间早于开始时间")
    crit = critical_class_of(name, codes, context_text)
    if crit is UNVERIFIED_CLASS:
        issues.append(UNVERIFIED_ISSUE)
    status = OrderStatus.SCHEDULED
    if mr.get("status") != "active":
        status = OrderStatus.INACTIVE
    elif dosage.get("asNeededBoolean") or dosage.get("asNeededCodeableConcept"):
        status = OrderStatus.PRN  # as needed: never reminded on a clock
    else:
        if not repeat:
            issues.append("没有可执行的服药时间")
        issues += check_dose(name, codes, dosage, age_years)
        if issues:
            status = OrderStatus.NEEDS_REVIEW
    return OrderPlan(
        request_id=str(mr.get("id") or ""),
        patient_id=reference_id(mr.get("subject"), "Patient"),
        medication=name,
        codes=codes,
        dosage=dosage,
        source=source,
        status=status,
        issues=list(dict.fromkeys(issues)),
        starts=starts,
        ends=ends,
        critical_class=(crit or {}).get("id", ""),
    )


def dose_label(dosage: dict[str, Any]) -> str:
    for dr in dosage.get("doseAndRate") or []:
        q = dr.get("doseQuantity")
        if q:
            value = q.get("value")
            return (
                f"{value:g}{q.get('unit', '')}"
                if isinstance(value, float)
                else f"{value}{q.get('unit', '')}"
            )
    return ""


def instruction_label(dosage: dict[str, Any], only: str | None = None) -> str:
    """Chinese instruction: route, event (one dose's event with ``only``), extra text."""
    repeat = (dosage.get("timing") or {}).get("repeat") or {}
    parts = [(dosage.get("route") or {}).get("text", "")]
    codes = [only] if only else repeat.get("when") or []
    when = [WHEN_LABELS.get(w, w) for w in codes]
    if when:
        label = "/".join(when)
        if repeat.get("offset"):
            label += f"{repeat['offset']}分钟"
        parts.append(label)
    parts += [i.get("text", "") for i in dosage.get("additionalInstruction") or []]
    return "，".join(p for p in parts if p)


@lru_cache(maxsize=65536)
def _order_digest(request_id: str, fingerprint: str) -> str:
    return hashlib.sha256(f"{request_id}|{fingerprint}".encode()).hexdigest()[:28]


def reminder_key(request_id: str, fingerprint: str, due_at: dt.datetime) -> str:
    """Stable per-dose id (valid as a FHIR id): the idempotency key everywhere downstream.

    ``dose-<order+dosage digest>-<UTC minute, hex>``: one order and dosage, one key per minute.
    """
    minute = int(due_at.timestamp()) // 60
    return f"dose-{_order_digest(request_id, fingerprint)}-{minute:x}"


DoseRow = tuple[
    str, str, str, str, str, str, dt.datetime
]  # key, patient, request, med, dose, instr, due


def planned_doses(
    plan: OrderPlan, routine: Routine, now: dt.datetime, horizon: dt.timedelta
) -> list[DoseRow]:
    """The plan's doses in [now, now + horizon) as plain rows (cheap in bulk)."""
    start = max(now, plan.starts) if plan.starts else now
    end = min(plan.ends, now + horizon) if plan.ends else now + horizon
    if plan.starts and plan.repeat.get("count") and not plan.repeat.get("frequency"):
        start = plan.starts  # st: the one dose is due when ordered
        if start < now - horizon:
            return []
    times = dose_times(plan.repeat, routine, start, end)
    fp = plan.fingerprint
    dose, instruction = dose_label(plan.dosage)[:64], instruction_label(plan.dosage)[:200]
    med = plan.medication[:200]
    # Name the meal of each dose ("早餐后", not "饭后") when the day has event slots.
    by_minute: dict[int, str] = {}
    if plan.repeat.get("when") and plan.repeat.get("periodUnit") != "h":
        by_minute = {m % 1440: c for m, c in slot_codes(plan.repeat, routine) if c}
    labels = {
        code: instruction_label(plan.dosage, only=code)[:200] for code in set(by_minute.values())
    }
    out: list[DoseRow] = []
    for t in times:
        code = by_minute.get(t.hour * 60 + t.minute)
        label = labels[code] if code else instruction
        key = reminder_key(plan.request_id, fp, t)
        out.append((key, plan.patient_id, plan.request_id, med, dose, label, t))
    return out


def planned_reminders(
    plan: OrderPlan, routine: Routine, now: dt.datetime, horizon: dt.timedelta
) -> list[DoseReminder]:
    """Unsaved DoseReminder rows for the plan's doses in [now, now + horizon)."""
    return [
        DoseReminder(
            key=k, patient_id=p, request_id=r, medication=m, dose_text=d, instruction=i, due_at=t
        )
        for k, p, r, m, d, i, t in planned_doses(plan, routine, now, horizon)
    ]


_SCHEDULE_FIELDS = [
    "patient_id",
    "version_id",
    "medication",
    "dosage",
    "source",
    "status",
    "issues",
    "critical_class",
    "fingerprint",
    "starts",
    "ends",
]


def _schedule_fields(
    mr: dict[str, Any], plan: OrderPlan, patient_id: str, status: str
) -> dict[str, Any]:
    """The OrderSchedule columns a (re)plan sets (``_SCHEDULE_FIELDS``); approvals are kept."""
    return {
        "patient_id": patient_id,
        "version_id": int((mr.get("meta") or {}).get("versionId") or 0),
        "medication": plan.medication[:200],
        "dosage": plan.dosage,
        "source": plan.source,
        "status": status,
        "issues": plan.issues,
        "critical_class": plan.critical_class,
        "fingerprint": plan.fingerprint,
        "starts": plan.starts,
        "ends": plan.ends,
    }


@transaction.atomic
def sync_order(
    request_id: str, now: dt.datetime | None = None, inputs: PatientInputs | None = None
) -> OrderSchedule | None:
    """Re-plan one MedicationRequest and make its future doses match (idempotent).

    ``inputs``: the patient's ``patient_inputs``, when the caller re-plans several of their
    orders (read once for the batch; ignored when the order names another patient)."""
    now = now or timezone.now()
    mr = store.read("MedicationRequest", request_id)
    if mr is None:
        cancel_future(request_id, now)
        return None
    patient_id = reference_id(mr.get("subject"), "Patient")
    if patient_id and (inputs is None or inputs.patient_id != patient_id):
        inputs = patient_inputs(patient_id, now)
    context = inputs.context if patient_id and inputs else None
    plan = plan_order(
        mr,
        inputs.context_text if patient_id and inputs else "",
        context.age_years if context else None,
    )
    if not patient_id:
        plan.status, plan.issues = OrderStatus.NEEDS_REVIEW, [*plan.issues, "医嘱没有患者"]
    row, _ = OrderSchedule.objects.select_for_update().get_or_create(
        request_id=request_id, defaults={"patient_id": patient_id, "status": plan.status}
    )
    approved = bool(row.approved_fingerprint) and row.approved_fingerprint == plan.fingerprint
    status = plan.status
    wanted: list[DoseReminder] = []
    if status == OrderStatus.NEEDS_REVIEW and approved and plan.repeat:
        status = OrderStatus.SCHEDULED
    if status == OrderStatus.SCHEDULED:
        try:
            horizon = dt.timedelta(days=settings.AMMED_REMINDER_HORIZON_DAYS)
            routine = inputs.routine if inputs else Routine()
            wanted = planned_reminders(plan, routine, now, horizon)
        except ScheduleError as exc:
            status, plan.issues = OrderStatus.NEEDS_REVIEW, [*plan.issues, str(exc)]
    for attr, value in _schedule_fields(mr, plan, patient_id, status).items():
        setattr(row, attr, value)
    row.save()
    reconcile_future(
        DoseReminder.objects.filter(request_id=request_id), {r.key for r in wanted}, now
    )
    DoseReminder.objects.bulk_create(wanted, batch_size=1000, ignore_conflicts=True)
    return row


def reconcile_future(qs: Any, keys: set[str], now: dt.datetime) -> set[str]:
    """Cancel future pending doses not wanted any more; revive cancelled ones wanted again
    (an order stopped, then resumed with the same dosage, gets the same dose keys).

    Returns the keys of every future dose that already exists (any state)."""
    stale, revive, existing = [], [], set()
    for pk, key, state in qs.filter(due_at__gte=now).values_list("id", "key", "state"):
        existing.add(key)
        if state == ReminderState.PENDING and key not in keys:
            stale.append(pk)
        elif state == ReminderState.CANCELLED and key in keys:
            revive.append(pk)
    DoseReminder.objects.filter(id__in=stale).update(state=ReminderState.CANCELLED)
    DoseReminder.objects.filter(id__in=revive, state=ReminderState.CANCELLED).update(
        state=ReminderState.PENDING, enqueued_at=None, claimed_at=None
    )
    return existing


def cancel_future(request_id: str, now: dt.datetime | None = None) -> int:
    """Cancel every future dose of a request that has not been sent."""
    now = now or timezone.now()
    return DoseReminder.objects.filter(
        request_id=request_id, state=ReminderState.PENDING, due_at__gte=now
    ).update(state=ReminderState.CANCELLED)


@transaction.atomic
def approve_order(request_id: str, user: Any, now: dt.datetime | None = None) -> OrderSchedule:
    """A clinician approves the order's current dosage for scheduling: the row keeps the
    latest approval, the audit trail every one (before/after approval and dosage)."""
    fields = ["approved_fingerprint", "approved_by", "approved_at", "status", "dosage"]
    row = OrderSchedule.objects.select_for_update().get(request_id=request_id)
    before = audit.snapshot(row, fields)
    row.approved_fingerprint = row.fingerprint
    row.approved_by = user
    row.approved_at = timezone.now()
    row.save(update_fields=["approved_fingerprint", "approved_by", "approved_at"])
    result = sync_order(request_id, now=now)
    assert result is not None
    audit.record(
        user,
        "order.approve",
        obj=result,
        object_id=request_id,
        before=before,
        after=audit.snapshot(result, fields),
    )
    return result


def sync_patient(patient_id: str, now: dt.datetime | None = None) -> list[OrderSchedule]:
    """Re-plan every MedicationRequest of a patient (after a routine change, say)."""
    now = now or timezone.now()
    ids = [mr["id"] for mr in store.search("MedicationRequest", patient_id=patient_id)]
    inputs = patient_inputs(patient_id, now) if ids else None  # once for all the orders
    return [row for rid in ids if (row := sync_order(rid, now=now, inputs=inputs)) is not None]


def bulk_sync(
    request_ids: list[str],
    now: dt.datetime | None = None,
    *,
    chunk: int = 2000,
    progress: Any = None,
) -> dict[str, int]:
    """``sync_order`` for many requests with a few queries per chunk (same invariants).

    Used by the daily horizon roll and by bulk (re)builds; doses go in through
    ``bulk_insert_reminders`` (COPY on PostgreSQL).
    """
    from ammed_fhir.models import Resource

    now = now or timezone.now()
    horizon = dt.timedelta(days=settings.AMMED_REMINDER_HORIZON_DAYS)
    totals = {"orders": 0, "scheduled": 0, "needs_review": 0, "doses": 0}
    for i in range(0, len(request_ids), chunk):
        ids = request_ids[i : i + chunk]
        mrs = dict(
            Resource.objects.filter(
                resource_type="MedicationRequest", resource_id__in=ids
            ).values_list("resource_id", "data")
        )
        pids = {reference_id(mr.get("subject"), "Patient") for mr in mrs.values()}
        routines = {
            r.patient_id: Routine.of(r) for r in PatientRoutine.objects.filter(patient_id__in=pids)
        }
        context: dict[str, list[Any]] = {}
        ages: dict[str, float | None] = {}
        for rtype, pid, data in Resource.objects.filter(
            resource_type__in=["Procedure", "Condition", "Patient"], patient_id__in=pids
        ).values_list("resource_type", "patient_id", "data"):
            if rtype == "Patient":  # the shared age helper, on the patient's calendar
                routine = routines.get(pid)
                ages[pid] = knowledge_patient.patient_age(
                    data, now, routine.timezone if routine else None
                )
            else:
                context.setdefault(pid, []).append(data)
        approvals = dict(
            OrderSchedule.objects.filter(request_id__in=ids).values_list(
                "request_id", "approved_fingerprint"
            )
        )
        rows, wanted = [], []
        for rid, mr in mrs.items():
            pid = reference_id(mr.get("subject"), "Patient")
            plan = plan_order(
                mr, json.dumps(context.get(pid, []), ensure_ascii=False), ages.get(pid)
            )
            status = plan.status
            if status == OrderStatus.NEEDS_REVIEW and approvals.get(rid) == plan.fingerprint:
                status = OrderStatus.SCHEDULED if plan.repeat else status
            if status == OrderStatus.SCHEDULED:
                try:
                    wanted += planned_doses(plan, routines.get(pid, Routine()), now, horizon)
                except ScheduleError as exc:
                    status, plan.issues = OrderStatus.NEEDS_REVIEW, [*plan.issues, str(exc)]
            totals["scheduled" if status == OrderStatus.SCHEDULED else "needs_review"] += (
                status in (OrderStatus.SCHEDULED, OrderStatus.NEEDS_REVIEW)
            )
            rows.append({"request_id": rid, **_schedule_fields(mr, plan, pid, status)})
        with transaction.atomic():
            # one JSON document per chunk (bulk_create's per-column arrays are quoted in Python)
            bulk.upsert(OrderSchedule, rows, conflict=["request_id"], update=_SCHEDULE_FIELDS)
            existing = reconcile_future(
                DoseReminder.objects.filter(request_id__in=ids), {r[0] for r in wanted}, now
            )
            bulk_insert_reminders([r for r in wanted if r[0] not in existing], fresh=True)
        totals["orders"] += len(mrs)
        totals["doses"] += len(wanted)
        if progress:
            progress(totals)
    return totals


_COPY_COLUMNS = (
    "key",
    "patient_id",
    "request_id",
    "medication",
    "dose_text",
    "instruction",
    "due_at",
    "state",
    "attempts",
    "communication_id",
    "response",
    "snooze_of_key",
)


def bulk_insert_reminders(rows: list[DoseRow] | list[DoseReminder], fresh: bool = False) -> None:
    """Insert doses, skipping keys that exist (COPY + ON CONFLICT on PostgreSQL).

    ``fresh``: the caller checked the keys are new; COPY straight into the table, and fall
    back to the conflict-safe path if a concurrent writer inserted one meanwhile.
    """
    from django.db import IntegrityError, connection

    if not rows:
        return
    tuples: list[DoseRow] = [
        (r.key, r.patient_id, r.request_id, r.medication, r.dose_text, r.instruction, r.due_at)
        if isinstance(r, DoseReminder)
        else r
        for r in rows
    ]
    if connection.vendor != "postgresql":
        DoseReminder.objects.bulk_create(
            [
                DoseReminder(
                    key=k,
                    patient_id=p,
                    request_id=q,
                    medication=m,
                    dose_text=d,
                    instruction=i,
                    due_at=t,
                )
                for k, p, q, m, d, i, t in tuples
            ],
            batch_size=2000,
            ignore_conflicts=True,
        )
        return
    table = DoseReminder._meta.db_table
    cols = ", ".join(_COPY_COLUMNS)
    tail = (ReminderState.PENDING, 0, "", "", "")
    if fresh:
        import psycopg

        try:
            with transaction.atomic(), connection.cursor() as cur:
                with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in tuples:
                        copy.write_row(row + tail)
            return
        except (IntegrityError, psycopg.IntegrityError):
            pass  # someone else inserted one of these keys: use the conflict-safe path
    with connection.cursor() as cur:
        cur.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS _dose_stage ON COMMIT DELETE ROWS AS "
            f"SELECT {cols} FROM {table} WITH NO DATA"
        )
        with cur.cursor.copy(f"COPY _dose_stage ({cols}) FROM STDIN") as copy:
            for row in tuples:
                copy.write_row(row + tail)
        cur.execute(
            f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _dose_stage "
            "ON CONFLICT (key) DO NOTHING"
        )
        cur.execute("TRUNCATE _dose_stage")
