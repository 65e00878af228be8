"""Laboratory and glucose thresholds (glucose, HbA1c, INR, potassium, creatinine, haemoglobin)."""

from __future__ import annotations

from clinical.followup.services.facts import Facts
from clinical.followup.services.ruledata import rules
from clinical.followup.services.rules.base import Reason
from clinical.followup.services.rules.thresholds import evaluate_rows


def evaluate(facts: Facts) -> list[Reason]:
    return evaluate_rows(facts, rules("labs"), "labs")
