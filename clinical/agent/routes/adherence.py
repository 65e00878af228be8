"""Dose acknowledgements (吃过了) → clinical.orders adherence (issue 4)."""

from __future__ import annotations

import logging

from clinical.agent.routes.base import RouteContext, RouteResult, to_dict

log = logging.getLogger(__name__)


def answer(ctx: RouteContext) -> RouteResult:
    meds = ctx.understanding.medicines
    structured: dict = {"route": "adherence", "ack": True, "medicines": meds}
    try:
        from clinical.orders.services.adherence import (  # type: ignore[attr-defined]
            acknowledge_latest,
        )

        structured["adherence"] = to_dict(acknowledge_latest(ctx.patient_id, medicines=meds))
        structured["recorded_by"] = "orders"
    except ImportError:
        structured["recorded_by"] = "agent"  # kept in the conversation history
    except Exception as exc:
        log.warning("orders adherence failed: %s", exc.__class__.__name__)
        structured["recorded_by"] = "agent"
    which = "、".join(meds)
    draft = f"好的，已记录您服用了{which}。" if which else "好的，已记录您已按时服药。"
    return RouteResult("adherence", "recorded", structured, draft)
