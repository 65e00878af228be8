"""Disease–food rules (``data/disease_food.csv``); the pseudo-condition ``general`` applies to all."""

from __future__ import annotations

from clinical.diet.context import PatientContext
from clinical.diet.foods import ResolvedFood
from clinical.diet.knowledge import KnowledgeBase
from clinical.diet.rules import Finding

GENERAL = "general"


def evaluate(food: ResolvedFood, ctx: PatientContext, kb: KnowledgeBase) -> list[Finding]:
    holders: dict[str, list[str]] = {}
    for item in ctx.conditions:
        if item.entry is not None:
            holders.setdefault(item.entry.key, []).append(item.text)
    out: list[Finding] = []
    for category in sorted(food.categories):
        for rule in kb.rules_by_category.get(category, ()):
            if rule.family != "disease":
                continue
            for key in rule.subjects:
                if key == GENERAL:
                    texts = [kb.conditions[GENERAL].name_zh]
                else:
                    texts = holders.get(key, [])
                for text in texts[:1]:
                    out.append(
                        Finding(
                            rule.code,
                            rule.level,
                            rule.text,
                            text,
                            rule.source,
                            rule.advice,
                            "disease",
                            category,
                            text,
                        )
                    )
    return out
