"""Risk modifiers (anticoagulants, recent surgery, age): raise matching findings, never lower."""

from __future__ import annotations

from clinical.followup.services.facts import Facts
from clinical.followup.services.ruledata import escalate, load, most_urgent
from clinical.followup.services.rules.base import Reason, context_holds


def apply(facts: Facts, reasons: list[Reason]) -> list[Reason]:
    added: list[Reason] = []
    for row in load("modifiers"):
        targets = [r for r in reasons if r.code in row["applies_to"]]
        rechecked = row.get("unless_rechecked")
        if rechecked is not None and not facts.has_med(*rechecked.get("unless_meds", [])):
            # a low treated and rechecked above the threshold in the patient's own words
            # (Facts.glucose_rechecked, #15 r11_metabolic) is not raised by this row
            targets = [
                r
                for r in targets
                if r.evidence[:1] != [] and r.evidence[0] not in facts.glucose_rechecked
            ]
        if not targets:
            continue
        ok, ctx_refs = context_holds(facts, row["context"])
        if not ok:
            continue
        raised = []
        for r in targets:
            new = (
                most_urgent(r.disposition, row["escalate_to"])
                if "escalate_to" in row
                else escalate(r.disposition, row.get("escalate_by", 1))
            )
            r.disposition = new
            r.evidence += ctx_refs
            raised.append(new)
        meds = "、".join(facts.med_names.get(ref, ref) for ref in ctx_refs if ref.startswith("Med"))
        added.append(
            Reason(
                code=row["code"],
                text=row["text"].format(meds=meds or "抗凝药"),
                disposition=most_urgent(*raised),
                family="modifiers",
                source=row["source"],
                evidence=ctx_refs + [e for r in targets for e in r.evidence[:1]],
            )
        )
    return reasons + added
