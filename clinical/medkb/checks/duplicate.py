"""The patient already takes this ingredient (prescribed or self-medicated)."""

from __future__ import annotations

from clinical.medkb.checks.profile import Profile
from clinical.medkb.entities import Reason
from clinical.medkb.kb import KnowledgeBase


def check(kb: KnowledgeBase, keys: list[str], p: Profile) -> list[Reason]:
    out: list[Reason] = []
    for key in keys:
        if key in p.medications:
            ing = kb.ingredients[key]
            out.append(
                Reason(
                    "duplicate_ingredient",
                    "caution",
                    f"您正在服用的“{p.medications[key]}”也含{ing.name_zh}：两者只能用其一，"
                    "合计剂量不能超过每日上限",
                    ing.source,
                    key,
                    detail={"with": p.medications[key]},
                )
            )
    return out
