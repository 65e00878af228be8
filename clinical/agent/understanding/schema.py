"""The one shape every understanding path produces (the model is constrained to it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

# One definition of a reading, in the knowledge layer (shared with follow-up triage).
from clinical.knowledge.readings import Reading, UnreadableReading

__all__ = [
    "INTENTS",
    "UNDERSTANDING_SCHEMA",
    "Intent",
    "Reading",
    "Understanding",
    "UnreadableReading",
]

Intent = Literal[
    "medication_question",
    "diet_question",
    "symptom_report",
    "reading_report",
    "dose_ack",
    "other",
]
INTENTS: tuple[str, ...] = (
    "medication_question",
    "diet_question",
    "symptom_report",
    "reading_report",
    "dose_ack",
    "other",
)

UNDERSTANDING_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "intent": {"type": "string", "enum": list(INTENTS)},
        "medicines": {"type": "array", "items": {"type": "string", "maxLength": 20}, "maxItems": 5},
        "foods": {"type": "array", "items": {"type": "string", "maxLength": 20}, "maxItems": 5},
        "symptoms": {"type": "array", "items": {"type": "string", "maxLength": 20}, "maxItems": 5},
    },
    "required": ["intent", "medicines", "foods", "symptoms"],
    "additionalProperties": False,
}


@dataclass
class Understanding:
    intent: str
    medicines: list[str] = field(default_factory=list)
    foods: list[str] = field(default_factory=list)
    symptoms: list[str] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)
    unreadable_readings: list[UnreadableReading] = field(default_factory=list)
    ack: bool = False
    injection: bool = False  # the text tried to give the system instructions (ignored)
    # crisis concepts (suicidal, overdose intent) read by the rules: the crisis route, always
    crisis_concepts: list[str] = field(default_factory=list)
    dose_amount: bool = False  # the message names an amount to take (两片, 500mg)
    greeting: bool = False  # only pleasantries (你好, 谢谢): the generic help text
    source: Literal["rules", "model"] = "rules"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
