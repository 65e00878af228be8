"""Monitoring that should be in the record and is not: named, never assumed normal."""

from __future__ import annotations

from datetime import timedelta

from clinical.followup.services.facts import Facts
from clinical.followup.services.ruledata import rules
from clinical.followup.services.rules.base import Reason, context_holds


def evaluate(facts: Facts) -> list[Reason]:
    out: list[Reason] = []
    for row in rules("missing"):
        ok, ctx_refs = context_holds(facts, row["context"])
        if not ok:
            continue
        horizon = timedelta(days=row["within_days"])
        if row["kind"] == "any":
            times = [rows[-1].at for rows in facts.readings.values() if rows]
            times += [s.at for s in facts.symptoms.values()]
            if any(facts.now - t <= horizon for t in times):
                continue
        else:
            rows = facts.readings.get(row["kind"]) or []
            if rows and facts.now - rows[-1].at <= horizon:
                continue
        out.append(
            Reason(
                code=row["code"],
                text=row["text"],
                disposition=row["disposition"],
                family="missing",
                source=row["source"],
                evidence=ctx_refs,
            )
        )
    return out
