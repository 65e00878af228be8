"""Definitive diagnoses told to the patient (above all of cancer) hold: clinicians diagnose."""

from __future__ import annotations

from clinical.monitor.checks._phrases import phrase_findings
from clinical.monitor.types import CheckContext, Finding

NAME = "diagnosis"
NEEDS_KB = False
TEXT_ONLY = True  # reads only the text (see checks/__init__.py)


def check(ctx: CheckContext) -> list[Finding]:
    return phrase_findings(
        ctx, NAME, "definitive_diagnosis", "diagnosis_phrases", claim_negation=True
    )
