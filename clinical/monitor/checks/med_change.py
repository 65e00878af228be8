"""Changing, stopping or multiplying a medicine without a clinician order holds the message.

Released only when the structured result says the change IS a clinician order
(``structured["clinician_order"] is True``, set by the order engine from a signed order).
"""

from __future__ import annotations

import re

from clinical.monitor import lexicon
from clinical.monitor.checks._text import SENTENCE_END, enclosing, negated
from clinical.monitor.types import CheckContext, Finding

NAME = "med_change"
NEEDS_KB = False
_MED_CONTEXT = re.compile(r"药|片|粒|胶囊|剂量|医嘱|mg|处方")


def check(ctx: CheckContext) -> list[Finding]:
    if ctx.structured and ctx.structured.get("clinician_order") is True:
        return []
    text = ctx.text
    out = []
    for pattern, row in lexicon.compiled("med_change_phrases"):
        for m in pattern.finditer(text):
            if negated(text, m.start()):
                continue
            s, e = enclosing(text, m.start(), SENTENCE_END)
            sentence = text[s:e]
            if not _MED_CONTEXT.search(sentence) and not any(
                s <= mn.start < e for mn in ctx.mentions()
            ):
                continue
            out.append(
                ctx.finding(
                    NAME,
                    f"medication_{row['code']}",
                    "high",
                    f"{row['explanation']}（无医生医嘱）",
                    m.span(),
                    row["source"],
                )
            )
    return out
