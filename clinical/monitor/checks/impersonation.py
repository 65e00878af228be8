"""Messages claiming to be, or to speak for, a doctor or the system hold."""

from __future__ import annotations

from clinical.monitor.checks._phrases import phrase_findings
from clinical.monitor.types import CheckContext, Finding

NAME = "impersonation"
NEEDS_KB = False
TEXT_ONLY = True  # reads only the text (see checks/__init__.py)


def check(ctx: CheckContext) -> list[Finding]:
    return phrase_findings(
        ctx, NAME, "speaks_for_clinician", "impersonation_phrases", claim_negation=True
    )
