"""The label-maximum dose check, behind one function.

Invariant (fail closed): an order is scheduled without a clinician only when every active
ingredient's single and daily dose was checked against a sourced adult maximum and found
within it, for a patient known to be an adult. Anything that cannot be checked (unknown
product, unit that cannot be converted to mg, no maximum on file, age unknown or under 18,
knowledge base or knowledge tables unavailable) is an issue, so the order waits for a
clinician's approval.

Names and strengths come from the drug KB (``clinical.medkb.api``, medkb's public API over
the CMeKG product graph); maxima from the shared knowledge layer
(``clinical.knowledge.drugs.max_dose(key, "rx")``: the prescription maximum), the same numbers
the output monitor holds a reminder for a prescribed order to. The layer's own check
(``drugs.require_tables``) must pass first; the output monitor's KB adapter is not consulted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from django.conf import settings

from clinical.knowledge import drugs as knowledge_drugs
from clinical.knowledge import numbers

if TYPE_CHECKING:
    from clinical.knowledge.sigs import SigResult
    from clinical.medkb.api import Product

UNCHECKED = "剂量未能与说明书最大剂量核对(药品知识库不可用), 需医生审核"
MASS_MG = {"mg": 1.0, "g": 1000.0, "μg": 0.001, "ug": 0.001, "mcg": 0.001}
COUNT_UNITS = {"片", "粒", "袋", "支", "丸", "mL", "ml"}
_PER_DAY = {"h": 24.0, "d": 1.0, "wk": 1 / 7, "mo": 1 / 30}
INDIVIDUALISED_PATH = Path(__file__).resolve().parent.parent / "data" / "individualised_doses.yaml"
USUAL_PATH = Path(numbers.__file__).parent / "data" / "usual_doses.csv"
# Dosage forms counted in whole units: a product name's ending → the unit a dose counts.
_FORM_UNITS = (("软胶囊", "粒"), ("胶囊", "粒"), ("颗粒", "袋"), ("片", "片"), ("丸", "丸"))
_FORM_UNITS += (("栓", "枚"), ("散", "袋"))
_COUNTED = {"片", "粒", "颗", "袋", "包", "丸", "枚"}


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
    """Issues blocking automatic scheduling; ``[]`` means checked and within label maxima,
    naming the ordered drug, and plausible for the product (``plausibility``)."""
    try:
        from clinical.medkb import api

        # the knowledge layer must answer before anything is cleared (fails closed)
        knowledge_drugs.require_tables()
        product = api.resolve(medication) if medication else None
    except Exception:  # KnowledgeUnavailable, any KB failure: fail closed
        return [UNCHECKED]
    if product is None or not product.ingredients:
        return [f"药品“{medication}”未能在药品知识库中识别, 剂量无法核对, 需医生审核"]
    try:
        named = sig_drug_issues(medication, dosage.get("text") or "", product)
    except Exception:  # any KB failure fails closed
        return [UNCHECKED]
    if age_years is None or age_years < 18:
        return [*named, "患者年龄未知或未满18岁, 成人最大剂量不适用, 需医生审核"]
    quantity = next(
        (d["doseQuantity"] for d in dosage.get("doseAndRate") or [] if d.get("doseQuantity")),
        None,
    )
    if quantity is None:
        dose_range = _dose_range(dosage)
        if dose_range is not None:
            low, high = (f"{q.get('value')}{q.get('unit', '')}" for q in dose_range)
            return [*named, f"单次剂量为范围({low}-{high}), 定时提醒需医生确定每次剂量"]
        return [*named, "未写明单次剂量, 无法核对最大剂量, 需医生审核"]
    per_day = doses_per_day((dosage.get("timing") or {}).get("repeat") or {})
    issues: list[str] = [*named, *plausibility(medication, dosage, product)]
    for part in product.ingredients:
        try:
            # an order is a prescription: the prescription maximum (#23; the OTC label
            # maximum only where no prescription figure is sourced). An ingredient the
            # layer does not hold gives None: reviewed below, never cleared.
            limits = knowledge_drugs.max_dose(part.key, "rx")
        except Exception:  # the tables cannot answer: fail closed
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


# --------------------------------------------------------------------------- plausibility


@dataclass(frozen=True)
class UsualDose:
    """A sourced usual adult dose of one ingredient (for products of ``strengths``, or any)."""

    key: str
    name_zh: str
    strengths: tuple[Fraction, ...]
    single_low_mg: Fraction
    single_high_mg: Fraction
    daily_high_mg: Fraction | None
    context: str
    source: str


@cache
def usual_doses() -> dict[str, tuple[UsualDose, ...]]:
    """Ingredient key → its sourced usual doses (``clinical/knowledge/data/usual_doses.csv``)."""
    out: dict[str, list[UsualDose]] = {}
    for row in knowledge_drugs.read_csv(USUAL_PATH.name):  # stripped; a row needs a source
        out.setdefault(row["key"], []).append(
            UsualDose(
                key=row["key"],
                name_zh=row["name_zh"],
                strengths=tuple(Fraction(s) for s in row["strengths_mg"].split("|") if s),
                single_low_mg=Fraction(row["single_low_mg"]),
                single_high_mg=Fraction(row["single_high_mg"]),
                daily_high_mg=Fraction(row["daily_high_mg"]) if row["daily_high_mg"] else None,
                context=row["context"],
                source=row["source"],
            )
        )
    return {k: tuple(v) for k, v in out.items()}


def usual_for(key: str, strength_mg: Fraction | None) -> UsualDose | None:
    """The usual dose row for a product of ``strength_mg``: the row listing that strength,
    else a row for any strength, else (strength unknown or unlisted) the most permissive."""
    rows = usual_doses().get(key, ())
    if not rows:
        return None
    specific = [r for r in rows if strength_mg is not None and strength_mg in r.strengths]
    generic = [r for r in rows if not r.strengths]
    pool = specific or generic or list(rows)
    return max(pool, key=lambda r: r.single_high_mg)


def _exact(value: Any) -> Fraction | None:
    """A JSON number as the exact decimal it spells (0.1 → 1/10), never its binary float."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Fraction(Decimal(str(value)))


def _dose_range(dosage: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    for d in dosage.get("doseAndRate") or []:
        r = d.get("doseRange") or {}
        if r.get("low") and r.get("high"):
            return r["low"], r["high"]
    return None


def _mg_text(mg: Fraction) -> str:
    if mg >= 1000:
        return f"{numbers.decimal_text(mg / 1000) or f'{float(mg / 1000):.3g}'} g"
    return f"{numbers.decimal_text(mg) or f'{float(mg):.3g}'} mg"


def _usual_text(usual: UsualDose) -> str:
    low, high = _mg_text(usual.single_low_mg), _mg_text(usual.single_high_mg)
    return high if low == high else f"{low}-{high}"


def _form_unit(product: Product, medication: str) -> str | None:
    if product.unit in _COUNTED:
        return product.unit
    for name in (medication, product.name):
        base = (name or "").split()[0] if (name or "").split() else ""
        for ending, unit in _FORM_UNITS:
            if base.endswith(ending):
                return unit
    return None


def _strength(medication: str, product: Product) -> Fraction | None:
    """mg per unit of a one-ingredient product: the strength written in the order's name
    (read by the shared reader; exactly one), else the KB's."""
    if len(product.ingredients) != 1:
        return None
    written = {
        found.base()
        for found in numbers.find_amounts(medication or "")
        if isinstance(found, numbers.Amount) and found.kind == "mass" and not found.is_range
    }
    if len(written) == 1:
        return written.pop()
    if len(written) > 1:
        return None
    mg = product.ingredients[0].strength_mg
    return _exact(mg) if mg else None


def plausibility(medication: str, dosage: dict[str, Any], product: Product) -> list[str]:
    """Chinese review reasons for a dose implausible for the product, independent of how the
    amount was read (clinical invariant: a misread magnitude cannot pass silently).

    The dose is expressed in units of the dosage form (tablets, capsules, sachets) and in mg;
    it goes to review when it is more than ``AMMED_DOSE_MAX_UNITS`` units per administration,
    or more than ``AMMED_DOSE_PLAUSIBLE_MULTIPLE`` times the sourced usual single dose (or
    daily total) of the ingredient for this product. An ingredient with no sourced usual dose
    is not judged on that count (the label-maximum check and the unit count still apply)."""
    multiple = Fraction(str(getattr(settings, "AMMED_DOSE_PLAUSIBLE_MULTIPLE", 2.0)))
    max_units = Fraction(str(getattr(settings, "AMMED_DOSE_MAX_UNITS", 4.0)))
    quantity = next(
        (d["doseQuantity"] for d in dosage.get("doseAndRate") or [] if d.get("doseQuantity")),
        None,
    )
    if quantity is None and (dose_range := _dose_range(dosage)) is not None:
        quantity = dose_range[1]  # a range is judged by its upper end
    if quantity is None:
        return []
    value = _exact(quantity.get("value"))
    unit = numbers.unit_of(str(quantity.get("unit") or quantity.get("code") or ""))
    if value is None or unit is None:
        return []
    strength = _strength(medication, product)
    form = _form_unit(product, medication)
    mg = units_of_form = None
    if unit.kind == "mass" and unit.dose:
        mg = value * unit.to_base
        if strength and form:
            units_of_form = mg / strength
    elif unit.kind == "count":
        units_of_form = value
        mg = value * strength if strength else None
    dose_text = f"{numbers.decimal_text(value) or quantity.get('value')} {unit.unit}"
    issues: list[str] = []
    if units_of_form is not None and units_of_form > max_units:
        count = numbers.decimal_text(units_of_form) or f"{float(units_of_form):.2f}"
        per = f"(每{form or unit.unit}{_mg_text(strength)})" if strength else ""
        issues.append(
            f"单次剂量 {dose_text} 相当于 {count} {form or unit.unit}{per}, "
            f"超过每次 {numbers.decimal_text(max_units)} {form or unit.unit}, 请药师/医生核对"
        )
    if mg is None or len(product.ingredients) != 1:
        return issues
    usual = usual_for(product.ingredients[0].key, strength)
    if usual is None:
        return issues
    name = usual.name_zh
    times = numbers.decimal_text(multiple) or str(float(multiple))
    if mg > multiple * usual.single_high_mg:
        issues.append(
            f"单次剂量 {_mg_text(mg)} 超过{name}常用单次剂量 {_mg_text(usual.single_high_mg)} "
            f"的 {times} 倍, 请药师/医生核对(常用{_usual_text(usual)}, {usual.context}; "
            f"来源: {usual.source})"
        )
    per_day = doses_per_day((dosage.get("timing") or {}).get("repeat") or {})
    if usual.daily_high_mg is not None and per_day is not None:
        daily = mg * Fraction(str(per_day))
        if daily > multiple * usual.daily_high_mg:
            issues.append(
                f"每日总量 {_mg_text(daily)} 超过{name}常用每日剂量 "
                f"{_mg_text(usual.daily_high_mg)} 的 {times} 倍, 请药师/医生核对"
                f"({usual.context}; 来源: {usual.source})"
            )
    return issues


def sig_drug_issues(medication: str, text: str, product: Product) -> list[str]:
    """Review reasons when the sig text names a drug other than its MedicationRequest's (no
    shared ingredient), or names a drug the KB does not know."""
    if not text:
        return []
    from clinical.knowledge.sigs import parse_sig
    from clinical.medkb import api

    ordered = {part.key for part in product.ingredients}
    issues: list[str] = []
    mentions = api.find_mentions(text)
    for m in mentions:
        keys = {m.key} if m.kind == "ingredient" else set(api.ingredients_of(m.key))
        if keys and not keys & ordered:
            issues.append(
                f"用法中写的药品“{m.surface}”与医嘱药品“{medication}”不一致, 请医生核对(提醒已暂停)"
            )
    named = parse_sig(text).medication
    if named and not mentions and api.resolve(named) is None:
        issues.append(f"用法中的药品名“{named}”未能在药品知识库中识别, 请医生核对")
    return issues


def parse_sig_checked(text: str) -> SigResult:
    """``parse_sig`` plus the plausibility net for the drug the sig names (the parse-sig
    API). Without a known drug name there is nothing to judge against and nothing is added;
    an unavailable KB adds an issue (fail closed)."""
    from clinical.knowledge.sigs import parse_sig

    result = parse_sig(text)
    if not result.medication:
        return result
    try:
        from clinical.medkb import api

        product = api.resolve(result.medication)
        extra = plausibility(result.medication, result.dosage, product) if product else []
    except Exception:  # any KB failure fails closed
        extra = ["剂量合理性未能核对(药品知识库不可用), 需医生审核"]
    if extra:
        result = replace(result, issues=[*result.issues, *extra], needs_review=True)
    return result
