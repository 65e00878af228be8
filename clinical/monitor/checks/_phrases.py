"""A generic phrase check: every row of a lexicon file whose pattern matches is a finding."""

from __future__ import annotations

import re

from clinical.monitor import lexicon
from clinical.monitor.checks._text import CLAUSE_END, enclosing
from clinical.monitor.types import CheckContext, Finding, Severity

_CLAIM_NEGATION = re.compile(
    r"不是|并非|并不|没有|不能|无法|不存在|不会|不可能|谈不上|不等于|不代表|不敢"
)


def phrase_findings(
    ctx: CheckContext,
    check: str,
    code: str,
    lexicon_name: str,
    severity: Severity = "high",
    negation_in_match: bool = False,
    claim_negation: bool = False,
) -> list[Finding]:
    out = []
    text = ctx.text
    for pattern, row in lexicon.compiled(lexicon_name):
        for m in pattern.finditer(text):
            cstart, _ = enclosing(text, m.start(), CLAUSE_END)
            before = text[max(cstart, m.start() - 8) : m.start()]
            if negation_in_match and lexicon.negation_re().search(text[cstart : m.end()]):
                continue
            if claim_negation and _CLAIM_NEGATION.search(before):
                continue
            sev = row.get("severity") or severity
            out.append(ctx.finding(check, code, sev, row["explanation"], m.span(), row["source"]))
    return out
