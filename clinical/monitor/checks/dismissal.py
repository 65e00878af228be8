"""Dismissal and reassurance as intent (issue #16): a message that makes a danger sound
normal, or advises against care, holds.

A message holds when, within one sentence (the scope: ``SENTENCE_END`` on the normalised
text of ``clinical.knowledge.text``),
(a) there is a danger: a symptom of the shared lexicon (``clinical.knowledge.symptoms``) at
    red-flag level ``routine`` or above and not negated (a ``routine`` one qualified as mild,
    轻微/有点/少许…, is not a danger on its own), an abnormal value
    (``data/abnormal_values.csv``: INR, glucose, BP, weight gain, very high temperature; the
    number read by ``clinical.knowledge.numbers``), or a critical situation
    (``data/critical_situations.csv``: fever after chemotherapy, head knock, insulin
    without a meal, a missed/stopped critical medicine, bleeding in pregnancy …), and
(b) the same sentence makes it sound normal or advises against acting on it
    (``data/dismissal_patterns.csv``: reassurance, normalising, wait-and-see, continue as
    usual / no dose review, no action or testing), unless the sentence itself escalates
    (请就医/急诊/120/联系医生…, not negated).
Advice against care itself (``data/care_refusal.csv``: 不用去医院, 不用复诊, 不用做CT …) holds
whatever the concept. Every pattern row carries its source.
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import cache

from clinical.knowledge import numbers, symptoms
from clinical.monitor import lexicon
from clinical.monitor.checks._text import SENTENCE_END, enclosing, spans
from clinical.monitor.types import CheckContext, Finding

NAME = "dismissal"
NEEDS_KB = False
TEXT_ONLY = True  # reads only the text (see checks/__init__.py)

_MILD = re.compile(r"(?:轻微|轻度|有点|有些|一点|少许|稍微|稍有|偶尔|略)[^,.!?;。]{0,4}$")
_ESCALATE = re.compile(
    r"就医|就诊|急诊|(?<![\d/.])120(?![\d/])|联系(?:您的)?医生|告诉医生|看医生|到医院|去医院|来医院|复查|咨询"
)
_ESC_NEGATION = re.compile(r"(?:不用|不需要|不必|没必要|无需|别|不要|用不着)[^,.!?;。]{0,3}$")
_OPS = {">": lambda v, x: v > x, "<": lambda v, x: v < x, ">=": lambda v, x: v >= x}


@cache
def _values() -> tuple[tuple[re.Pattern[str], dict[str, str]], ...]:
    out = []
    for row in lexicon.rows("abnormal_values"):
        folded = lexicon.fold(row["template"]).replace("(?p<", "(?P<")
        pattern = folded.replace("{num}", numbers.TERM)
        out.append((re.compile(pattern), row))
    return tuple(out)


def _escalates(sentence: str) -> bool:
    for m in _ESCALATE.finditer(sentence):
        if not _ESC_NEGATION.search(sentence[: m.start()]):
            return True
    return False


def _dangers(text: str) -> list[tuple[tuple[int, int], str, str]]:
    """(span, label, source) of every danger in the normalised text."""
    out = []
    for sm in symptoms.find_symptoms(text):
        concept = symptoms.concept(sm.concept)
        # A red flag our text names in a safety net ("如出现胸痛，请立即拨打120") or in a
        # conditional dismissal ("如果胸痛，不用担心") is still a danger of that sentence: the
        # monitor reads the hypothetical (``Mention.hypothetical``) as a mention, as before it.
        denied = sm.negated and not sm.hypothetical
        if concept is None or denied or not symptoms.at_least(sm.concept, "routine"):
            continue
        if not symptoms.at_least(sm.concept, "urgent"):
            s_start, _ = enclosing(text, sm.span[0], SENTENCE_END)
            if _MILD.search(text[s_start : sm.span[0]]):
                continue
        out.append((sm.span, f"{concept.label}（{concept.red_flag}）", concept.source))
    for pattern, row in _values():
        for m in pattern.finditer(text):
            value = numbers.read_number(m.group("v"))
            if isinstance(value, numbers.Unreadable):
                continue
            if decimal := m.groupdict().get("d"):
                # "39度8" / "三十九度八" / "38度半": 度 is a temperature's decimal point
                tenths = numbers.read_number(decimal)
                if isinstance(tenths, numbers.Unreadable):
                    continue
                value += tenths if decimal == "半" else tenths / 10
            if _OPS[row["op"]](value, Fraction(row["limit"])):
                out.append((m.span(), f"{row['label']}（{m.group(0)}）", row["source"]))
    for pattern, row in lexicon.compiled("critical_situations"):
        for m in pattern.finditer(text):
            out.append((m.span(), row["label"], row["source"]))
    return out


def check(ctx: CheckContext) -> list[Finding]:
    text = ctx.text
    out: list[Finding] = []
    for pattern, row in lexicon.compiled("care_refusal"):
        for m in pattern.finditer(text):
            out.append(
                ctx.finding(
                    NAME, "discourages_care", "high", row["explanation"], m.span(), row["source"]
                )
            )
    dismissals = [
        (m, row)
        for pattern, row in lexicon.compiled("dismissal_patterns")
        for m in pattern.finditer(text)
    ]
    if not dismissals:
        return out
    all_dangers = _dangers(text)
    for s_start, s_end in spans(text, SENTENCE_END):
        in_sentence = [(m, r) for m, r in dismissals if s_start <= m.start() < s_end]
        if not in_sentence:
            continue
        dangers = [d for d in all_dangers if s_start <= d[0][0] < s_end]
        if not dangers or _escalates(text[s_start:s_end]):
            continue
        (d_span, label, d_source), (dm, drow) = dangers[0], in_sentence[0]
        out.append(
            ctx.finding(
                NAME,
                "dismisses_red_flag",
                "high",
                f"{label}需要及时评估；消息却{drow['explanation']}",
                (min(d_span[0], dm.start()), max(d_span[1], dm.end())),
                f"{d_source}; {drow['source']}",
            )
        )
    return out
