"""Unit conversion to each reading kind's canonical unit (factors are data: observations.yaml).

Only conversions that are exact or standard are done (glucose mg/dL ↔ mmol/L, °F → °C, lb → kg,
creatinine mg/dL → μmol/L, HbA1c mmol/mol → %); any other unit returns None and the caller
ignores the value with a note.
"""

from __future__ import annotations

from clinical.followup.services.ruledata import load


def to_canonical(kind: str, value: float, unit: str | None) -> float | None:
    """``value`` in ``unit`` converted to the canonical unit of ``kind``; None if unsafe/unknown."""
    data = load("observations")
    canonical = data["kinds"][kind]["unit"]
    unit = (unit or "").strip()
    if kind == "hba1c" and unit.lower() == "mmol/mol":
        # IFCC → NGSP master equation (source in observations.yaml).
        return round(0.09148 * value + 2.152, 2)
    table = data["units"].get(canonical, {})
    if unit not in table:
        return None
    factor, offset = table[unit]
    return round(value * factor + offset, 2)
