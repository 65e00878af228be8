"""能吃…吗 → clinical.diet consultation (issue 6)."""

from __future__ import annotations

import logging

from clinical.agent.routes.base import RouteContext, RouteResult, escalate, patient_text, to_dict

log = logging.getLogger(__name__)


def answer(ctx: RouteContext) -> RouteResult:
    foods = ctx.understanding.foods
    try:
        from clinical.diet.services import consult  # type: ignore[attr-defined]
    except ImportError:
        return escalate("diet", ctx, "engine_unavailable", foods=foods)
    try:
        from ammed_fhir import store

        result = to_dict(
            consult(
                food=foods[0] if foods else None,
                question=ctx.text,
                record=store.patient_record(ctx.patient_id),
            )
        )
    except Exception as exc:
        log.warning("diet engine failed: %s", exc.__class__.__name__)
        return escalate("diet", ctx, "engine_error", foods=foods)
    text = patient_text(result)
    if not text:
        return escalate("diet", ctx, "engine_no_text", diet=result)
    return RouteResult("diet", "answered", {"route": "diet", **result}, text)
