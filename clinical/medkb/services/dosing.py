"""Dose computation from curated limits only.

Invariants (property-tested):
- a dose is given only when every ingredient that has a curated daily maximum has a known
  per-unit strength (or the product is a bare ingredient, dosed in mg);
- per-dose amount ≤ the ingredient's adult single maximum (children: mg/kg × weight,
  never above the adult single maximum);
- per-dose × times-per-day ≤ the lowest applicable daily maximum (ingredient limit,
  paediatric mg/kg/day × weight, caps from interactions such as warfarin + paracetamol);
- children (below ``paediatric_dosing_below_age``) are dosed by weight and only with a weight.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from clinical.medkb.entities import Ingredient, Product
from clinical.medkb.kb import KnowledgeBase


@dataclass
class Dose:
    text: str
    per_dose_mg: float | None = None
    max_daily_mg: float | None = None
    interval_hours: float | None = None
    ingredient: str | None = None  # the ingredient the mg figures refer to
    blocked: str | None = None  # a max_dose reason text when no safe dose exists

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "per_dose_mg": self.per_dose_mg,
            "max_daily_mg": self.max_daily_mg,
            "interval_hours": self.interval_hours,
            "ingredient": self.ingredient,
        }


def mg_text(mg: float) -> str:
    """``4000`` → ``4克``, ``325`` → ``325毫克`` (patient-facing)."""
    return _fmt(mg)


def _fmt(mg: float) -> str:
    if mg >= 1000 and mg % 100 == 0:
        return f"{mg / 1000:g}克"
    return f"{mg:g}毫克"


def _unit_count(n: float, unit: str | None) -> str:
    return f"{n:g}{unit or '份'}"


def compute(
    kb: KnowledgeBase,
    product: Product,
    *,
    age_years: float | None,
    weight_kg: float | None,
    caps: dict[str, float],
) -> Dose:
    """The dose of ``product`` for this patient; ``caps`` are extra daily limits per ingredient."""
    ings = [(a, kb.ingredients[a.key]) for a in product.ingredients]
    limited = [(a, i) for a, i in ings if i.adult_max_daily_mg]
    if age_years is None:
        return Dose("未提供年龄，无法计算剂量：请按说明书服用或咨询药师")
    child = age_years < kb.thresholds.get("paediatric_dosing_below_age", 12)
    if child:
        return _child(kb, product, ings, age_years, weight_kg, caps)
    return _adult(kb, product, ings, limited, caps)


def _daily_cap(i: Ingredient, caps: dict[str, float]) -> float | None:
    vals = [v for v in (i.adult_max_daily_mg, caps.get(i.key)) if v]
    return min(vals) if vals else None


def _adult(kb, product, ings, limited, caps) -> Dose:
    interval = max(
        [v for v in [product.interval_hours, *(i.interval_hours for _a, i in limited)] if v],
        default=None,
    )
    note = f"；{product.dose_note}" if product.dose_note else ""
    if not limited:
        if product.units_per_dose and product.max_units_per_day:
            times = int(product.max_units_per_day // product.units_per_dose)
            return Dose(
                f"按说明书每次{_unit_count(product.units_per_dose, product.unit)}，"
                f"每日不超过{times}次{note}",
                interval_hours=interval,
            )
        return Dose(f"请按说明书服用{note}")
    # Bare ingredient (strength unknown): dose in mg.
    if not product.curated and len(ings) == 1 and ings[0][0].strength_mg is None:
        i = ings[0][1]
        if not i.adult_dose_mg:
            return Dose("请按说明书服用或咨询药师")
        per = min(i.adult_dose_mg, i.adult_max_single_mg or i.adult_dose_mg)
        cap = _daily_cap(i, caps)
        times = min(i.max_times_per_day or 99, int(cap // per)) if cap else i.max_times_per_day
        if not times:
            return Dose("", blocked=f"{i.name_zh}已达到每日最大剂量，不能再服用")
        return Dose(
            f"每次{_fmt(per)}（请按包装上每片/每毫升含量换算），间隔至少{interval:g}小时，"
            f"24小时内不超过{times}次（合计不超过{_fmt(per * times)}）",
            per_dose_mg=per,
            max_daily_mg=per * times,
            interval_hours=interval,
            ingredient=i.key,
        )
    if any(a.strength_mg is None for a, _i in limited):
        names = "、".join(i.name_zh for a, i in limited if a.strength_mg is None)
        return Dose(
            f"无法核实本品中{names}的含量，不给出剂量：请严格按说明书服用，"
            f"且不要与其他含{names}的药同时使用"
        )
    units = product.units_per_dose
    if not units:
        a0, i0 = limited[0]
        units = max(1.0, round((i0.adult_dose_mg or a0.strength_mg) / a0.strength_mg))
    for a, i in limited:
        if i.adult_max_single_mg and units * a.strength_mg > i.adult_max_single_mg:
            units = math.floor(i.adult_max_single_mg / a.strength_mg)
    if units < 1:
        a, i = next((a, i) for a, i in limited if a.strength_mg > (i.adult_max_single_mg or 0))
        return Dose(
            "",
            blocked=f"本品每{product.unit or '份'}含{i.name_zh}{_fmt(a.strength_mg)}，"
            f"超过单次最大剂量{_fmt(i.adult_max_single_mg)}",
        )
    times_limits = []
    if product.max_units_per_day:
        times_limits.append(int(product.max_units_per_day // units))
    for a, i in limited:
        if i.max_times_per_day:
            times_limits.append(i.max_times_per_day)
        cap = _daily_cap(i, caps)
        if cap:
            times_limits.append(int(cap // (units * a.strength_mg)))
    times = min(times_limits)
    if times < 1:
        return Dose("", blocked="按您的情况，本品每日允许的剂量不足一次用量，不能使用")
    a0, i0 = limited[0]
    per = units * a0.strength_mg
    parts = "、".join(f"{i.name_zh}{_fmt(units * a.strength_mg)}" for a, i in limited)
    iv = f"间隔至少{interval:g}小时，" if interval else ""
    return Dose(
        f"每次{_unit_count(units, product.unit)}（含{parts}），{iv}24小时内不超过{times}次"
        f"（{i0.name_zh}合计不超过{_fmt(per * times)}）{note}",
        per_dose_mg=per,
        max_daily_mg=per * times,
        interval_hours=interval,
        ingredient=i0.key,
    )


def _child(kb, product, ings, age_years, weight_kg, caps) -> Dose:
    if len(ings) != 1:
        return Dose("复方制剂的儿童用量须遵医嘱或按说明书年龄体重表，本系统不给出剂量")
    a, i = ings[0]
    if not i.paediatric_mg_per_kg:
        return Dose(f"{i.name_zh}的儿童用量请遵医嘱，本系统不给出剂量")
    if not weight_kg:
        return Dose("儿童用量需按体重计算：请提供孩子的体重，或按说明书/遵医嘱")
    per = i.paediatric_mg_per_kg * weight_kg
    if i.adult_max_single_mg:
        per = min(per, i.adult_max_single_mg)
    daily_vals = [
        v
        for v in (
            (i.paediatric_max_daily_mg_per_kg or 0) * weight_kg or None,
            i.adult_max_daily_mg,
            caps.get(i.key),
        )
        if v
    ]
    daily = min(daily_vals) if daily_vals else None
    interval = max(v for v in (product.interval_hours, i.interval_hours, 4) if v)
    amount = ""
    if a.strength_mg:
        if product.unit == "ml":
            step = kb.thresholds.get("liquid_dose_step_ml", 0.5)
            ml = math.floor(per / a.strength_mg / step) * step
            if ml <= 0:
                return Dose("", blocked="按体重计算的剂量过小，无法用本品准确量取，请咨询医生")
            per = ml * a.strength_mg
            amount = f"{ml:g}毫升"
        else:
            n = math.floor(per / a.strength_mg)
            if n < 1:
                return Dose(
                    "",
                    blocked=f"本品每{product.unit or '份'}含{i.name_zh}{_fmt(a.strength_mg)}，"
                    f"超过该体重儿童的单次剂量{_fmt(round(per, 1))}，不能使用本品",
                )
            per = n * a.strength_mg
            amount = _unit_count(n, product.unit)
    else:
        per = math.floor(per)
    times = min(i.max_times_per_day or 4, int(daily // per) if daily else 4)
    if times < 1:
        return Dose("", blocked="按体重计算的每日最大剂量不足一次用量，请咨询医生")
    what = f"{amount}（{i.name_zh}{_fmt(per)}）" if amount else f"{i.name_zh}{_fmt(per)}"
    return Dose(
        f"按体重{weight_kg:g}公斤计算：每次{what}，间隔至少{interval:g}小时，"
        f"24小时内不超过{times}次",
        per_dose_mg=per,
        max_daily_mg=per * times,
        interval_hours=interval,
        ingredient=i.key,
    )
