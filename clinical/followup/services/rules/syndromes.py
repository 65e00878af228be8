"""Syndromes: dangerous combinations as data (``data/syndromes.yaml``, issue #15).

A rule fires when every clause of its ``when`` list holds: reported symptom concepts (the shared
lexicon), condition and medicine flags, a procedure or statement window (post-partum, thyroid
surgery, VTE risk), current vital signs, age. Each reason names the rule's source and the
evidence (symptom Observations, MedicationRequests, Conditions, readings, the Procedure).

Invariants: a syndrome only adds reasons, it never lowers another family's disposition; a
negated or stale (> 72 h) symptom never counts; a vital sign counts only when current and is
judged on the most concerning reading of a contradictory group; a window that needs a procedure
never fires without one (no date is guessed).

Facts the engine's ``Facts`` does not carry are derived here from what it does: the post-partum
and thyroid-surgery windows from ``Facts.procedures_codes`` (SNOMED CT codes and procedure text)
and, for post-partum and immobility, from the patient's own words (lexicon concepts
``postpartum``/``immobility``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from clinical.followup.services import lexicon
from clinical.followup.services.facts import Facts, Symptom
from clinical.followup.services.ruledata import RuleDataError, load, rules
from clinical.followup.services.rules.base import (
    Reason,
    compare,
    keep_most_urgent_per_group,
    worst,
)
from clinical.knowledge import symptoms


class _Hit:
    """What made the clauses of one rule hold: symptoms (for the text) and evidence refs."""

    def __init__(self) -> None:
        self.symptoms: list[Symptom] = []
        self.refs: list[str] = []

    def add(self, other: _Hit) -> None:
        self.symptoms += [s for s in other.symptoms if s not in self.symptoms]
        self.refs += other.refs


def _window(facts: Facts, name: str) -> _Hit | None:
    spec = load("syndromes")["windows"].get(name)
    if spec is None:
        raise RuleDataError(f"syndromes.yaml: unknown window {name!r}")
    hit = _Hit()
    horizon = facts.now - timedelta(days=spec["days"])
    words = spec.get("procedure_words", [])
    codes = set(spec.get("procedure_codes", []))
    for code_text, text, when in facts.procedures_codes:
        if when is None or when > facts.now or when < horizon:
            continue
        matched = spec.get("any_procedure") or (
            any(w in text for w in words) or bool(codes & set(code_text.split()))
        )
        if not matched:
            continue
        refs = [ref for at, ref, t in facts.surgeries if at == when and t == text]
        if not refs:
            continue  # a chemotherapy Procedure is not surgery (facts keeps it apart)
        hit.refs += refs
        return hit
    for concept in spec.get("symptoms_any", []):
        s = facts.present(concept)
        if s:
            hit.symptoms.append(s)
            hit.refs.append(s.ref)
            return hit
    return None


def _vitals(facts: Facts, rows: list[list[Any]]) -> _Hit | None:
    for kind, op, value in rows:
        group = facts.current_group(kind)
        if not group:
            continue
        reading = worst(group, op)
        if compare(reading.value, op, float(value)):
            hit = _Hit()
            hit.refs.append(reading.ref)
            return hit
    return None


def _repeat(facts: Facts, spec: dict[str, Any]) -> _Hit | None:
    """The last ``n`` readings of a kind, the newest current and all within ``minutes`` of it,
    all meet the threshold (a low glucose still low on the 15-minute recheck)."""
    if facts.current(spec["kind"]) is None:
        return None
    rows = facts.readings.get(spec["kind"], [])[-spec["n"] :]
    if len(rows) < spec["n"] or rows[-1].at - rows[0].at > timedelta(minutes=spec["minutes"]):
        return None
    if not all(compare(r.value, spec["op"], float(spec["value"])) for r in rows):
        return None
    hit = _Hit()
    hit.refs += [r.ref for r in rows]
    return hit


def _clause(facts: Facts, clause: dict[str, Any]) -> _Hit | None:
    """The evidence that ``clause`` holds, or None."""
    hit = _Hit()
    for key, arg in clause.items():
        if key == "symptoms_any":
            found = [s for c in arg if (s := facts.present(c))]
            if not found:
                return None
            hit.symptoms += found
            hit.refs += [s.ref for s in found]
        elif key == "symptoms_min":
            found = [s for c in arg["of"] if (s := facts.present(c))]
            if len(found) < arg["n"]:
                return None
            hit.symptoms += found
            hit.refs += [s.ref for s in found]
        elif key == "conditions_any":
            refs = [r for f in arg for r in facts.conditions.get(f, [])]
            if not refs:
                return None
            hit.refs += refs
        elif key == "meds_any":
            refs = [r for f in arg for r in facts.meds.get(f, [])]
            if not refs:
                return None
            hit.refs += refs
        elif key == "window":
            sub = _window(facts, arg)
            if sub is None:
                return None
            hit.add(sub)
        elif key == "vitals_any":
            sub = _vitals(facts, arg)
            if sub is None:
                return None
            hit.add(sub)
        elif key == "repeat_vitals":
            sub = _repeat(facts, arg)
            if sub is None:
                return None
            hit.add(sub)
        elif key == "measured":
            current = [facts.current(k) for k in arg]
            if not all(current):
                return None
            hit.refs += [r.ref for r in current if r]
        elif key == "age_min":
            if facts.age is None or facts.age < arg:
                return None
        elif key == "age_max":
            if facts.age is None or facts.age > arg:
                return None
        elif key == "sex":
            # The shared PatientContext's sex (FHIR Patient.gender); unknown never matches.
            sex = facts.patient.sex if facts.patient is not None else None
            if sex != arg:
                return None
        elif key in ("any", "all", "none"):
            subs = [_clause(facts, c) for c in arg]
            held = [s for s in subs if s is not None]
            if key == "any" and not held:
                return None
            if key == "all" and len(held) < len(subs):
                return None
            if key == "none":
                if held:
                    return None
                continue
            for s in held:
                hit.add(s)
        else:
            raise RuleDataError(f"syndromes.yaml: unknown clause {key!r}")
    return hit


def evaluate(facts: Facts) -> list[Reason]:
    fired: list[tuple[str, Reason]] = []
    for row in rules("syndromes"):
        hit = _clause(facts, {"all": row["when"]})
        if hit is None:
            continue
        labels = "、".join(
            dict.fromkeys(
                lexicon.label(s.concept) for s in hit.symptoms if not symptoms.is_context(s.concept)
            )
        )
        reason = Reason(
            code=row["code"],
            text=row["text"].format(labels=labels or "相关症状"),
            disposition=row["disposition"],
            family="syndromes",
            source=row["source"],
            evidence=hit.refs,
        )
        fired.append((row.get("group", row["code"]), reason))
    return keep_most_urgent_per_group(fired)
