"""Pregnancy (by trimester; unknown weeks → the strictest trimester) and breastfeeding."""

from __future__ import annotations

from clinical.medkb.checks.profile import Profile
from clinical.medkb.entities import Reason
from clinical.medkb.kb import KnowledgeBase

_RANK = {"ok": 0, "caution": 1, "avoid": 2}


def trimester(weeks: float | None) -> int | None:
    """1, 2 or 3; None when weeks are unknown."""
    if weeks is None:
        return None
    return 1 if weeks < 14 else 2 if weeks < 28 else 3


def check(kb: KnowledgeBase, keys: list[str], p: Profile) -> list[Reason]:
    out: list[Reason] = []
    tri = trimester(p.pregnancy_weeks)
    for key in keys:
        ing = kb.ingredients[key]
        if p.pregnant:
            if tri is None:
                level = max(ing.pregnancy, key=lambda v: _RANK.get(v, 2))
                when = "孕期"
            else:
                level = ing.pregnancy[tri - 1]
                when = ("孕早期", "孕中期", "孕晚期")[tri - 1]
            if level == "avoid":
                out.append(
                    Reason("pregnancy", "avoid", f"{when}不宜使用{ing.name_zh}", ing.source, key)
                )
            elif level != "ok":
                out.append(
                    Reason(
                        "pregnancy",
                        "caution",
                        f"{when}使用{ing.name_zh}需谨慎：只在需要时短期使用，用前请咨询医生",
                        ing.source,
                        key,
                    )
                )
        if p.breastfeeding:
            if ing.breastfeeding == "avoid":
                out.append(
                    Reason(
                        "breastfeeding", "avoid", f"哺乳期不宜使用{ing.name_zh}", ing.source, key
                    )
                )
            elif ing.breastfeeding != "ok":
                out.append(
                    Reason(
                        "breastfeeding",
                        "caution",
                        f"哺乳期使用{ing.name_zh}需谨慎，请短期使用并咨询医生",
                        ing.source,
                        key,
                    )
                )
    return out
