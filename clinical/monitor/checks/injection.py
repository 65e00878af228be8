"""Prompt-injection text inside an outgoing message (e.g. 忽略以上规则…) holds it."""

from __future__ import annotations

from clinical.monitor import lexicon
from clinical.monitor.types import CheckContext, Finding

NAME = "injection"
NEEDS_KB = False
TEXT_ONLY = True  # reads only the text (see checks/__init__.py)


def check(ctx: CheckContext) -> list[Finding]:
    out = []
    for pattern, row in lexicon.compiled("injection_phrases"):
        for m in pattern.finditer(ctx.text):
            out.append(
                ctx.finding(
                    NAME, "prompt_injection", "high", row["explanation"], m.span(), row["source"]
                )
            )
    return out
