"""Pregnancy (by trimester; unknown weeks → the strictest trimester) and breastfeeding.

Week windows (``data/pregnancy_windows.csv``) are finer than trimesters: a row applies to an
ingredient of its target from ``from_week`` on (NSAIDs from 20 weeks, FDA 2020), and to any
pregnancy whose weeks are unknown (never assumed early). A pregnancy ``caution`` is for a
clinician to weigh (``data/clinician_cautions.csv``): the product is not offered for self-care.
"""

from __future__ import annotations

from functools import cache

from clinical.medkb.checks.contraindication import matches
from clinical.medkb.checks.profile import Profile
from clinical.medkb.entities import Reason
from clinical.medkb.kb import KnowledgeBase, read_data_csv

_RANK = {"ok": 0, "caution": 1, "avoid": 2}


@cache
def windows() -> tuple[dict[str, str], ...]:
    rows = tuple(read_data_csv("pregnancy_windows.csv"))
    for r in rows:
        if r["severity"] not in ("avoid", "caution") or not r["source"]:
            raise ValueError(f"pregnancy_windows.csv {r['target']}: severity or source")
        float(r["from_week"])
    return rows


def _window_reasons(kb: KnowledgeBase, key: str, weeks: float | None) -> list[Reason]:
    out = []
    for r in windows():
        if weeks is not None and weeks < float(r["from_week"]):
            continue
        if matches(kb, r["target"], key):
            out.append(Reason("pregnancy", r["severity"], r["text_zh"], r["source"], key))  # type: ignore[arg-type]
    return out


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
            out.extend(_window_reasons(kb, key, p.pregnancy_weeks))
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
