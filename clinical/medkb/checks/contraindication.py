"""Contraindicated conditions (ingredient or class × condition key)."""

from __future__ import annotations

from clinical.medkb.checks.profile import Profile
from clinical.medkb.entities import Reason
from clinical.medkb.kb import KnowledgeBase, Rule


def matches(kb: KnowledgeBase, target: str, key: str) -> bool:
    """Does rule target ``target`` (an ingredient key or ``class:x``) cover ingredient ``key``?"""
    if target.startswith("class:"):
        return target[6:] in kb.ingredients[key].classes
    return target == key


def check(kb: KnowledgeBase, keys: list[str], p: Profile) -> list[Reason]:
    out: list[Reason] = []
    for key in keys:
        hits: list[Rule] = [
            r for r in kb.contraindications if r.b in p.conditions and matches(kb, r.a, key)
        ]
        # the strongest rule per condition family is enough; keep all distinct conditions
        seen: set[str] = set()
        for r in sorted(hits, key=lambda r: r.severity != "avoid"):
            if r.b in seen:
                continue
            seen.add(r.b)
            out.append(Reason("contraindication", r.severity, r.text, r.source, key))  # type: ignore[arg-type]
    return out
