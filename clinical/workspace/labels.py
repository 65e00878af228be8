"""Chinese labels for codes the clinical apps store (alert reasons, finding codes)."""

from __future__ import annotations

from typing import Any


def reason_text(code: str, assessment: Any = None) -> str:
    """The Chinese text of a follow-up reason ``code`` as a clinician reads it (the clinician
    wording of a syndrome, else the text): from the assessment that raised it, else the code
    itself (never shown bare when the assessment is known)."""
    from clinical.followup.services.rules.base import clinician_text

    result = getattr(assessment, "result", None) or {}
    for reason in result.get("reasons", []) if isinstance(result, dict) else []:
        if reason.get("code") == code and (reason.get("clinician") or reason.get("text")):
            return clinician_text(reason)
    return code


def alert_text(alert: Any) -> str:
    """Every reason of an alert episode in Chinese, most severe first."""
    texts = [t for t in getattr(alert, "reason_texts", []) if t]
    if texts:
        return "；".join(texts)
    return reason_text(alert.reason_code, alert.assessment)
