"""Threshold rows (vitals.yaml, labs.yaml) evaluated against the current readings."""

from __future__ import annotations

from typing import Any

from clinical.followup.services.facts import Facts
from clinical.followup.services.rules.base import (
    Reason,
    compare,
    context_holds,
    fmt,
    keep_most_urgent_per_group,
    said,
    worst,
)


def evaluate_rows(facts: Facts, rows: list[dict[str, Any]], family: str) -> list[Reason]:
    fired: list[tuple[str, Reason]] = []
    for row in rows:
        group = facts.current_group(row["kind"])
        if not group:
            continue
        reading = worst(group, row["op"])
        if not compare(reading.value, row["op"], row["value"]):
            continue
        # a low the patient treated and rechecked above the threshold in the same words
        # (Facts.glucose_rechecked, #15 r11_metabolic): rows marked unless_rechecked are silent
        rechecked = row.get("unless_rechecked")
        if rechecked and reading.ref in facts.glucose_rechecked:
            if not facts.has_med(*rechecked.get("unless_meds", [])):
                continue
        ok, ctx_refs = context_holds(facts, row)
        if not ok:
            continue
        fired.append(
            (
                row.get("group", row["kind"]),
                Reason(
                    code=row["code"],
                    text=row["text"].format(value=fmt(reading.value)) + said(reading),
                    disposition=row["disposition"],
                    family=family,
                    source=row["source"],
                    evidence=[reading.ref, *ctx_refs],
                ),
            )
        )
    return keep_most_urgent_per_group(fired)
