"""Possible hypoglycaemia from the symptom cluster in a patient on glucose-lowering drugs.

Invariants: fires only with an active glucose-lowering MedicationRequest; a negated symptom
("没有手抖") is absent and never counts; a glucose measured around or after the symptoms takes
over (labs.yaml glucose-low rules decide), so a normal reading is not overridden by symptoms.
"""

from __future__ import annotations

from datetime import timedelta

from clinical.followup.services import lexicon
from clinical.followup.services.facts import Facts, Symptom
from clinical.followup.services.ruledata import load, rules
from clinical.followup.services.rules.base import Reason


def _cluster(facts: Facts) -> list[Symptom]:
    data = load("hypoglycemia")
    specific = [s for c in data["specific"] if (s := facts.present(c))]
    supporting = [s for c in data["supporting"] if (s := facts.present(c))]
    if specific or len(supporting) >= data["min_supporting"]:
        return specific + supporting
    return []


def _measured_since(facts: Facts, cluster: list[Symptom]) -> bool:
    hours = load("hypoglycemia")["window_before_symptom_hours"]
    since = max(s.at for s in cluster) - timedelta(hours=hours)
    return any(r.at >= since for r in facts.readings.get("glucose", []))


def evaluate(facts: Facts) -> list[Reason]:
    if not facts.has_med("glucose_lowering"):
        return []
    cluster = _cluster(facts)
    if not cluster or _measured_since(facts, cluster):
        return []
    labels = "、".join(lexicon.label(s.concept) for s in cluster)
    meds = facts.meds["glucose_lowering"]
    for row in rules("hypoglycemia"):
        neuro = [s for c in row.get("neuro_any", []) if (s := facts.present(c))]
        if row.get("neuro_any") and not neuro:
            continue
        return [
            Reason(
                code=row["code"],
                text=row["text"].format(labels=labels),
                disposition=row["disposition"],
                family="hypoglycemia",
                source=row["source"],
                evidence=[s.ref for s in cluster + neuro] + meds,
            )
        ]
    return []
