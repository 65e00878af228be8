"""Coded observations: which LOINC codes are which reading kind, their units (#23).

One table, ``data/observations.yaml`` (moved here from follow-up, which reads it through this
module): each kind's canonical unit, plausibility bounds and currency window (``current_hours``),
the accepted units with their exact or standard conversion factors (sources in the file), the
LOINC code of each kind and the panels whose components carry readings. The shared patient
context reads a stored record's vital signs with it and follow-up reads every reading with it.
A unit the table does not list is never guessed: ``to_canonical`` answers None.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent / "data" / "observations.yaml"
# Readings of one kind within an hour of the current one are one group: they may disagree, and
# a rule judges the group on its most concerning value (follow-up's contradiction check too).
GROUP_WINDOW = timedelta(hours=1)


@cache
def table() -> dict[str, Any]:
    """The parsed table (``kinds``, ``units``, ``loinc``, ``panels``); validated on load."""
    with DATA.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    kinds, units = data["kinds"], data["units"]
    for kind, spec in kinds.items():
        if spec["unit"] not in units:
            raise ValueError(f"observations.yaml: kind {kind}: unit {spec['unit']} has no row")
        low, high = spec["plausible"]
        if not low < high or spec["current_hours"] <= 0:
            raise ValueError(f"observations.yaml: kind {kind}: bad plausible or current_hours")
    for code, kind in data["loinc"].items():
        if kind not in kinds:
            raise ValueError(f"observations.yaml: LOINC {code}: unknown kind {kind}")
    return data


def kind_of(loinc: str) -> str | None:
    """The reading kind of a LOINC code (``8310-5`` → ``temp``), or None."""
    return table()["loinc"].get(loinc)


def spec(kind: str) -> dict[str, Any]:
    """A kind's row: ``label``, canonical ``unit``, ``current_hours``, ``plausible``."""
    return table()["kinds"][kind]


def to_canonical(kind: str, value: float, unit: str | None) -> float | None:
    """``value`` in ``unit`` converted to the canonical unit of ``kind``; None if the unit is
    unknown (only exact or standard conversions: glucose mg/dL ↔ mmol/L, °F → °C, lb → kg,
    creatinine mg/dL → μmol/L, calcium mg/dL → mmol/L, HbA1c mmol/mol → %)."""
    data = table()
    canonical = data["kinds"][kind]["unit"]
    unit = (unit or "").strip()
    if kind == "hba1c" and unit.lower() == "mmol/mol":
        # IFCC → NGSP master equation (source in observations.yaml).
        return round(0.09148 * value + 2.152, 2)
    # a kind's own conversions replace the shared row of its canonical unit (calcium mg/dL)
    conversions = data["kinds"][kind].get("units") or data["units"].get(canonical, {})
    if unit not in conversions:
        return None
    factor, offset = conversions[unit]
    return round(value * factor + offset, 2)


def plausible(kind: str, value: float) -> bool:
    """Whether a canonical value lies within the kind's physiological bounds (outside them it
    is an entry error, never judged)."""
    low, high = spec(kind)["plausible"]
    return bool(low <= value <= high)
