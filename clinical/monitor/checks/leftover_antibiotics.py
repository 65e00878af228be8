"""Advice to keep leftover medicines (antibiotics above all) for later, or share them, holds."""

from __future__ import annotations

from clinical.monitor.checks._phrases import phrase_findings
from clinical.monitor.types import CheckContext, Finding

NAME = "leftover_antibiotics"
NEEDS_KB = False
TEXT_ONLY = True  # reads only the text (see checks/__init__.py)


def check(ctx: CheckContext) -> list[Finding]:
    return phrase_findings(
        ctx, NAME, "leftover_medicine", "leftover_antibiotic_phrases", negation_in_match=True
    )
