"""Drug–food and drug–drink interactions, by ingredient or by class (``data/drug_food.csv``)."""

from __future__ import annotations

from clinical.diet.context import PatientContext
from clinical.diet.foods import ResolvedFood
from clinical.diet.knowledge import KnowledgeBase
from clinical.diet.rules import Finding


def evaluate(food: ResolvedFood, ctx: PatientContext, kb: KnowledgeBase) -> list[Finding]:
    out: list[Finding] = []
    for category in sorted(food.categories):
        for rule in kb.rules_by_category.get(category, ()):
            if rule.family != "drug":
                continue
            for med in ctx.medicines:
                if med.resolved is None:
                    continue
                keys = (
                    med.resolved.ingredients
                    if rule.subject_kind == "ingredient"
                    else med.resolved.classes
                )
                if rule.subjects[0] in keys:
                    out.append(
                        Finding(
                            rule.code,
                            rule.level,
                            rule.text,
                            med.because,
                            rule.source,
                            rule.advice,
                            "drug",
                            category,
                            med.text,
                            ingredient_level=rule.subject_kind == "ingredient",
                        )
                    )
    return out
