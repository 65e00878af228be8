"""Medication questions → clinical.medkb guidance (issue 3).

medkb answers "may I take X (given my record and symptoms)?" for products the patient has
at home (``guidance.advise``). Questions about the patient's *prescribed* medicines
(missed doses, dose changes) are the prescriber's: they are escalated to the care team.
"""

from __future__ import annotations

import logging

from ammed_fhir import store
from clinical.agent.routes.base import RouteContext, RouteResult, escalate

log = logging.getLogger(__name__)


def prescribed(patient_id: str) -> list[str]:
    """Text of the patient's active MedicationRequests (names as the EMR wrote them)."""
    out = []
    for mr in store.search("MedicationRequest", patient_id=patient_id, status="active"):
        concept = mr.get("medicationCodeableConcept") or {}
        out.append(concept.get("text") or "")
    return out


def answer(ctx: RouteContext) -> RouteResult:
    u = ctx.understanding
    meds = u.medicines
    try:
        from clinical.medkb.api import PatientContext
        from clinical.medkb.services.guidance import GuidanceRequest, advise
    except ImportError:
        return escalate("medication", ctx, "engine_unavailable", medicines=meds)
    own = prescribed(ctx.patient_id)
    cabinet = [m for m in meds if not any(m in text for text in own)]
    if not cabinet:
        # About a prescribed medicine (or none named): the prescriber answers.
        return escalate("medication", ctx, "prescribed_medicine_question", medicines=meds)
    try:
        patient = PatientContext.from_record(ctx.patient_id)
        if patient is None:
            return escalate("medication", ctx, "patient_unknown", medicines=meds)
        result = advise(GuidanceRequest(patient=patient, cabinet=cabinet, symptoms=u.symptoms))
    except Exception as exc:  # engine failure must never reach the patient as an error
        log.warning("medkb failed: %s", exc.__class__.__name__)
        return escalate("medication", ctx, "engine_error", medicines=meds)
    text = result.get("advice", "").strip()
    if not text:
        return escalate("medication", ctx, "engine_no_text", guidance=result)
    structured = {"route": "medication", "medicines": meds, "cabinet": cabinet, "guidance": result}
    outcome = "answered"
    alert = ""
    if result.get("see_doctor", {}).get("urgency") in {"urgent", "emergency"}:
        alert = f"agent-medication:{result['see_doctor']['urgency']}"
    return RouteResult("medication", outcome, structured, text, alert_reason=alert)
