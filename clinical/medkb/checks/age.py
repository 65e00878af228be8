"""Minimum age per ingredient (label or regulator notice)."""

from __future__ import annotations

from clinical.medkb.checks.profile import Profile
from clinical.medkb.entities import Reason
from clinical.medkb.kb import KnowledgeBase


def age_text(years: float) -> str:
    if years < 1:
        return f"{round(years * 12)}个月"
    return f"{years:g}岁"


def check(kb: KnowledgeBase, keys: list[str], p: Profile) -> list[Reason]:
    out: list[Reason] = []
    if p.age_years is None:
        return out
    for key in keys:
        ing = kb.ingredients[key]
        if ing.min_age_years and p.age_years < ing.min_age_years:
            out.append(
                Reason(
                    "age",
                    "avoid",
                    f"{ing.name_zh}不用于{age_text(ing.min_age_years)}以下人群",
                    ing.source,
                    key,
                )
            )
    return out
