"""Food allergies: any overlap between the food and a recorded food allergen is ``avoid``."""

from __future__ import annotations

from clinical.diet.context import PatientContext
from clinical.diet.foods import ResolvedFood
from clinical.diet.knowledge import KnowledgeBase, normalise
from clinical.diet.rules import Finding


def evaluate(food: ResolvedFood, ctx: PatientContext, kb: KnowledgeBase) -> list[Finding]:
    out: list[Finding] = []
    for item in ctx.allergies:
        because = f"{item.text}过敏" if "过敏" not in item.text else item.text
        if item.allergen is not None:
            for rule in kb.rules:
                if (
                    rule.family == "allergy"
                    and rule.subjects[0] == item.allergen.key
                    and rule.food_category in food.categories
                ):
                    out.append(
                        Finding(
                            rule.code,
                            "avoid",
                            rule.text,
                            because,
                            rule.source,
                            rule.advice,
                            "allergy",
                            rule.food_category,
                            item.text,
                        )
                    )
                    break
        elif item.food is not None:
            name = normalise(item.text).removesuffix("过敏")
            if name in food.surfaces or name in normalise(food.text):
                out.append(
                    Finding(
                        "allergy.food",
                        "avoid",
                        f"您对{name}过敏。",
                        because,
                        "患者过敏史（AllergyIntolerance）",
                        f"不要吃{name}及含{name}的食物；误食后出现过敏症状立即就医。",
                        "allergy",
                        item.food.categories[0],
                        item.text,
                    )
                )
    return out
