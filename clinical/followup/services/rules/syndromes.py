"""Syndromes: dangerous combinations, from the ONE shared table (issue #15).

The rules and their evaluator live in the knowledge layer (``clinical.knowledge.syndromes``,
``clinical/knowledge/data/syndromes.yaml``), shared with medication guidance. This module only
translates follow-up's ``Facts`` into the neutral ``Findings`` and the matches into ``Reason``s:

- symptoms: concepts present in the last 72 h (``Facts.present``: negated or stale never count),
  with the body sites the shared lexicon reads in the patient's words;
- conditions and medicines: the shared condition keys and drug classes of the record (through
  the shared PatientContext the facts carry, and follow-up's flags, a chemotherapy Procedure
  included), and of the medicines the patient says they take in the last 72 h
  (``Facts.stated_medicines``);
- procedures: surgeries (not chemotherapy) with their SNOMED CT codes and text, days since;
- episodes (#15 task E): the Conditions and Encounters that open windows (a delivery coded as a
  Condition, an inpatient stay), read once by the shared PatientContext; a delivery Condition is
  read through its window, not as a current pregnancy; an undated one makes the rules it would
  fire a clinician's question (``syndrome-undated-window``, at the rule's level), never a guess;
- vitals: each kind's current group (the latest within its currency window and any reading within
  an hour of it: judged on the most concerning), and the kind's series for repeat clauses.

Invariant: a syndrome only adds reasons (most urgent per group), never lowers another family.
"""

from __future__ import annotations

from clinical.followup.services.facts import SYMPTOM_WINDOW, Facts
from clinical.followup.services.ruledata import load
from clinical.followup.services.rules.base import Reason, keep_most_urgent_per_group
from clinical.knowledge import symptoms as lexicon
from clinical.knowledge import syndromes as shared

# Shared levels → follow-up dispositions (the same words).
DISPOSITION = {"routine": "routine", "urgent": "urgent", "emergency": "emergency"}


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

    # A level-``none`` concept follow-up keeps unknown (出血) still goes to the safety net; the
    # shared rules read it in the unrecognised words too, so a combination it completes (bleeding
    # after a delivery) only adds its reason (#15 task E).
    for at, ref in facts.unrecognised:
        words = facts.unrecognised_words.get(ref, "")
        if facts.now - at > SYMPTOM_WINDOW or not words:
            continue
        for m in lexicon.find_symptoms(words):
            if m.negated or m.concept in symptoms or m.concept not in shared.named_concepts():
                continue
            symptoms[m.concept] = shared.Symptom(m.concept, ref, _sites(m.concept, words))

    conditions: dict[str, list[str]] = {}
    cond_spec = load("conditions")
    ctx = facts.patient
    # a delivery Condition is not a current pregnancy for these rules (its window reads it)
    past = {c.ref: c.not_current for c in ctx.conditions} if ctx is not None else {}
    for flag, refs in facts.conditions.items():
        key = cond_spec.get(flag, {}).get("condition", flag)
        kept = [r for r in refs if key not in past.get(r, ())]
        if kept:
            conditions.setdefault(key, []).extend(kept)
    medicines: dict[str, list[str]] = {}
    med_spec = load("medications")
    for flag, refs in facts.meds.items():
        cls = med_spec.get(flag, {}).get("class")
        if cls:
            medicines.setdefault(cls, []).extend(refs)
    if ctx is not None:
        for cond in ctx.conditions:
            for key in cond.keys - cond.not_current:
                conditions.setdefault(key, []).append(cond.ref)
        if ctx.syndrome_pregnant and "pregnancy" not in conditions:
            conditions["pregnancy"] = [f"Patient/{facts.patient_id}"]
        orders = ((o.search_text, o.atc, o.ingredients, o.ref) for o in ctx.orders)
        for cls, refs in shared.medicine_classes(orders).items():
            medicines.setdefault(cls, []).extend(refs)
    # what the patient says they take counts as an order, the answer its evidence
    stated = (
        (clause, (), keys, ref)
        for at, ref, clause, keys in facts.stated_medicines
        if facts.now - at <= SYMPTOM_WINDOW
    )
    for cls, refs in shared.medicine_classes(stated).items():
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
        gestation_weeks=ctx.pregnancy_weeks if ctx is not None and ctx.syndrome_pregnant else None,
        episodes=tuple(e.finding(ctx.today) for e in ctx.episodes) if ctx is not None else (),
    )


UNREAD_SOURCE = (
    "AM-Med clinical judgement: a medicine the record names in a way the knowledge layer cannot "
    "read (a local code, an unknown name) may be of the class this rule needs; what is not "
    "understood is never treated as absent, so the rule's level stands until a clinician checks"
)


def _if_reasons(
    matches: list[shared.Match],
    code: str,
    text: str,
    source: str,
    clinician: tuple[str, str],
    refs: list[str] | None = None,
) -> list[tuple[str, Reason]]:
    """The rules that fire only if something unknown (an unread medicine, an undated record)
    were what they need, as reasons of their own ``code`` at each rule's level: ``clinician`` is
    said before and after the rule's clinician text, ``source`` before its source, ``refs`` (the
    unknown records) before its evidence."""
    return [
        (
            m.group,
            Reason(
                code=code,
                text=text,
                disposition=DISPOSITION[m.level],
                family="syndromes",
                source=f"{source}; {m.source}",
                evidence=[*(refs or []), *m.evidence],
                clinician=f"{clinician[0]}{m.clinician}{clinician[1]}",
            ),
        )
        for m in matches
    ]


def _unread(facts: Facts, found: shared.Findings) -> list[tuple[str, Reason]]:
    """Rules that fire only if the unread medicines were of the classes they name."""
    unread = facts.patient.unread_orders if facts.patient is not None else ()
    if not unread:
        return []
    names = "、".join(f"“{o.text[:30]}”" for o in unread)
    refs = [o.ref for o in unread]
    return _if_reasons(
        shared.unread_medicine_matches(found, refs),
        "syndrome-unread-medication",
        f"您的用药记录中有药物（{names}）系统未能识别，结合您现在的情况，"
        "需要医护人员尽快核对您正在用的药",
        UNREAD_SOURCE,
        (f"用药记录{names}未能识别；若属于相关药物类别：", "。请核对用药"),
        refs,
    )


def _undated(found: shared.Findings) -> list[tuple[str, Reason]]:
    """Rules that fire only if the undated episodes were within their windows."""
    names, notes = shared.undated_records(found)
    return _if_reasons(
        shared.undated_window_matches(found),
        "syndrome-undated-window",
        f"您的病历记录（{names}）没有写明日期，结合您现在的情况，需要医护人员尽快核实并评估",
        shared.UNDATED_SOURCE,
        (f"{notes}。若在时间窗内：", ""),
    )


def evaluate(facts: Facts) -> list[Reason]:
    found = findings(facts)
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
        for m in shared.evaluate(found)
    ]
    return keep_most_urgent_per_group(fired + _unread(facts, found) + _undated(found))
