"""The label-maximum dose check, behind one function.

Invariant (fail closed): an order is scheduled without a clinician only when every active
ingredient's single and daily dose was checked against a sourced adult maximum and found
within it, for a patient known to be an adult. Anything that cannot be checked (unknown
product, unit that cannot be converted to mg, no maximum on file, age unknown or under 18,
knowledge base unavailable) is an issue, so the order waits for a clinician's approval.

Names and strengths come from the drug KB (``clinical.medkb.api``); maxima from the monitor's
KB adapter (``clinical.monitor.kb.ingredient``: the medkb adult OTC limit, else the monitor's
sourced label/BNF table for prescription drugs), so orders and the output monitor judge a
dose against the same numbers.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

UNCHECKED = "剂量未能与说明书最大剂量核对(药品知识库不可用), 需医生审核"
MASS_MG = {"mg": 1.0, "g": 1000.0, "μg": 0.001, "ug": 0.001, "mcg": 0.001}
COUNT_UNITS = {"片", "粒", "袋", "支", "丸", "mL", "ml"}
_PER_DAY = {"h": 24.0, "d": 1.0, "wk": 1 / 7, "mo": 1 / 30}
INDIVIDUALISED_PATH = Path(__file__).resolve().parent.parent / "data" / "individualised_doses.yaml"


@cache
def individualised() -> dict[str, str]:
    """Ingredient key -> Chinese review reason for drugs with no fixed maximum (e.g. warfarin)."""
    rows = yaml.safe_load(INDIVIDUALISED_PATH.read_text("utf-8"))["drugs"]
    return {row["key"]: f"{row['reason']}(来源: {row['source']})" for row in rows}


def doses_per_day(repeat: dict[str, Any]) -> float | None:
    """Average administrations per day of a Timing.repeat (None when not periodic)."""
    unit, frequency, period = (
        repeat.get("periodUnit"),
        repeat.get("frequency"),
        repeat.get("period"),
    )
    if unit not in _PER_DAY or not frequency or not period:
        return None
    return float(frequency) * _PER_DAY[unit] / float(period)


def _dose_mg(
    quantity: dict[str, Any], strength_mg: float | None, n_ingredients: int
) -> float | None:
    """mg of one ingredient per administration, or None when it cannot be known exactly."""
    value, unit = quantity.get("value"), quantity.get("unit") or quantity.get("code")
    if not isinstance(value, int | float):
        return None
    if unit in MASS_MG:
        return float(value) * MASS_MG[unit] if n_ingredients == 1 else None
    if unit in COUNT_UNITS and strength_mg:
        return float(value) * strength_mg
    return None


def check_dose(
    medication: str, codes: list[str], dosage: dict[str, Any], age_years: float | None = None
) -> list[str]:
    """Issues blocking automatic scheduling; ``[]`` means checked and within label maxima."""
    try:
        from clinical.medkb import api
        from clinical.monitor import kb

        product = api.resolve(medication) if medication else None
    except Exception:  # any KB failure fails closed
        return [UNCHECKED]
    if product is None or not product.ingredients:
        return [f"药品“{medication}”未能在药品知识库中识别, 剂量无法核对, 需医生审核"]
    if age_years is None or age_years < 18:
        return ["患者年龄未知或未满18岁, 成人最大剂量不适用, 需医生审核"]
    quantity = next(
        (d["doseQuantity"] for d in dosage.get("doseAndRate") or [] if d.get("doseQuantity")),
        None,
    )
    if quantity is None:
        return ["未写明单次剂量, 无法核对最大剂量, 需医生审核"]
    per_day = doses_per_day((dosage.get("timing") or {}).get("repeat") or {})
    issues: list[str] = []
    for part in product.ingredients:
        try:
            limits = kb.ingredient(part.key)
        except Exception:  # KBUnavailable and friends: fail closed
            return [UNCHECKED]
        name = part.name_zh or part.key
        if part.key in individualised():
            issues.append(f"{name}: {individualised()[part.key]}")
            continue
        if limits is None or (limits.max_single_mg is None and limits.max_daily_mg is None):
            issues.append(f"{name}: 知识库没有说明书最大剂量, 需医生核对")
            continue
        mg = _dose_mg(quantity, part.strength_mg, len(product.ingredients))
        if mg is None:
            issues.append(f"{name}: 剂量单位无法换算为毫克, 需医生核对")
            continue
        if limits.max_single_mg is not None and mg > limits.max_single_mg:
            issues.append(
                f"{name}: 单次{mg:g}mg 超过说明书单次最大{limits.max_single_mg:g}mg"
                f"({mg / limits.max_single_mg:.1f}倍; 来源: {limits.source})"
            )
        if limits.max_daily_mg is not None:
            if per_day is None:
                issues.append(f"{name}: 无法计算每日总量, 需医生核对")
            elif mg * per_day > limits.max_daily_mg:
                issues.append(
                    f"{name}: 每日{mg * per_day:g}mg 超过说明书每日最大{limits.max_daily_mg:g}mg"
                    f"({mg * per_day / limits.max_daily_mg:.1f}倍; 来源: {limits.source})"
                )
    return issues
