"""Adherence problems the patient reports (missed doses, self-stopped medicines)."""

from __future__ import annotations

from clinical.followup.services.facts import Facts
from clinical.followup.services.ruledata import load, rules
from clinical.followup.services.rules.base import Reason


def evaluate(facts: Facts) -> list[Reason]:
    critical_flags = load("adherence")["critical"]
    critical_refs = sorted({r for f in critical_flags for r in facts.meds.get(f, [])})
    fired: dict[str, Reason] = {}
    for row in rules("adherence"):
        hits = [s for c in row["symptoms_any"] if (s := facts.present(c))]
        if not hits:
            continue
        concept = hits[0].concept
        if concept in fired:  # the critical-medicine row (listed first) wins
            continue
        if row.get("critical") and not critical_refs:
            continue
        names = "、".join(facts.med_names.get(r, r) for r in critical_refs)
        fired[concept] = Reason(
            code=row["code"],
            text=row["text"].format(meds=names),
            disposition=row["disposition"],
            family="adherence",
            source=row["source"],
            evidence=[s.ref for s in hits] + (critical_refs if row.get("critical") else []),
        )
    return list(fired.values())
