"""Allergy: the ingredient itself, its allergy class, or a cross-reactive class."""

from __future__ import annotations

from clinical.medkb.checks.profile import Profile
from clinical.medkb.entities import Reason
from clinical.medkb.kb import KnowledgeBase


def check(kb: KnowledgeBase, keys: list[str], p: Profile) -> list[Reason]:
    out: list[Reason] = []
    for key in keys:
        ing = kb.ingredients[key]
        if key in p.allergy_ingredients:
            out.append(
                Reason(
                    "allergy",
                    "avoid",
                    f"您对{ing.name_zh}过敏，含{ing.name_zh}的药物都不能使用",
                    ing.source,
                    key,
                )
            )
            continue
        direct = ing.allergy_classes & p.allergy_classes
        if direct:
            cls = kb.allergy_classes[sorted(direct)[0]]
            out.append(
                Reason(
                    "allergy",
                    "avoid",
                    f"{ing.name_zh}属于{cls['name_zh']}，您对{cls['name_zh']}过敏，禁止使用",
                    f"{ing.source}; {cls['source']}",
                    key,
                )
            )
            continue
        for rule in kb.cross_reactivity:
            if rule.a in p.allergy_classes and rule.b in ing.allergy_classes:
                out.append(Reason("allergy", rule.severity, rule.text, rule.source, key))  # type: ignore[arg-type]
                break
    return out
