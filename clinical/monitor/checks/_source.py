"""Source consistency of a caution (issue #16, item 7): a claim the text makes that equals its
structured source is not a finding; a claim the source does not contain still holds.

A ``caution`` interaction whose knowledge row carries a quantitative condition
(``clinical/knowledge/data/interactions.csv`` ``max_daily_mg``: warfarin + paracetamol is
acceptable short-term up to 2 g a day with INR checks) is honoured — and noted, not held —
only when all of these hold:

- the structured engine result states the same caution (its text, folded), so the engine
  decided it from the patient record;
- the message states it too, to the patient (the caution is not dropped on the way);
- every daily total the message states for that ingredient (对乙酰氨基酚合计不超过1950毫克,
  24小时内不超过2克) is within the row's ``max_daily_mg``, and at least one is stated.

A caution without such a condition (an NSAID with hypertension, with an SSRI) is a clinical
judgement the monitor leaves to a clinician (DECISIONS.md: caution holds as ``medium``).
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import cache

from clinical.knowledge import drugs, numbers
from clinical.monitor import lexicon
from clinical.monitor.checks._text import CLAUSE_END, enclosing
from clinical.monitor.types import CheckContext

_DAILY_CAP = re.compile(
    r"(?:合计|总量|总共|一共|每日|每天|1日|1天|24小时内?)(?:最多|不超过|不能超过|不得超过|不要超过|至多|不可超过)"
)


@cache
def _conditions() -> dict[str, float]:
    """Folded caution text → its ``max_daily_mg`` (rows with a quantitative condition)."""
    out = {}
    for row in drugs.read_csv("interactions.csv"):
        if row.get("severity") == "caution" and row.get("max_daily_mg"):
            out[lexicon.fold(row["text_zh"])] = float(row["max_daily_mg"])
    return out


def _structured_text(ctx: CheckContext) -> str:
    if "structured_text" not in ctx._cache:
        from clinical.monitor.checks.structured_consistency import _strings

        ctx._cache["structured_text"] = lexicon.fold(" ".join(_strings(ctx.structured or {})))
    return ctx._cache["structured_text"]


def _stated_daily_caps(ctx: CheckContext, key: str) -> list[Fraction]:
    """Daily totals in mg the text states right after a name of ingredient ``key`` in one
    clause ("（对乙酰氨基酚合计不超过1950毫克）")."""
    text = ctx.text
    out: list[Fraction] = []
    for m in ctx.mentions():
        if key not in m.all_keys:
            continue
        _, c_end = enclosing(text, m.start, CLAUSE_END)
        cap = _DAILY_CAP.match(text, m.end)
        if cap is None or cap.end() > c_end:
            continue
        for amount in numbers.find_amounts(text[cap.end() : c_end]):
            if isinstance(amount, numbers.Amount) and amount.kind == "mass":
                mg = amount.base()
                if mg is not None:
                    out.append(mg)
                break
    return out


def caution_honoured(ctx: CheckContext, key: str, explanation: str) -> bool:
    """True when the caution ``explanation`` about ingredient ``key`` is stated by the
    structured source and by the text, and its quantitative condition is met (see above)."""
    if not isinstance(ctx.structured, dict) or not ctx.structured:
        return False
    folded = lexicon.fold(explanation)
    limit = _conditions().get(folded)
    if limit is None or folded not in ctx.text or folded not in _structured_text(ctx):
        return False
    caps = _stated_daily_caps(ctx, key)
    return bool(caps) and all(c <= Fraction(limit).limit_denominator() for c in caps)
