"""The patient's active orders seen through the KB: which ingredient keys, at what dose."""

from __future__ import annotations

from dataclasses import dataclass

from clinical.monitor import kb, lexicon
from clinical.monitor.checks._text import parse_dose, to_mg
from clinical.monitor.types import CheckContext


@dataclass(frozen=True)
class OrderedDrug:
    key: str
    text: str
    strength_mg: float | None
    dose_mg: float | None


def ordered(ctx: CheckContext) -> dict[str, OrderedDrug]:
    """Ingredient key → the patient's active order of it (cached per context)."""
    if "orders" in ctx._cache:
        return ctx._cache["orders"]
    out: dict[str, OrderedDrug] = {}
    for med in ctx.patient.medications if ctx.patient else []:
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
    ctx._cache["orders"] = out
    return out
