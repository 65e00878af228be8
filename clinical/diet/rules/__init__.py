"""Rule families, one module each. Each ``evaluate(food, ctx, kb)`` returns ``Finding``s.

Which families run, and in what order, is ``FAMILIES`` (configuration, not code paths).
"""

from __future__ import annotations

from dataclasses import dataclass

FAMILIES = (
    "clinical.diet.rules.allergy",
    "clinical.diet.rules.drug_food",
    "clinical.diet.rules.disease_food",
    "clinical.diet.rules.kg",
)


@dataclass(frozen=True)
class Finding:
    """One reason for (or against) a food. ``level`` is avoid, caution or ok (recommended)."""

    code: str
    level: str
    text: str
    because: str
    source: str
    advice: str
    family: str
    food_category: str
    subject: str  # what the finding hangs on: the medicine/condition/allergy item
    ingredient_level: bool = False  # a drug rule keyed on the ingredient, not its class
    priority: int = 0  # lower-priority knowledge (the crawled KG) uses 1

    def as_reason(self) -> dict[str, str]:
        return {
            "code": self.code,
            "level": self.level,
            "text": self.text,
            "because": self.because,
            "source": self.source,
        }
