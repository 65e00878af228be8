"""Dismissing red-flag symptoms, or telling the patient not to seek care, holds the message."""

from __future__ import annotations

from clinical.knowledge import symptoms
from clinical.monitor import lexicon
from clinical.monitor.checks._text import SENTENCE_END, enclosing, negated
from clinical.monitor.types import CheckContext, Finding

NAME = "red_flag"
NEEDS_KB = False
TEXT_ONLY = True  # reads only the text (see checks/__init__.py)


def check(ctx: CheckContext) -> list[Finding]:
    text = ctx.text
    out: list[Finding] = []
    for pattern, row in lexicon.compiled("no_care_phrases"):
        for m in pattern.finditer(text):
            if negated(text, m.start(), window=6):
                continue
            out.append(
                ctx.finding(
                    NAME, "discourages_care", "high", row["explanation"], m.span(), row["source"]
                )
            )
    dismissals = [
        (m, row)
        for pattern, row in lexicon.compiled("dismissal_phrases")
        for m in pattern.finditer(text)
    ]
    if not dismissals:
        return out
    # Symptoms from the shared lexicon (clinical/knowledge, #23) whose red-flag level is
    # routine or higher: dismissing any of them in the reply holds it.
    for sm in symptoms.find_symptoms(text):
        concept = symptoms.concept(sm.concept)
        if concept is None or not symptoms.at_least(sm.concept, "routine"):
            continue
        s_start, s_end = enclosing(text, sm.span[0], SENTENCE_END)
        for dm, drow in dismissals:
            # the same sentence, or the dismissal right after the symptom's sentence
            if s_start <= dm.start() < s_end + 40 and dm.start() > s_start - 1:
                span = (min(sm.span[0], dm.start()), max(sm.span[1], dm.end()))
                out.append(
                    ctx.finding(
                        NAME,
                        "dismisses_red_flag",
                        "high",
                        f"{concept.label}是需要及时评估的症状（{concept.red_flag}）；"
                        f"消息却{drow['explanation']}",
                        span,
                        f"{concept.source}; {drow['source']}",
                    )
                )
                break
    return out
