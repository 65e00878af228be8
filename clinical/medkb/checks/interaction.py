"""Interactions between an ingredient and the patient's current medications."""

from __future__ import annotations

from clinical.medkb.checks.contraindication import matches
from clinical.medkb.checks.profile import Profile
from clinical.medkb.entities import Reason
from clinical.medkb.kb import KnowledgeBase

_CACHE: dict[tuple[str, str, str], list] = {}


def pair_rules(kb: KnowledgeBase, key: str, other: str) -> list:
    """Rules covering the unordered pair (``key``, ``other``) (memoised per KB build)."""
    ck = (kb.fingerprint, key, other)
    hit = _CACHE.get(ck)
    if hit is None:
        if len(_CACHE) > 50_000:
            _CACHE.clear()
        hit = _CACHE[ck] = [
            r
            for r in kb.interactions
            if (matches(kb, r.a, key) and matches(kb, r.b, other))
            or (matches(kb, r.a, other) and matches(kb, r.b, key))
        ]
    return hit


def check(kb: KnowledgeBase, keys: list[str], p: Profile) -> list[Reason]:
    out: list[Reason] = []
    for key in keys:
        for med_key, written in p.medications.items():
            if med_key == key:
                continue
            for r in pair_rules(kb, key, med_key):
                out.append(
                    Reason(
                        "interaction",
                        r.severity,  # type: ignore[arg-type]
                        r.text,
                        r.source,
                        key,
                        max_daily_mg=r.max_daily_mg if matches(kb, r.a, med_key) else None,
                        detail={"with": written, "with_ingredient": med_key},
                    )
                )
    return out
