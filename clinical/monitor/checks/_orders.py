"""The patient's active orders seen through the KB: which ingredient keys, at what dose."""

from __future__ import annotations

from dataclasses import dataclass

from clinical.monitor import kb, lexicon
from clinical.monitor.checks._text import CURRENT_STATEMENT, parse_dose, to_mg
from clinical.monitor.kb import DrugMention
from clinical.monitor.types import CheckContext


@dataclass(frozen=True)
class OrderedDrug:
    key: str
    text: str
    strength_mg: float | None
    dose_mg: float | None


def ordered(ctx: CheckContext) -> dict[str, OrderedDrug]:
    """Ingredient key → the patient's active order of it (cached on the patient context)."""
    if ctx.patient is None:
        return {}
    if "orders" in ctx.patient.memo:
        return ctx.patient.memo["orders"]
    out: dict[str, OrderedDrug] = {}
    for med in ctx.patient.medications:
        if not getattr(med, "current", True):  # stopped, still in its washout: not an order
            continue
        text = lexicon.fold(med.text)
        mentions = kb.find_mentions(text)
        if not mentions:
            continue
        first = mentions[0]
        dose = parse_dose(text[first.end :])
        strength = dose.strength_mg if dose.strength_mg is not None else first.strength_mg
        dose_mg = None
        if len(first.all_keys) == 1:
            if dose.amount is not None:
                dose_mg = to_mg(dose.amount, dose.unit, strength)
            elif strength is not None:
                dose_mg = strength  # "华法林钠片 3mg" with no count: one unit
        for key in first.all_keys:
            out.setdefault(key, OrderedDrug(key, med.text, strength, dose_mg))
    ctx.patient.memo["orders"] = out
    return out


_CURRENT = CURRENT_STATEMENT
_WINDOW = 30


def current_medication(ctx: CheckContext, mention: DrugMention) -> bool:
    """True when ``mention`` is worded as the patient's current medication ("正在服用华法林")
    and the structured engine result states the same current medication of the same drug.

    The engine derived that statement from the patient record, so the text repeats a fact
    rather than suggesting the drug. Without a structured result this is never true
    (fail-closed); drugs in the patient's active orders are handled by ``ordered``.
    """
    before = ctx.text[max(0, mention.start - _WINDOW) : mention.start]
    if not _CURRENT.search(before) or not isinstance(ctx.structured, dict):
        return False
    if "structured_text" not in ctx._cache:
        from clinical.monitor.checks.structured_consistency import _strings

        ctx._cache["structured_text"] = lexicon.fold(" ".join(_strings(ctx.structured)))
    folded = ctx._cache["structured_text"]
    keys = set(mention.all_keys)
    return any(
        keys & set(m.all_keys) and _CURRENT.search(folded[max(0, m.start - _WINDOW) : m.start])
        for m in kb.find_mentions(folded)
    )
