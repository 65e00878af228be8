"""Fever during chemotherapy (possible febrile neutropenia)."""

from __future__ import annotations

from clinical.followup.services.facts import Facts
from clinical.followup.services.ruledata import rules
from clinical.followup.services.rules.base import Reason, fmt


def evaluate(facts: Facts) -> list[Reason]:
    chemo_refs = facts.meds.get("chemotherapy") or []
    if not chemo_refs:
        return []
    out: list[Reason] = []
    for row in rules("chemo"):
        evidence = list(chemo_refs)
        value = ""
        if "fever_ge" in row:
            group = facts.current_group("temp")
            if not group:
                continue
            top = max(group, key=lambda r: r.value)
            if top.value < row["fever_ge"]:
                continue
            evidence.append(top.ref)
            value = fmt(top.value)
        if "symptoms_any" in row:
            hits = [s for c in row["symptoms_any"] if (s := facts.present(c))]
            if not hits:
                continue
            evidence += [s.ref for s in hits]
        if "anc_lt" in row:
            group = facts.current_group("anc")
            if not group:
                continue
            low = min(group, key=lambda r: r.value)
            if low.value >= row["anc_lt"]:
                continue
            evidence.append(low.ref)
            value = fmt(low.value)
        out.append(
            Reason(
                code=row["code"],
                text=row["text"].format(value=value),
                disposition=row["disposition"],
                family="chemo",
                source=row["source"],
                evidence=evidence,
            )
        )
    return out
