"""The result every route returns, and the shared escalation."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from typing import Any, Literal

from clinical.agent.understanding.schema import Understanding

log = logging.getLogger(__name__)

Outcome = Literal["answered", "escalated", "recorded", "clarify"]

URGENT_HINT = "如有紧急不适，请立即就医或拨打120。"
ESCALATION_TEXTS = {
    "medication": "您的用药问题已转给您的医生，请先咨询医生，不要自行调整用药。" + URGENT_HINT,
    "diet": "您的饮食问题已转给您的医生，请先咨询医生后再食用。" + URGENT_HINT,
    "followup": "您反映的情况已转给您的医生，医生会尽快联系您。" + URGENT_HINT,
    "general": "您的消息已转给您的医生，医生会尽快查看并回复您。" + URGENT_HINT,
}
ESCALATION_TEXT = ESCALATION_TEXTS["medication"]


@dataclass
class RouteResult:
    """What an engine decided. ``structured`` is the content; ``draft`` is its template text."""

    route: str
    outcome: Outcome
    structured: dict[str, Any]
    draft: str
    about: list[str] = field(default_factory=list)
    alert_reason: str = ""  # non-empty: the care team must be told (escalation)
    alert_priority: str = ""  # "emergency": the alert says so first (crisis)


@dataclass
class RouteContext:
    patient_id: str
    text: str
    understanding: Understanding
    message_id: int
    actor: Any = None  # the user who posted, when not the patient (a clinician)


def escalate(route: str, ctx: RouteContext, reason: str, **extra: Any) -> RouteResult:
    """Hand the question to the care team; tell the patient so (no advice of our own)."""
    return RouteResult(
        route=route,
        outcome="escalated",
        structured={"route": route, "escalated": True, "reason": reason, **extra},
        draft=ESCALATION_TEXTS.get(route, ESCALATION_TEXT),
        alert_reason=f"agent-escalation:{route}:{reason}",
    )


def to_dict(value: Any) -> dict[str, Any]:
    """An engine result as a JSON-able dict (dataclass, dict, or object with as_dict)."""
    if isinstance(value, dict):
        return value
    for name in ("to_dict", "as_dict"):
        method = getattr(value, name, None)
        if callable(method):
            return method()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    raise TypeError(f"unexpected engine result {type(value).__name__}")


def patient_text(result: dict[str, Any]) -> str:
    """The engine's own patient-facing text, if it provides one."""
    for key in ("patient_text", "advice", "text", "reply", "answer", "message", "summary"):
        value = result.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""
