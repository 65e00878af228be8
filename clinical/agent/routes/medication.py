"""Medication questions → clinical.medkb guidance (issue 3).

medkb answers "may I take X (given my record and symptoms)?" for products the patient has
at home (``guidance.advise``). Questions about the patient's *prescribed* medicines
(missed doses, dose changes) are the prescriber's: they are escalated to the care team.
"""

from __future__ import annotations

import logging
import re

from ammed_fhir import store
from clinical.agent.routes.base import RouteContext, RouteResult, escalate

log = logging.getLogger(__name__)

# Class names in data/lexicon.csv are not products one can look up: the prescriber answers.
CLASS_NAMES = {"降压药", "降糖药", "止痛药", "抗生素", "胰岛素", "头孢类"}
# Stopping, changing, skipping or catching up a dose is the prescriber's decision.
PRESCRIBER_QUESTION = re.compile(
    r"停|减量|加量|换药|漏服|忘了吃|忘记吃|补吃|要补|少吃|多吃|剂量|吃几"
)


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
    if PRESCRIBER_QUESTION.search(ctx.text):
        return escalate("medication", ctx, "dose_change_question", medicines=meds)
    own = prescribed(ctx.patient_id)
    cabinet = [m for m in meds if m not in CLASS_NAMES and not any(m in t for t in own)]
    if not cabinet:
        # About a prescribed medicine or a class (or none named): the prescriber answers.
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
