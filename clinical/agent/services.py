"""The patient conversation: understand → route to an engine → phrase → output monitor.

Invariants:
- the engine's structured result is the content; the configured language model (or the
  templates) only phrases it, and every reply goes through ``gate.submit`` with that
  structured result, so the monitor can hold a phrasing that adds a drug, a dose or a
  reassurance;
- patient text is data: injection attempts are recorded, never obeyed;
- an engine that is missing or fails turns into an escalation to the care team (who are
  alerted), never into advice of our own.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from ammed_fhir import audit
from clinical.agent.models import AgentMessage
from clinical.agent.routes import adherence, crisis, diet, followup, medication
from clinical.agent.routes.base import RouteContext, RouteResult, escalate
from clinical.agent.understanding import model as model_understanding
from clinical.agent.understanding.schema import Understanding
from clinical.monitor import gate
from inference.phrasing import phrase

log = logging.getLogger(__name__)

GENERIC_TEXT = (
    "您好，我是随访助手。我可以解答用药和饮食问题，记录您的血压、血糖，"
    "也可以了解您的不适。请直接告诉我您想问的。"
)

ROUTES = {
    "medication_question": medication.answer,
    "diet_question": diet.answer,
    "symptom_report": followup.answer,
    "reading_report": followup.answer,
    "dose_ack": adherence.answer,
}

MAX_TEXT = 1000
HELD_TEXT = "您的消息已收到，医生审核后会尽快回复您。"


@dataclass
class AgentReply:
    inbound: AgentMessage
    outbound: AgentMessage

    def as_dict(self) -> dict[str, Any]:
        out = self.outbound
        return {
            "message_id": self.inbound.pk,
            "reply_id": out.pk,
            # A held reply is not shown until a clinician releases it.
            "reply": out.text if out.status == AgentMessage.Status.RELEASED else HELD_TEXT,
            "status": out.status,
            "intent": self.inbound.intent,
            "route": out.route,
            "outcome": out.outcome,
            "communication": f"Communication/{out.communication_id}",
            "entities": {
                k: self.inbound.understanding.get(k, [])
                for k in ("medicines", "foods", "symptoms", "readings")
            },
        }


def route(u: Understanding, ctx: RouteContext) -> RouteResult:
    """The crisis route first (whatever else the message asks); then by intent. A message
    nothing was understood in gets the generic help text only when it is a pleasantry or an
    instruction attempt; anything else is handed to a clinician with the words quoted (what
    the system does not understand is never benign)."""
    if u.crisis_concepts:
        return crisis.answer(ctx)
    handler = ROUTES.get(u.intent)
    if handler is not None:
        return handler(ctx)
    if u.greeting or u.injection or not ctx.text.strip():
        return RouteResult(
            "general", "answered", {"route": "general", "intent": u.intent}, GENERIC_TEXT
        )
    return escalate("general", ctx, "not_understood", quoted=ctx.text)


def _existing(source_ref: str | None) -> AgentReply | None:
    if not source_ref:
        return None
    inbound = AgentMessage.objects.filter(source_ref=source_ref).first()
    if inbound is None:
        return None
    outbound = inbound.replies.order_by("id").first()
    return AgentReply(inbound, outbound) if outbound else None


def handle_message(
    patient_id: str,
    text: str,
    *,
    source: str = "api",
    source_ref: str | None = None,
    author: Any = None,
) -> AgentReply:
    """Answer one patient message (one transaction; idempotent per ``source_ref``).

    ``author``: the user who posted it when that is not the patient (a clinician on the
    patient's behalf): the message is stored as theirs, what it records (a dose
    acknowledgement) names them, and the post is an audit record."""
    text = text.strip()[:MAX_TEXT]
    if done := _existing(source_ref):
        return done
    try:
        with transaction.atomic():
            return _handle(patient_id, text, source, source_ref, author)
    except IntegrityError:  # the same Communication answered concurrently
        done = _existing(source_ref)
        if done is None:
            raise
        return done


def _handle(
    patient_id: str, text: str, source: str, source_ref: str | None, author: Any = None
) -> AgentReply:
    inbound = AgentMessage.objects.create(
        patient_id=patient_id,
        direction=AgentMessage.Direction.INBOUND,
        text=text,
        status=AgentMessage.Status.RECEIVED,
        source=source,
        source_ref=source_ref,
        author=author,
    )
    if author is not None:
        audit.record(
            author,
            "conversation.message",
            obj=inbound,
            on_behalf_of=f"Patient/{patient_id}",
            after={"message_id": inbound.pk},
        )
    u = model_understanding.understand(text)
    if u.injection:
        log.info("agent: message %s contained an instruction attempt (ignored)", inbound.pk)
    ctx = RouteContext(
        patient_id=patient_id, text=text, understanding=u, message_id=inbound.pk, actor=author
    )
    result = route(u, ctx)
    structured = {**result.structured, "intent": u.intent}
    phrased = phrase("agent", structured, result.draft)
    gated = gate.submit(
        gate.OutgoingMessage(
            patient_id=patient_id,
            text=phrased.text,
            category="agent",
            about=result.about,
            structured=structured,
            idempotency_key=f"agent-reply-{inbound.pk}",
        )
    )
    if result.alert_reason:
        lead = (
            "【紧急】患者消息提示自杀或自伤风险，请立即联系患者"
            if (result.alert_priority == "emergency")
            else "患者消息需要医生回复"
        )
        gate.alert_care_team(
            patient_id,
            f"{lead}（{result.route}）：{text}",
            reason=result.alert_reason,
            about=result.about,
            key=f"agent-alert-{inbound.pk}",
        )
    inbound.intent = u.intent
    inbound.understanding = u.as_dict()
    inbound.save(update_fields=["intent", "understanding"])
    outbound = AgentMessage.objects.create(
        patient_id=patient_id,
        direction=AgentMessage.Direction.OUTBOUND,
        text=phrased.text,
        status=(
            AgentMessage.Status.RELEASED if gated.action == "release" else AgentMessage.Status.HELD
        ),
        intent=u.intent,
        route=result.route,
        outcome=result.outcome,
        structured=structured,
        draft=result.draft,
        phrasing_source=phrased.source,
        communication_id=gated.communication.get("id", ""),
        source=source,
        reply_to=inbound,
    )
    return AgentReply(inbound, outbound)


def history(patient_id: str, limit: int = 100) -> list[AgentMessage]:
    """The latest ``limit`` messages of one patient's conversation, oldest first."""
    rows = list(AgentMessage.objects.filter(patient_id=patient_id).order_by("-id")[:limit])
    return rows[::-1]
