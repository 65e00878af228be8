"""Trends over time: rises, ratios, falls and runs of consecutive abnormal readings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from clinical.followup.services.facts import Facts, Reading
from clinical.followup.services.ruledata import rules
from clinical.followup.services.rules.base import Reason, compare, context_holds, fmt


def window(facts: Facts, kind: str, days: float) -> tuple[Reading, list[Reading]] | None:
    """The current reading and the readings within ``days`` before it (oldest first)."""
    cur = facts.current(kind)
    if cur is None:
        return None
    earlier = [
        r for r in facts.readings[kind] if r.at < cur.at and cur.at - r.at <= timedelta(days=days)
    ]
    return cur, earlier


def _fire(facts: Facts, row: dict[str, Any]) -> Reason | None:
    ok, ctx_refs = context_holds(facts, row)
    if not ok:
        return None
    got = window(facts, row["kind"], row["window_days"])
    if got is None:
        return None
    cur, earlier = got
    values: dict[str, str] = {"value": fmt(cur.value)}
    evidence = [cur.ref]
    kind = row["type"]
    if kind in ("rise", "ratio", "fall"):
        if not earlier:
            return None
        if row.get("min_latest") is not None and cur.value < row["min_latest"]:
            return None
        if kind == "fall":
            base = max(earlier, key=lambda r: r.value)
            delta = base.value - cur.value
            if delta < row["value"]:
                return None
        else:
            base = min(earlier, key=lambda r: r.value)
            delta = cur.value - base.value
            if kind == "rise" and delta < row["value"]:
                return None
            if kind == "ratio":
                if base.value <= 0 or cur.value / base.value < row["value"]:
                    return None
                values["ratio"] = f"{cur.value / base.value:.1f}"
        values["delta"] = fmt(round(delta, 1))
        evidence.append(base.ref)
    elif kind == "consecutive":
        run = [*earlier, cur][-row["count"] :]
        if len(run) < row["count"] or not all(
            compare(r.value, row["op"], row["value"]) for r in run
        ):
            return None
        values["count"] = str(row["count"])
        evidence += [r.ref for r in run]
    else:  # pragma: no cover - guarded by data tests
        return None
    return Reason(
        code=row["code"],
        text=row["text"].format(**values),
        disposition=row["disposition"],
        family="trends",
        source=row["source"],
        evidence=evidence + ctx_refs,
    )


def evaluate(facts: Facts) -> list[Reason]:
    return [r for row in rules("trends") if (r := _fire(facts, row))]
