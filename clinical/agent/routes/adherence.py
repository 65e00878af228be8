"""Dose acknowledgements (吃过了) → clinical.orders adherence (issue 4).

The acknowledgement answers the most recent dose reminder already sent to the patient
(for the named medicine when one is named) that has no answer yet, through
``clinical.orders.services.adherence.record_ack``. Without the orders engine (or with no
such reminder) it is kept in the conversation history only -- except a possible double
dose: a "taken" for a critical medicine (anticoagulant) whose dose is already recorded as
taken is not recorded again; the patient is asked whether they took it twice and told not
to take more, and the care team is alerted (``check_repeat_ack``, issue 21).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.utils import timezone

from clinical.agent.routes.base import RouteContext, RouteResult, escalate

log = logging.getLogger(__name__)

# An acknowledgement can answer a reminder due up to this long ago, or just ahead of time.
ACK_WINDOW_BEFORE = dt.timedelta(hours=12)
ACK_WINDOW_AFTER = dt.timedelta(hours=1)


def acknowledge(patient_id: str, medicines: list[str], actor: Any = None) -> dict[str, Any] | None:
    """Record ``taken`` on the latest open reminder; None when there is none to answer.
    ``actor``: who said so when not the patient (kept on the reminder and audited)."""
    from clinical.orders.models import DoseReminder, Response
    from clinical.orders.services.adherence import SENT_STATES, record_ack

    now = timezone.now()
    open_reminders = DoseReminder.objects.filter(
        patient_id=patient_id,
        state__in=SENT_STATES,
        response="",
        due_at__gte=now - ACK_WINDOW_BEFORE,
        due_at__lte=now + ACK_WINDOW_AFTER,
    ).order_by("-due_at")
    for name in medicines:
        named = open_reminders.filter(medication__contains=name).first()
        if named is not None:
            rem = named
            break
    else:
        rem = open_reminders.first()
    if rem is None:
        return None
    result = record_ack(rem, Response.TAKEN, now, actor=actor)
    return {
        "reminder": rem.key,
        "medication_request": f"MedicationRequest/{rem.request_id}",
        "medication": rem.medication,
        "response": Response.TAKEN.value,
        "changed": result.changed,
    }


def possible_double_dose(patient_id: str, medicines: list[str]) -> dict[str, Any] | None:
    """The orders engine's double-dose check for an ack that answered no open dose."""
    from clinical.orders.services.adherence import check_repeat_ack

    found = check_repeat_ack(patient_id, medicines)
    if found is None:
        return None
    rem = found.reminder
    return {
        "reminder": rem.key,
        "medication_request": f"MedicationRequest/{rem.request_id}",
        "medication": rem.medication,
        "critical_class": found.critical_class,
        "alert": f"Communication/{found.alert_key}",
        "text": found.patient_text,
        "source": found.source,
    }


def answer(ctx: RouteContext) -> RouteResult:
    meds = ctx.understanding.medicines
    structured: dict[str, Any] = {"route": "adherence", "ack": True, "medicines": meds}
    about: list[str] = []
    try:
        recorded = acknowledge(ctx.patient_id, meds, ctx.actor)
    except ImportError:
        recorded = None  # orders engine not installed: the history keeps the answer
    except Exception as exc:  # e.g. AckConflict: the dose already has another answer
        log.warning("orders adherence failed: %s", exc.__class__.__name__)
        recorded = None
    double = None
    if recorded is None:
        try:
            double = possible_double_dose(ctx.patient_id, meds)
        except ImportError:
            double = None  # no orders engine: no dose records to compare with
        except Exception as exc:  # the safety check could not run: fail closed
            log.warning("double-dose check failed: %s", exc.__class__.__name__)
            return escalate("adherence", ctx, "double_dose_check_failed", medicines=meds)
    if double is not None:
        text = double.pop("text")
        structured.update(recorded_by="none", possible_double_dose=double)
        return RouteResult(
            "adherence", "clarify", structured, text, about=[double["medication_request"]]
        )
    if recorded is not None:
        structured.update(recorded_by="orders", adherence=recorded)
        about = [recorded["medication_request"]]
    else:
        structured["recorded_by"] = "agent"
    which = "、".join(meds)
    draft = f"好的，已记录您服用了{which}。" if which else "好的，已记录您已按时服药。"
    return RouteResult("adherence", "recorded", structured, draft, about=about)
