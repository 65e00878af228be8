"""Syndromes: dangerous combinations, from the ONE shared table (issue #15).

The rules and their evaluator live in the knowledge layer (``clinical.knowledge.syndromes``,
``clinical/knowledge/data/syndromes.yaml``), shared with medication guidance. This module only
translates follow-up's ``Facts`` into the neutral ``Findings`` and the matches into ``Reason``s:

- symptoms: concepts present in the last 72 h (``Facts.present``: negated or stale never count),
  with the body sites the shared lexicon reads in the patient's words;
- conditions and medicines: the shared condition keys and drug classes of the record (through
  the shared PatientContext the facts carry, and follow-up's flags, a chemotherapy Procedure
  included);
- procedures: surgeries (not chemotherapy) with their SNOMED CT codes and text, days since;
- vitals: each kind's current group (the latest within its currency window and any reading within
  an hour of it: judged on the most concerning), and the kind's series for repeat clauses.

Invariant: a syndrome only adds reasons (most urgent per group), never lowers another family.
"""

from __future__ import annotations

from clinical.followup.services.facts import Facts
from clinical.followup.services.ruledata import load
from clinical.followup.services.rules.base import Reason, keep_most_urgent_per_group
from clinical.knowledge import symptoms as lexicon
from clinical.knowledge import syndromes as shared

# Shared levels → follow-up dispositions (the same words).
DISPOSITION = {"urgent": "urgent", "emergency": "emergency"}


def _sites(concept: str, text: str) -> frozenset[str]:
    return frozenset(
        m.site
        for m in lexicon.find_symptoms(text)
        if m.concept == concept and not m.negated and m.site
    )


def findings(facts: Facts) -> shared.Findings:
    """The neutral input of the shared evaluator from follow-up's facts."""
    symptoms = {}
    for concept in facts.symptoms:
        s = facts.present(concept)
        if s is not None:
            symptoms[concept] = shared.Symptom(concept, s.ref, _sites(concept, s.text))

    conditions: dict[str, list[str]] = {}
    cond_spec = load("conditions")
    for flag, refs in facts.conditions.items():
        key = cond_spec.get(flag, {}).get("condition", flag)
        conditions.setdefault(key, []).extend(refs)
    medicines: dict[str, list[str]] = {}
    med_spec = load("medications")
    for flag, refs in facts.meds.items():
        cls = med_spec.get(flag, {}).get("class")
        if cls:
            medicines.setdefault(cls, []).extend(refs)
    ctx = facts.patient
    if ctx is not None:
        for cond in ctx.conditions:
            for key in cond.keys:
                conditions.setdefault(key, []).append(cond.ref)
        if ctx.pregnant and "pregnancy" not in conditions:
            conditions["pregnancy"] = [f"Patient/{facts.patient_id}"]
        orders = ((o.search_text, o.atc, o.ingredients, o.ref) for o in ctx.orders)
        for cls, refs in shared.medicine_classes(orders).items():
            medicines.setdefault(cls, []).extend(refs)

    procedures = []
    for when, ref, text in facts.surgeries:
        if when > facts.now:
            continue
        codes = tuple(
            c
            for code_text, t, at in facts.procedures_codes
            if at == when and t == text
            for c in code_text.split()
        )
        days = (facts.now - when).total_seconds() / 86400
        procedures.append(shared.Procedure(days, text, codes, ref))

    vitals = {}
    series = {}
    for kind in shared.named_vital_kinds():
        group = facts.current_group(kind)
        if group:
            vitals[kind] = tuple(shared.Value(r.value, r.ref, r.at) for r in group)
            series[kind] = tuple(shared.Value(r.value, r.ref, r.at) for r in facts.readings[kind])

    age = ctx.age_years if ctx is not None and ctx.age_years is not None else facts.age
    return shared.Findings(
        symptoms=symptoms,
        conditions={k: tuple(v) for k, v in conditions.items()},
        medicines={k: tuple(v) for k, v in medicines.items()},
        age_years=age,
        sex=ctx.sex if ctx is not None else None,
        procedures=tuple(procedures),
        vitals=vitals,
        series=series,
        gestation_weeks=ctx.pregnancy_weeks if ctx is not None and ctx.pregnant else None,
    )


def evaluate(facts: Facts) -> list[Reason]:
    fired = [
        (
            m.group,
            Reason(
                code=m.code,
                text=m.text,
                disposition=DISPOSITION[m.level],
                family="syndromes",
                source=m.source,
                evidence=list(m.evidence),
                clinician=m.clinician,
            ),
        )
        for m in shared.evaluate(findings(facts))
    ]
    return keep_most_urgent_per_group(fired)
