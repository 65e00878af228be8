"""Definitive diagnoses told to the patient (above all of cancer) hold: clinicians diagnose.

Two readings (issue #16):
- the sourced phrase rows of ``data/diagnosis_phrases.csv`` (as before);
- a structural reading: an assertion (``data/diagnosis_assertions.csv``: 您得了/您患有/您这是/
  确诊为/就是 …) followed in the same clause by a disease name (``data/diagnosis_diseases.csv``:
  any cancer term; any disease-name suffix 病/炎/梗死/骨折/感染/衰竭…). A hedge in that clause
  (``data/diagnosis_hedges.csv``: 可能/需要排除/不排除/建议检查以明确/?) releases it. A disease
  that is already one of the patient's recorded conditions is not a new diagnosis, except a
  cancer, which always holds (disclosure is the treating clinician's).
"""

from __future__ import annotations

import re
from functools import cache

from clinical.monitor import lexicon
from clinical.monitor.checks._phrases import phrase_findings
from clinical.monitor.checks._text import CLAUSE_END, enclosing
from clinical.monitor.types import CheckContext, Finding

NAME = "diagnosis"
NEEDS_KB = False
_GAP = 10  # characters between the assertion and the disease name


@cache
def _assertion() -> re.Pattern[str]:
    return re.compile(
        "|".join(f"(?:{p.pattern})" for p, _ in lexicon.compiled("diagnosis_assertions"))
    )


@cache
def _hedge() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p.pattern})" for p, _ in lexicon.compiled("diagnosis_hedges")))


def _known(disease: str, ctx: CheckContext) -> bool:
    conditions = ctx.patient.conditions if ctx.patient else []
    core = re.sub(r"^(?:典型的|一个|得了|是)", "", disease)
    return any(core and (core in lexicon.fold(c) or lexicon.fold(c) in core) for c in conditions)


def _structural(ctx: CheckContext) -> list[Finding]:
    text = ctx.text
    out: list[Finding] = []
    for am in _assertion().finditer(text):
        c_start, c_end = enclosing(text, am.end() - 1, CLAUSE_END)
        window = text[am.end() : min(c_end, am.end() + _GAP + 8)]
        for pattern, row in lexicon.compiled("diagnosis_diseases"):
            dm = pattern.search(window)
            if dm is None or dm.start() > _GAP:
                continue
            if _hedge().search(text[c_start : am.end() + dm.end()]):
                break
            if row["kind"] != "cancer" and _known(dm.group(), ctx):
                break
            span = (am.start(), am.end() + dm.end())
            out.append(
                ctx.finding(
                    NAME,
                    "definitive_diagnosis",
                    row["severity"],
                    f"向患者断言其患有{row['label']}（{text[span[0] : span[1]]}）；诊断须由医生作出并告知",
                    span,
                    row["source"],
                )
            )
            break
    return out


def check(ctx: CheckContext) -> list[Finding]:
    found = phrase_findings(
        ctx, NAME, "definitive_diagnosis", "diagnosis_phrases", claim_negation=True
    )
    spans = [f.span for f in found]
    for f in _structural(ctx):
        if not any(s and f.span and s[0] < f.span[1] and f.span[0] < s[1] for s in spans):
            found.append(f)
    return found
