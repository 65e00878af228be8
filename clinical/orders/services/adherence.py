"""Patient answers, missed doses, adherence, missed-dose guidance and escalation.

Clinical invariants:
- An answer is recorded once: a duplicate of the same answer changes nothing; a final
  answer (taken/skipped) is never silently overwritten by a different one.
- An unanswered dose becomes ``missed`` only after the grace period.
- Missed-dose guidance comes from ``data/missed_dose.yaml`` (sourced); it never suggests a
  double dose.
- Consecutive missed doses of a critical medicine (``data/critical_medicines.yaml``) or
  adherence under the sourced threshold alert the care team through the gate, once per
  episode (idempotency key).
- A repeat "taken" for a critical medicine whose dose is already recorded as taken (a
  possible double dose, ``possible_double_dose`` in the same data file) is never recorded
  as another dose and never passes silently: the care team is alerted once per dose.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ammed_fhir import access, audit, store
from clinical.monitor import gate
from clinical.orders.models import (
    DoseReminder,
    OrderSchedule,
    ReminderState,
    Response,
)
from clinical.orders.services.schedule import (
    UNVERIFIED_CLASS,
    critical_class_of,
    critical_classes,
)

MISSED_PATH = Path(__file__).resolve().parent.parent / "data" / "missed_dose.yaml"
FINAL = (Response.TAKEN, Response.SKIPPED)
SENT_STATES = (ReminderState.SUBMITTED, ReminderState.RELEASED)


class AckConflict(Exception):
    """The dose already has a different final answer."""


@dataclass
class AckResult:
    reminder: DoseReminder
    changed: bool


@transaction.atomic
def record_ack(
    rem: DoseReminder, status: str, at: dt.datetime | None, actor: Any = None
) -> AckResult:
    """Record the patient's answer to a dose (caller has checked access). ``actor``: the
    user who sent it; when that is not the patient (a clinician, an integration token) the
    reminder keeps them as ``responded_by`` and the change is an audit record naming them
    as the actor and the patient as ``on_behalf_of``."""
    now = timezone.now()
    at = at or now
    if rem.response == status:
        return AckResult(rem, changed=False)
    if rem.response in FINAL:
        raise AckConflict(f"该次服药已记录为“{Response(rem.response).label}”")
    proxy = actor is not None and access.own_patient_id(actor) != rem.patient_id
    before = {"response": rem.response, "response_at": rem.response_at}
    updates: dict[str, Any] = {
        "response": status,
        "responded_at": now,
        "response_at": at,
        "responded_by": actor if proxy else None,
    }
    if status == Response.SNOOZED:
        updates["snoozed_until"] = at + dt.timedelta(minutes=settings.AMMED_REMINDER_SNOOZE_MINUTES)
    won = DoseReminder.objects.filter(id=rem.id, response=rem.response).update(**updates) == 1
    rem.refresh_from_db()
    if not won:  # a concurrent answer landed first: re-evaluate against it
        if rem.response == status:
            return AckResult(rem, changed=False)
        if rem.response in FINAL:
            raise AckConflict(f"该次服药已记录为“{Response(rem.response).label}”")
    if status == Response.SNOOZED and rem.snoozed_until:
        n = DoseReminder.objects.filter(snooze_of_key=rem.key).count() + 1
        DoseReminder.objects.get_or_create(
            key=f"{rem.key}-s{n}",
            defaults={
                "snooze_of_key": rem.key,
                "patient_id": rem.patient_id,
                "request_id": rem.request_id,
                "medication": rem.medication,
                "dose_text": rem.dose_text,
                "instruction": (rem.instruction + "，稍后提醒").strip("，")[:200],
                "due_at": rem.snoozed_until,
            },
        )
    if proxy:
        audit.record(
            actor,
            "dose.ack",
            obj=rem,
            on_behalf_of=f"Patient/{rem.patient_id}",
            before=before,
            after={"response": rem.response, "response_at": rem.response_at},
        )
    return AckResult(rem, changed=True)


@dataclass
class PossibleDoubleDose:
    """A repeat "taken" for a dose already taken: what to ask the patient, the alert sent."""

    reminder: DoseReminder
    critical_class: str
    patient_text: str
    alert_key: str
    alerted_now: bool
    source: str


def _classes_of(reminders: list[DoseReminder]) -> dict[int, dict[str, Any] | None]:
    """The critical-medicine class (data row) of each dose: its order's, else by name (one
    query for all of them)."""
    classes = {c["id"]: c for c in critical_classes()["classes"]}
    classes[UNVERIFIED_CLASS["id"]] = UNVERIFIED_CLASS  # stored when the tables were unreadable
    by_order = dict(
        OrderSchedule.objects.filter(request_id__in={r.request_id for r in reminders}).values_list(
            "request_id", "critical_class"
        )
    )
    return {
        r.pk: classes.get(by_order[r.request_id])
        if by_order.get(r.request_id)
        else critical_class_of(r.medication, [])
        for r in reminders
    }


@transaction.atomic
def check_repeat_ack(
    patient_id: str, medicines: list[str], now: dt.datetime | None = None
) -> PossibleDoubleDose | None:
    """A patient's "taken" that found no open dose to answer: is it a possible double dose?

    Clinical invariant: for a medicine whose class has ``double_dose_alert`` (anticoagulants;
    ``data/critical_medicines.yaml``), a "taken" when that medicine's dose within
    ``possible_double_dose.window_hours`` is already recorded as taken is never recorded as
    a further dose and never passes silently: the care team is alerted through the gate
    (once per dose: idempotency key ``alert-double-<dose>``) and the caller gets the sourced
    question for the patient. Only the medicines named are considered; with none named, any
    such dose. Returns None when nothing matches (the caller keeps the answer as before).
    """
    now = now or timezone.now()
    rule = critical_classes()["possible_double_dose"]
    taken = DoseReminder.objects.filter(
        patient_id=patient_id,
        response=Response.TAKEN,
        due_at__gte=now - dt.timedelta(hours=rule["window_hours"]),
        due_at__lte=now + dt.timedelta(hours=1),
    ).order_by("-due_at")
    rows = list(taken)
    if medicines:
        candidates = [(n, r) for n in medicines for r in rows if n in r.medication]
    else:
        candidates = [("", r) for r in rows]
    classes = _classes_of([r for _, r in candidates])
    for name, rem in candidates:
        cls = classes[rem.pk]
        if not cls or not cls.get("double_dose_alert"):
            continue
        digest = hashlib.sha256(rem.key.encode()).hexdigest()[:40]
        key = f"alert-double-{digest}"
        # Two "taken" for the same dose at once: the dose row's lock makes the second wait,
        # so it finds the first one's alert and neither writes it twice.
        list(DoseReminder.objects.select_for_update().filter(pk=rem.pk).values_list("pk"))
        alerted_now = store.read("Communication", key) is None
        if alerted_now:
            taken_at = timezone.localtime(rem.response_at or rem.responded_at or now)
            gate.alert_care_team(
                patient_id,
                f"【可能重复服药】患者再次报告已服用{cls['label']}“{rem.medication}”，"
                f"而该次剂量(应服时间 {timezone.localtime(rem.due_at):%m-%d %H:%M})"
                f"已于 {taken_at:%m-%d %H:%M} 记录为已服，可能多服一次，请尽快联系患者。"
                f"依据: {rule['source']}",
                reason=f"possible_double_dose:{cls['id']}",
                about=[f"MedicationRequest/{rem.request_id}"],
                key=key,
            )
        return PossibleDoubleDose(
            reminder=rem,
            critical_class=cls["id"],
            patient_text=rule["patient_text"].format(medication=name or cls["label"]),
            alert_key=key,
            alerted_now=alerted_now,
            source=rule["source"],
        )
    return None


@lru_cache(maxsize=1)
def missed_rules() -> dict[str, Any]:
    return yaml.safe_load(MISSED_PATH.read_text(encoding="utf-8"))


def missed_dose_guidance(rem: DoseReminder, now: dt.datetime | None = None) -> dict[str, str]:
    """What to do about a missed dose, from the sourced rule (drug row, else default)."""
    now = now or timezone.now()
    rules = missed_rules()
    rule = dict(rules["default"])
    for row in rules["drugs"]:
        if any(n in rem.medication for n in row.get("names", [])):
            rule = {**rule, **row}
            break
    nxt = (
        DoseReminder.objects.filter(
            request_id=rem.request_id, due_at__gt=rem.due_at, snooze_of_key=""
        )
        .exclude(state=ReminderState.CANCELLED)
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )
    if rule.get("same_day_only"):
        skip = timezone.localdate(now) != timezone.localtime(rem.due_at).date()
    elif nxt is None:
        skip = False
    else:
        interval = (nxt - rem.due_at).total_seconds()
        skip = (nxt - now).total_seconds() < rule["near_fraction"] * interval
    advice = rule["skip"] if skip else rule["take"]
    return {
        "action": "skip" if skip else "take",
        "text": f"{advice}{rule['never_double']}",
        "source": rule["source"],
    }


GUIDANCE_FALLBACK = "请联系您的医生或药师确认如何补服"
LOAD_CONTEXT = object()  # sentinel: build the patient context from the stored record


def patient_context(patient_id: str) -> Any:
    """The monitor's PatientContext for ``patient_id`` (LOAD_CONTEXT when it cannot be built,
    so the check itself retries and fails closed)."""
    try:
        from clinical.monitor.context import PatientContext

        return PatientContext.from_record(patient_id)
    except Exception:
        return LOAD_CONTEXT


def checked_missed_dose_guidance(
    rem: DoseReminder, now: dt.datetime | None = None, context: Any = LOAD_CONTEXT
) -> dict[str, Any]:
    """Missed-dose guidance for an API response, after the output monitor's checks.

    Invariant: patient-facing text passes ``clinical.monitor`` first. The guidance is run
    through ``engine.run_monitor`` with the patient's context (as the monitor's dry run
    builds it); when the monitor holds it, or cannot run (fails closed), the patient gets
    ``GUIDANCE_FALLBACK`` and ``held: true``, never the held text. ``context`` may be passed
    in (a ``PatientContext`` or None) so a list of reminders builds it once.
    """
    guidance = missed_dose_guidance(rem, now)
    try:
        from clinical.monitor.context import PatientContext
        from clinical.monitor.engine import run_monitor

        if context is LOAD_CONTEXT:
            context = PatientContext.from_record(rem.patient_id)
        held = run_monitor(guidance["text"], context, None, "guidance").action != "release"
    except Exception:  # monitor or KB unavailable: hold, never release unchecked
        held = True
    if held:
        return {"action": "ask_clinician", "text": GUIDANCE_FALLBACK, "held": True}
    return {**guidance, "held": False}


def send_missed_dose_guidance(rem: DoseReminder, now: dt.datetime | None = None) -> Any:
    """Send the guidance to the patient as a message through ``clinical.monitor.gate.submit``.

    Invariant: nothing bypasses the gate; a held guidance waits ``on-hold`` for a clinician.
    One Communication per missed dose (idempotency key ``missed-guidance:<dose key>``).
    """
    from clinical.monitor import gate

    guidance = missed_dose_guidance(rem, now)
    return gate.submit(
        gate.OutgoingMessage(
            patient_id=rem.patient_id,
            text=guidance["text"],
            category="guidance",
            about=[f"MedicationRequest/{rem.request_id}"],
            idempotency_key=f"missed-guidance:{rem.key}",
        )
    )


def mark_missed(now: dt.datetime | None = None) -> list[str]:
    """Beat task body: unanswered sent doses past the grace period become missed.

    Returns the request ids that got new missed doses (for escalation).
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(minutes=settings.AMMED_REMINDER_GRACE_MINUTES)
    qs = DoseReminder.objects.filter(
        state__in=SENT_STATES, response__in=("", Response.SNOOZED), due_at__lt=cutoff
    ).filter(snooze_of_key="")
    qs = qs.exclude(response=Response.SNOOZED, snoozed_until__gte=cutoff)
    request_ids = sorted(set(qs.values_list("request_id", flat=True)))
    qs.update(response=Response.MISSED, responded_at=now)
    return request_ids


def _series(rows: list[tuple[str, dt.datetime]]) -> dict[str, int]:
    counts = {"taken": 0, "skipped": 0, "missed": 0, "snoozed": 0, "pending": 0}
    for response, _ in rows:
        counts[response or "pending"] += 1
    return counts


def _ratio(counts: dict[str, int]) -> float | None:
    due = counts["taken"] + counts["skipped"] + counts["missed"]
    return round(counts["taken"] / due, 3) if due else None


def adherence(patient_id: str, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    """Adherence per medication and overall in [start, end), with a daily series.

    ratio = taken / (taken + skipped + missed); unanswered doses still within their grace
    period count as pending, not against the patient.
    """
    rows = list(
        DoseReminder.objects.filter(
            patient_id=patient_id, due_at__gte=start, due_at__lt=end, snooze_of_key=""
        )
        .exclude(state__in=(ReminderState.CANCELLED, ReminderState.FAILED))
        .values_list("request_id", "medication", "response", "due_at")
    )
    by_med: dict[tuple[str, str], list[tuple[str, dt.datetime]]] = defaultdict(list)
    by_day: dict[str, list[tuple[str, dt.datetime]]] = defaultdict(list)
    for request_id, med, response, due in rows:
        by_med[(request_id, med)].append((response, due))
        by_day[timezone.localtime(due).date().isoformat()].append((response, due))
    critical = dict(
        OrderSchedule.objects.filter(request_id__in={k[0] for k in by_med}).values_list(
            "request_id", "critical_class"
        )
    )
    medications = []
    for (request_id, med), items in sorted(by_med.items(), key=lambda kv: kv[0][1]):
        counts = _series(items)
        medications.append(
            {
                "medication_request": request_id,
                "medication": med,
                "critical_class": critical.get(request_id, ""),
                **counts,
                "adherence": _ratio(counts),
            }
        )
    overall = _series([(r[2], r[3]) for r in rows])
    days = [
        {"date": day, **(c := _series(items)), "adherence": _ratio(c)}
        for day, items in sorted(by_day.items())
    ]
    return {
        "patient_id": patient_id,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "overall": {**overall, "adherence": _ratio(overall)},
        "medications": medications,
        "daily": days,
    }


def escalate(request_ids: list[str], now: dt.datetime | None = None) -> list[str]:
    """Alert the care team for critical medicines missed N times in a row and for patients
    whose adherence fell under the threshold. Returns the alert keys sent."""
    now = now or timezone.now()
    classes = {c["id"]: c for c in critical_classes()["classes"]}
    classes[UNVERIFIED_CLASS["id"]] = UNVERIFIED_CLASS  # stored when the tables were unreadable
    sent: list[str] = []
    orders = list(OrderSchedule.objects.filter(request_id__in=request_ids))
    for order in orders:
        cls = classes.get(order.critical_class)
        if not cls:
            continue
        n = int(cls["consecutive_missed"])
        last = list(
            DoseReminder.objects.filter(
                request_id=order.request_id, state__in=SENT_STATES, snooze_of_key=""
            )
            .exclude(response="")
            .order_by("-due_at")
            .values_list("key", "response", "due_at")[:n]
        )
        if len(last) == n and all(r[1] == Response.MISSED for r in last):
            key = f"alert-miss-{last[0][0][5:45]}"
            if store.read("Communication", key) is not None:
                continue  # this episode was already escalated
            text = (
                f"【漏服预警】患者连续{n}次未服{cls['label']}“{order.medication}”"
                f"(最近一次应服时间 {timezone.localtime(last[0][2]):%m-%d %H:%M})，请尽快联系患者。"
                f"依据: {cls['source']}"
            )
            gate.alert_care_team(
                order.patient_id,
                text,
                reason=f"consecutive_missed:{cls['id']}",
                about=[f"MedicationRequest/{order.request_id}"],
                key=key,
            )
            sent.append(key)
    threshold = critical_classes()["adherence_threshold"]
    window = dt.timedelta(days=threshold["window_days"])
    for patient_id in sorted({o.patient_id for o in orders}):
        summary = adherence(patient_id, now - window, now)["overall"]
        due = summary["taken"] + summary["skipped"] + summary["missed"]
        ratio = summary["adherence"]
        if due >= threshold["minimum_doses"] and ratio is not None and ratio < threshold["ratio"]:
            key = f"alert-adh-{patient_id}-{timezone.localdate(now):%Y%m%d}"[:64]
            if store.read("Communication", key) is not None:
                continue
            gate.alert_care_team(
                patient_id,
                f"【依从性预警】患者近{threshold['window_days']}天服药依从性 {ratio:.0%}，"
                f"低于 {threshold['ratio']:.0%}，请随访。依据: {threshold['source']}",
                reason="adherence_below_threshold",
                key=key,
            )
            sent.append(key)
    return sent


@dataclass(frozen=True)
class RecordedAdherence:
    """What the dose records say about one medicine over a window ending now (the public read
    other engines use: follow-up, issue #15). Thresholds are the orders' own
    (``data/critical_medicines.yaml``), carried here so a reader never copies a number."""

    medication_request: str  # MedicationRequest id
    medication: str
    critical_class: str  # class id of critical_medicines.yaml ("unverified" fails closed), or ""
    critical_label: str  # the class's Chinese label, or ""
    consecutive_limit: int | None  # the class's ``consecutive_missed``; None when not critical
    class_source: str  # the class's source, or ""
    window_days: int
    expected: int  # doses due in [now - window, now): answered or not
    taken: int
    skipped: int  # the patient answered "skipped" (a decision, not a missed dose)
    missed: int  # unanswered after the grace period (``mark_missed``)
    pending: int  # due but still unanswered (within the grace period, or snoozed)
    longest_missed_run: int  # most consecutive missed doses among the answered ones
    ratio: float | None  # taken / (taken + skipped + missed), the orders' adherence
    ratio_threshold: float  # adherence_threshold.ratio
    minimum_doses: int  # adherence_threshold.minimum_doses: fewer answered doses, no ratio
    threshold_source: str  # adherence_threshold.source

    @property
    def critical(self) -> bool:
        return bool(self.critical_class)

    @property
    def answered(self) -> int:
        return self.taken + self.skipped + self.missed


def _class_rows(pairs: set[tuple[str, str]]) -> dict[str, dict[str, Any] | None]:
    """The critical-medicine class (data row) per order id: the class stored on its schedule,
    else by name (as ``_classes_of``; an unreadable table fails closed as UNVERIFIED_CLASS)."""
    classes = {c["id"]: c for c in critical_classes()["classes"]}
    classes[UNVERIFIED_CLASS["id"]] = UNVERIFIED_CLASS
    by_order = dict(
        OrderSchedule.objects.filter(request_id__in={p[0] for p in pairs}).values_list(
            "request_id", "critical_class"
        )
    )
    return {
        request_id: classes.get(by_order[request_id])
        if by_order.get(request_id)
        else critical_class_of(medication, [])
        for request_id, medication in pairs
    }


def recorded_adherence_many(
    patient_ids: list[str], now: dt.datetime, days: int | None = None
) -> dict[str, list[RecordedAdherence]]:
    """``recorded_adherence`` for a batch of patients in two queries (the follow-up sweep).
    A patient without doses in the window is absent from the answer."""
    threshold = critical_classes()["adherence_threshold"]
    days = int(days if days is not None else threshold["window_days"])
    rows = list(
        DoseReminder.objects.filter(
            patient_id__in=patient_ids,
            due_at__gte=now - dt.timedelta(days=days),
            due_at__lt=now,
            snooze_of_key="",
        )
        .exclude(state__in=(ReminderState.CANCELLED, ReminderState.FAILED))
        .order_by("due_at", "pk")
        .values_list("patient_id", "request_id", "medication", "response")
    )
    if not rows:
        return {}
    by_med: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for patient_id, request_id, medication, response in rows:
        by_med[(patient_id, request_id, medication)].append(response)
    classes = _class_rows({(k[1], k[2]) for k in by_med})
    out: dict[str, list[RecordedAdherence]] = defaultdict(list)
    for (patient_id, request_id, medication), responses in sorted(by_med.items()):
        counts = _series([(r, now) for r in responses])
        run = longest = 0
        for response in responses:  # oldest first; unanswered doses neither count nor break
            if response == Response.MISSED:
                run += 1
                longest = max(longest, run)
            elif response in FINAL:
                run = 0
        cls = classes.get(request_id)
        out[patient_id].append(
            RecordedAdherence(
                medication_request=request_id,
                medication=medication,
                critical_class=cls["id"] if cls else "",
                critical_label=cls["label"] if cls else "",
                consecutive_limit=int(cls["consecutive_missed"]) if cls else None,
                class_source=cls["source"] if cls else "",
                window_days=days,
                expected=len(responses),
                taken=counts["taken"],
                skipped=counts["skipped"],
                missed=counts["missed"],
                pending=counts["pending"] + counts["snoozed"],
                longest_missed_run=longest,
                ratio=_ratio(counts),
                ratio_threshold=float(threshold["ratio"]),
                minimum_doses=int(threshold["minimum_doses"]),
                threshold_source=threshold["source"],
            )
        )
    return dict(out)


def recorded_adherence(
    patient_id: str, now: dt.datetime, days: int | None = None
) -> list[RecordedAdherence]:
    """Per medicine, the patient's recorded doses due in ``[now - days, now)`` (default: the
    orders' ``adherence_threshold.window_days``): expected, taken, skipped, missed, pending,
    the longest run of consecutive missed doses, and the critical class with its limits.

    Clinical invariants: a dose not yet due (``due_at >= now``) is not counted at all; an
    unanswered dose is ``pending`` until ``mark_missed`` has made it missed after the grace
    period, never missed before; a skipped dose is the patient's answer, not a missed one, and
    ends a run of misses; snooze re-reminders are not doses. Read-only (no writes, no alerts).
    Empty when the patient has no doses in the window."""
    return recorded_adherence_many([patient_id], now, days).get(patient_id, [])
