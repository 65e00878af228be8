"""Absolute claims (包治百病, 无任何副作用, 百分百有效, 根治) hold."""

from __future__ import annotations

from clinical.monitor.checks._phrases import phrase_findings
from clinical.monitor.types import CheckContext, Finding

NAME = "absolute_claims"
NEEDS_KB = False
TEXT_ONLY = True  # reads only the text (see checks/__init__.py)


def check(ctx: CheckContext) -> list[Finding]:
    return phrase_findings(ctx, NAME, "absolute_claim", "absolute_claims", claim_negation=True)
