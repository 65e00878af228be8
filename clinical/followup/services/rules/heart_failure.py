"""Weight gain (fluid retention) and congestion signs in heart failure."""

from __future__ import annotations

from clinical.followup.services.facts import Facts
from clinical.followup.services.ruledata import rules
from clinical.followup.services.rules.base import Reason, fmt
from clinical.followup.services.rules.trends import window


def evaluate(facts: Facts) -> list[Reason]:
    hf_refs = facts.conditions.get("heart_failure") or []
    if not hf_refs:
        return []
    best: Reason | None = None
    others: list[Reason] = []
    for row in rules("heart_failure"):
        evidence = list(hf_refs)
        values: dict[str, str] = {}
        if "symptoms_any" in row:
            hits = [s for c in row["symptoms_any"] if (s := facts.present(c))]
            if not hits:
                continue
            evidence += [s.ref for s in hits]
        if "gain_kg" in row:
            got = window(facts, "weight", row["window_days"])
            if got is None or not got[1]:
                continue
            cur, earlier = got
            base = min(earlier, key=lambda r: r.value)
            delta = round(cur.value - base.value, 1)
            if delta < row["gain_kg"]:
                continue
            evidence += [cur.ref, base.ref]
            values = {"delta": fmt(delta), "days": str(row["window_days"])}
        reason = Reason(
            code=row["code"],
            text=row["text"].format(**values),
            disposition=row["disposition"],
            family="heart_failure",
            source=row["source"],
            evidence=evidence,
        )
        if "gain_kg" in row:
            if best is None:  # rows are ordered most urgent first
                best = reason
        else:
            others.append(reason)
    return ([best] if best else []) + others
