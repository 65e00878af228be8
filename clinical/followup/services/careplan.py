"""Follow-up CarePlans (FHIR R4) built from plan templates (data/careplan_templates.yaml).

Clinical invariants:
- one follow-up CarePlan per patient (a deterministic id), written only through
  ``ammed_fhir.store.write`` (validated, versioned);
- a plan AM-Med proposes is ``draft`` / intent ``proposal`` until a clinician approves it
  (``approve_careplan``), which makes it ``active`` / ``plan`` and sends the patient-facing
  summary through the output monitor (``clinical.monitor.gate.submit``);
- a changed disposition revises only the revisit activity's timing; a revision never changes
  the approval status;
- a ``review`` disposition (#15) keeps the routine revisit and adds the care team's step
  "read the patient's words and contact them within 24 h"; a revision keeps every such step
  the plan already holds (the earlier plan is never lost);
- every activity comes from a template row that carries its source.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from ammed_fhir import access, store
from clinical.followup.services.facts import Facts
from clinical.followup.services.ruledata import LABELS, load
from clinical.knowledge import drugs as kd
from clinical.knowledge import syndromes as ks

ACTIVITY_SYSTEM = "https://ammed.example/fhir/CodeSystem/followup-activity"
PLAN_SYSTEM = "https://ammed.example/fhir/CodeSystem/followup-plan"
DISPOSITION_SYSTEM = "https://ammed.example/fhir/CodeSystem/followup-disposition"
_NS = uuid.UUID("6f1d3c2e-6a59-4d0a-9a55-0c1b2f3e4d5a")


def careplan_id(patient_id: str) -> str:
    """The deterministic id of a patient's follow-up CarePlan."""
    return f"fu-{uuid.uuid5(_NS, patient_id).hex}"


def _day(dt: datetime) -> str:
    return dt.date().isoformat()


def _template_applies(facts: Facts, when: dict[str, Any]) -> bool:
    if when.get("surgery") and facts.surgeries:
        return True
    if when.get("conditions_any") and facts.has_condition(*when["conditions_any"]):
        return True
    if when.get("meds_any") and facts.has_med(*when["meds_any"]):
        return True
    snomed = set(when.get("procedure_snomed") or [])
    words = [kd.fold(w) for w in when.get("procedure_text") or []]
    icd9 = [ks.ICD9CM_TAG + c.replace(".", "") for c in when.get("procedure_icd9cm3") or []]
    for codes, text, _ in facts.procedures_codes:
        # SNOMED CT exact, ICD-9-CM-3 by category (syndromes.procedure_codes), folded words
        if snomed & set(codes.split()) or any(w in kd.fold(text) for w in words):
            return True
        if any(c.startswith(p) for c in codes.split() for p in icd9):
            return True
    return False


def _anchors(facts: Facts) -> dict[str, datetime]:
    last = facts.last_surgery()
    discharge = facts.discharge or (last[0] if last else None) or facts.now
    return {"discharge": discharge, "procedure": last[0] if last else discharge}


def _activity(row: dict[str, Any], anchors: dict[str, datetime], template: dict) -> dict[str, Any]:
    base = anchors[row.get("anchor", "discharge")]
    detail: dict[str, Any] = {
        "kind": row["kind"],
        "code": {
            "coding": [{"system": ACTIVITY_SYSTEM, "code": row["code"], "display": row["text"]}],
            "text": row["text"],
        },
        "status": "scheduled",
        "description": f"{row['text']}（依据：{template['source']}）",
    }
    if "repeat" in row:
        start = base + timedelta(days=row.get("start_offset_days", 0))
        end = start + timedelta(days=row["duration_days"])
        detail["scheduledTiming"] = {
            "repeat": {**row["repeat"], "boundsPeriod": {"start": _day(start), "end": _day(end)}}
        }
    else:
        when = base + timedelta(days=row["offset_days"])
        detail["scheduledPeriod"] = {"start": _day(when), "end": _day(when)}
    return {"detail": detail}


def revisit_activity(disposition: str, facts: Facts) -> dict[str, Any]:
    spec = load("careplan_templates")["revisit"]
    by = spec["by_disposition"][disposition]
    if disposition == "self-care":
        when = max(facts.now, _anchors(facts)["discharge"] + timedelta(days=by["offset_days"]))
    else:
        when = facts.now + timedelta(days=by["offset_days"])
    start = facts.now if disposition != "self-care" else when
    return {
        "detail": {
            "kind": spec["kind"],
            "code": {
                "coding": [
                    {"system": ACTIVITY_SYSTEM, "code": spec["code"], "display": "复诊"},
                    {"system": DISPOSITION_SYSTEM, "code": disposition},
                ],
                "text": by["text"],
            },
            "status": "scheduled",
            "description": f"{by['text']}（依据：{spec['source']}）",
            "scheduledPeriod": {"start": _day(start), "end": _day(when)},
        }
    }


def _is_review_step(activity: dict[str, Any]) -> bool:
    code = load("careplan_templates")["clinician_review"]["code"]
    codings = ((activity.get("detail") or {}).get("code") or {}).get("coding") or []
    return any(c.get("system") == ACTIVITY_SYSTEM and c.get("code") == code for c in codings)


def review_activities(
    disposition: str, facts: Facts, existing: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """The care team's "read and contact within 24 h" steps of the plan: those the existing plan
    holds (kept as they are, with their status), plus a new one due within 24 h when
    ``disposition`` asks for it and no step of the plan is still open."""
    spec = load("careplan_templates")["clinician_review"]
    kept = [a for a in (existing or {}).get("activity") or [] if _is_review_step(a)]
    open_step = any(
        (a.get("detail") or {}).get("status") in ("scheduled", "not-started", "in-progress")
        for a in kept
    )
    if disposition not in spec["dispositions"] or open_step:
        return kept
    due = facts.now + timedelta(days=spec["within_days"])
    step = {
        "detail": {
            "kind": spec["kind"],
            "code": {
                "coding": [
                    {"system": ACTIVITY_SYSTEM, "code": spec["code"], "display": spec["text"]},
                    {"system": DISPOSITION_SYSTEM, "code": disposition},
                ],
                "text": spec["text"],
            },
            "status": "scheduled",
            "description": f"{spec['text']}（依据：{spec['source']}）",
            "scheduledPeriod": {
                "start": facts.now.isoformat(timespec="seconds"),
                "end": due.isoformat(timespec="seconds"),
            },
        }
    }
    return [*kept, step]


def revisit_disposition(careplan: dict[str, Any]) -> str | None:
    """The disposition the plan's revisit activity was scheduled for."""
    for act in careplan.get("activity") or []:
        codings = ((act.get("detail") or {}).get("code") or {}).get("coding") or []
        if any(c.get("code") == "revisit" for c in codings):
            for c in codings:
                if c.get("system") == DISPOSITION_SYSTEM:
                    return c.get("code")
    return None


def build_careplan(
    facts: Facts, disposition: str, existing: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The follow-up CarePlan for ``facts`` (not yet stored)."""
    anchors = _anchors(facts)
    activities: list[dict[str, Any]] = []
    used: list[str] = []
    for template in load("careplan_templates")["templates"]:
        if not _template_applies(facts, template["when"]):
            continue
        used.append(template["title"])
        activities += [_activity(row, anchors, template) for row in template["activities"]]
    activities.append(revisit_activity(disposition, facts))
    activities += review_activities(disposition, facts, existing)
    ends = [anchors["discharge"] + timedelta(days=30)]
    for act in activities:
        d = act["detail"]
        end = (d.get("scheduledPeriod") or {}).get("end") or d["scheduledTiming"]["repeat"][
            "boundsPeriod"
        ]["end"]
        ends.append(datetime.fromisoformat(end).replace(tzinfo=facts.now.tzinfo))
    plan: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": careplan_id(facts.patient_id),
        "status": (existing or {}).get("status", "draft"),
        "intent": (existing or {}).get("intent", "proposal"),
        "category": [
            {
                "coding": [{"system": PLAN_SYSTEM, "code": "post-discharge-followup"}],
                "text": "出院随访",
            }
        ],
        "title": "出院随访计划",
        "description": "AM-Med 根据病情与随访模板生成（" + "、".join(used or ["常规随访"]) + "）",
        "subject": {"reference": f"Patient/{facts.patient_id}"},
        "period": {"start": _day(anchors["discharge"]), "end": _day(max(ends))},
        "created": (existing or {}).get("created") or facts.now.isoformat(timespec="seconds"),
        "author": {"display": "AM-Med 随访系统"},
        "activity": activities,
    }
    if facts.condition_refs:
        plan["addresses"] = [{"reference": r} for r in facts.condition_refs]
    notes = list((existing or {}).get("note") or [])
    before = revisit_disposition(existing) if existing else None
    if before not in (None, disposition):
        # clinicians read the plan in Chinese: the one ladder's labels (ruledata.LABELS)
        said = LABELS.get(before, before)  # type: ignore[arg-type]
        notes.append(
            {
                "time": facts.now.isoformat(timespec="seconds"),
                "text": f"随访评估由“{said}”变为“{LABELS[disposition]}”，复诊安排已调整",
            }
        )
    if notes:
        plan["note"] = notes
    return plan


def sync_careplan(
    facts: Facts, disposition: str, existing: dict[str, Any] | None, *, create: bool
) -> dict[str, Any] | None:
    """Create the plan (when ``create``) or revise its revisit when the disposition changed.

    Returns the stored plan, the unchanged existing plan, or None (no plan, not creating)."""
    if existing is None:
        if not create:
            return None
        return store.write(build_careplan(facts, disposition))
    if existing.get("status") in ("revoked", "completed", "entered-in-error"):
        return existing
    if revisit_disposition(existing) == disposition:
        return existing
    return store.write(build_careplan(facts, disposition, existing))


def patient_summary(careplan: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The patient-facing Chinese summary of a plan, and its structured form."""
    items = []
    for act in careplan.get("activity") or []:
        d = act.get("detail") or {}
        text = (d.get("code") or {}).get("text", "")
        if d.get("scheduledPeriod"):
            when = str(d["scheduledPeriod"].get("end") or d["scheduledPeriod"].get("start"))[:10]
        else:
            bp = d.get("scheduledTiming", {}).get("repeat", {}).get("boundsPeriod", {})
            when = f"{bp.get('start')} 至 {bp.get('end')}"
        items.append({"text": text, "when": when})
    lines = ["您的出院随访计划已由医生确认："]
    lines += [f"{i}. {it['text']}（{it['when']}）" for i, it in enumerate(items, 1)]
    lines.append("如出现胸痛、呼吸困难、言语不清、黑便或大出血等情况，请立即拨打120。")
    return "\n".join(lines), {"careplan": f"CarePlan/{careplan['id']}", "activities": items}


@transaction.atomic
def approve_careplan(careplan_id: str, user: Any) -> dict[str, Any]:
    """A clinician approves a proposed plan: ``active``/``plan``; the patient gets the summary.

    Raises LookupError when the plan does not exist or ``user`` may not see the patient
    (forbidden looks missing), PermissionDenied unless ``user`` may approve care plans
    (physicians, ``AMMED_CAREPLAN_APPROVER_ROLES``, or a superuser). The approval is audited
    (``ammed_fhir.audit``) in the same transaction as the write."""
    from ammed_fhir import audit
    from clinical.monitor.gate import OutgoingMessage, submit
    from clinical.workspace import signoff

    plan = store.read("CarePlan", careplan_id)
    if plan is None:
        raise LookupError(careplan_id)
    patient_id = plan["subject"]["reference"].split("/", 1)[1]
    if not access.can_access_patient(user, patient_id):
        raise LookupError(careplan_id)
    if not signoff.may_approve_careplan(user):
        raise PermissionDenied("随访计划须由医生审核批准")
    if plan.get("status") == "active":
        return plan
    before_status = plan.get("status")
    plan = dict(plan)
    plan.pop("meta", None)
    plan["status"] = "active"
    plan["intent"] = "plan"
    plan["note"] = [
        *(plan.get("note") or []),
        {"authorString": user.get_username(), "text": "医生已审核批准此随访计划"},
    ]
    stored = store.write(plan)
    audit.record(
        user,
        "careplan.approve",
        patients=[patient_id],
        object_type="CarePlan",
        object_id=stored["id"],
        before={"status": before_status},
        after={"status": "active", "versionId": stored["meta"]["versionId"]},
    )
    text, structured = patient_summary(stored)
    submit(
        OutgoingMessage(
            patient_id=patient_id,
            text=text,
            category="careplan",
            about=[f"CarePlan/{stored['id']}"],
            structured=structured,
            idempotency_key=f"cps-{uuid.uuid5(_NS, stored['id'] + '/' + stored['meta']['versionId']).hex}",
        )
    )
    return stored
