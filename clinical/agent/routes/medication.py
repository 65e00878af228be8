"""Medication questions → clinical.medkb guidance (issue 3)."""

from __future__ import annotations

import logging

from clinical.agent.routes.base import RouteContext, RouteResult, escalate, patient_text, to_dict

log = logging.getLogger(__name__)


def answer(ctx: RouteContext) -> RouteResult:
    try:
        from clinical.medkb.services import answer_question  # type: ignore[attr-defined]
    except ImportError:
        return escalate(
            "medication", ctx, "engine_unavailable", medicines=ctx.understanding.medicines
        )
    try:
        result = to_dict(
            answer_question(
                patient_id=ctx.patient_id, question=ctx.text, medicines=ctx.understanding.medicines
            )
        )
    except Exception as exc:  # engine failure must never reach the patient as an error
        log.warning("medkb failed: %s", exc.__class__.__name__)
        return escalate("medication", ctx, "engine_error", medicines=ctx.understanding.medicines)
    text = patient_text(result)
    if not text or result.get("escalate"):
        return escalate("medication", ctx, "engine_escalated", guidance=result)
    return RouteResult("medication", "answered", {"route": "medication", **result}, text)
