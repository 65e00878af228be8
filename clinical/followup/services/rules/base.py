"""What every rule family shares: the Reason type and context checks on a rule row."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from clinical.followup.services.facts import Facts, Reading
from clinical.followup.services.ruledata import rank
from clinical.followup.services.wording import patient_text


@dataclass
class Reason:
    """One finding: why the disposition is what it is, with the evidence that triggered it."""

    code: str
    text: str
    disposition: str
    family: str
    source: str
    evidence: list[str] = field(default_factory=list)
    # what a clinician reads (suspected diagnosis and why; the shared syndrome table's
    # ``clinician`` column); ``text`` stays the patient's wording. Empty: ``text`` serves both.
    clinician: str = ""

    def as_dict(self) -> dict[str, Any]:
        """``patient_text`` is what the patient may read (``services/wording.py``: ``text``
        without care-team wording; may be empty, the timeframe then speaks for it)."""
        out = {
            "code": self.code,
            "text": self.text,
            "patient_text": patient_text(self.code, self.text),
            "disposition": self.disposition,
            "family": self.family,
            "source": self.source,
            "evidence": sorted(set(self.evidence)),
        }
        if self.clinician:
            out["clinician"] = self.clinician
        return out


def clinician_text(reason: Mapping[str, Any]) -> str:
    """How a clinician reads one stored reason (assessment or alert entry): its clinician
    wording when it has one, else its text, else its code. Never used for patient text."""
    return str(reason.get("clinician") or reason.get("text") or reason.get("code") or "")


def context_holds(facts: Facts, ctx: dict[str, Any]) -> tuple[bool, list[str]]:
    """Whether a rule row's context holds, and the references that make it hold."""
    evidence: list[str] = []
    if ctx.get("conditions_any"):
        refs = [r for f in ctx["conditions_any"] for r in facts.conditions.get(f, [])]
        if not refs:
            return False, []
        evidence += refs
    if ctx.get("conditions_none") and facts.has_condition(*ctx["conditions_none"]):
        return False, []
    if ctx.get("meds_any"):
        refs = [r for f in ctx["meds_any"] for r in facts.meds.get(f, [])]
        if not refs:
            return False, []
        evidence += refs
    if ctx.get("symptoms_any"):
        present = [facts.present(c) for c in ctx["symptoms_any"]]
        refs = [s.ref for s in present if s]
        if not refs:
            return False, []
        evidence += refs
    if "age_min" in ctx and (facts.age is None or facts.age < ctx["age_min"]):
        return False, []
    if "days_since_surgery_max" in ctx:
        days = facts.days_since_surgery()
        if days is None or days > ctx["days_since_surgery_max"]:
            return False, []
        evidence.append(facts.last_surgery()[1])  # type: ignore[index]
    return True, evidence


def compare(value: float, op: str, threshold: float) -> bool:
    return {
        "lt": value < threshold,
        "le": value <= threshold,
        "gt": value > threshold,
        "ge": value >= threshold,
    }[op]


def worst(group: list[Reading], op: str) -> Reading:
    """The most concerning reading of a (possibly contradictory) group for a rule's direction."""
    if op in ("lt", "le"):
        return min(group, key=lambda r: r.value)
    return max(group, key=lambda r: r.value)


def fmt(value: float) -> str:
    return f"{value:g}"


def said(reading: Reading) -> str:
    """The patient's words behind a reading written in a message or survey answer (empty for
    a measured Observation), quoted in the reason so the clinician sees what was written."""
    return f"（患者自述“{reading.quote}”）" if reading.quote else ""


def keep_most_urgent_per_group(reasons: list[tuple[str, Reason]]) -> list[Reason]:
    best: dict[str, Reason] = {}
    order: list[str] = []
    for group, reason in reasons:
        if group not in best:
            order.append(group)
            best[group] = reason
        elif rank(reason.disposition) > rank(best[group].disposition):
            best[group] = reason
    return [best[g] for g in order]
