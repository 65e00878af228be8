"""Dose statements against ingredient maxima for the patient's age, and against the order.

For each drug mention, the text up to the next mention is parsed for a per-dose amount,
times per day and an explicit daily amount ("每次4片…每天6次" of 0.5 g paracetamol =
2 g per dose, 12 g/day). Tablet counts are converted with the strength stated in the text,
else the patient's order, else the LARGEST strength known to the KB (conservative).
Holds when: a limit is exceeded; the dose cannot be converted to mg; the patient is a child
(no paediatric limits curated: a clinician decides) or of unknown age; the per-dose amount of
an ordered drug differs from the order.
"""

from __future__ import annotations

import re
from dataclasses import replace

from clinical.knowledge import drugs
from clinical.monitor import kb
from clinical.monitor.checks._orders import ordered
from clinical.monitor.checks._text import (
    _NUM,
    CLAUSE_END,
    SENTENCE_END,
    Dose,
    amount_value,
    enclosing,
    negated,
    parse_dose,
    to_mg,
)
from clinical.monitor.kb import DrugMention
from clinical.monitor.types import CheckContext, Finding

NAME = "dose_limit"
NEEDS_KB = True
ADULT_AGE = 18


def _fmt(mg: float) -> str:
    return f"{mg / 1000:g} g" if mg >= 1000 else f"{mg:g} mg"


# An amount written right before the drug name, e.g. "一次服用30mg华法林" or "吃2片布洛芬".
_AMOUNT_BEFORE = re.compile(rf"{_NUM}\s*(mg|g|μg|ug|ml|片|粒|袋|支|丸)\s*的?\s*$")
# any amount in a sentence (a child's dose is never checked against adult maxima)
# a dose in units right before a bracket that names the drug: "每次9ml(布洛芬…", "1片(含对乙酰…"
_UNITS_BEFORE_BRACKET = re.compile(rf"{_NUM}\s*(?:ml|片|粒|袋|支|丸)\s*[(（]含?$")
# (units taken, not a mass that may be a product's strength: "本品每份含布洛芬300mg")
_ANY_AMOUNT = re.compile(rf"{_NUM}\s*(?:ml|片|粒|袋|支|丸)")


def _dose_before(text: str, floor: int, start: int) -> Dose | None:
    """A per-dose amount stated just before a drug mention, within its clause."""
    clause_start = max(floor, enclosing(text, start, CLAUSE_END)[0])
    m = _AMOUNT_BEFORE.search(text[clause_start:start])
    if m is None:
        return None
    return Dose(
        amount=amount_value(m.group(1)),
        unit=m.group(2),
        span=(clause_start + m.start(), clause_start + m.end()),
    )


def _strength(dose: Dose, mention, order, ing) -> float | None:
    strength = dose.strength_mg
    if strength is None and mention.strength_mg is not None and len(mention.all_keys) == 1:
        strength = mention.strength_mg
    if strength is None and order is not None:
        strength = order.strength_mg
    if strength is None and ing.strengths_mg:
        strength = max(ing.strengths_mg)
    return strength


def _child_dose(ctx, ing, dose: Dose, mention, order, age: float, span, src: str) -> list[Finding]:
    """A child's dose: released only when the knowledge layer has a weight-based daily maximum
    (``clinical.knowledge.drugs.max_dose``), the patient's weight is known, the dose converts
    to mg (a liquid needs its stated strength) and its times a day are stated, and the daily
    total is within that maximum and the age is not under the ingredient's minimum age.
    Anything else holds (unknown is never released; no dose is invented)."""
    weight = getattr(ctx.patient, "weight_kg", None)
    known = drugs.ingredient(ing.key)
    limit = drugs.max_dose(ing.key, "otc", age_years=age, weight_kg=weight)
    single = None
    if dose.amount is not None and dose.unit:
        single = to_mg(dose.amount, dose.unit, _strength(dose, mention, order, ing), dose.mg_per_ml)
    daily = single * dose.per_day if single is not None and dose.per_day else None
    if (
        known is not None
        and (known.min_age_years is None or age >= known.min_age_years)
        and limit is not None
        and limit.max_daily_mg is not None
        and daily is not None
    ):
        if daily <= limit.max_daily_mg + 1e-9:
            return []
        why = (
            f"{ing.name_zh}每日 {_fmt(daily)} 超过按体重{weight:g}kg计算的儿童每日上限 "
            f"{_fmt(limit.max_daily_mg)}"
        )
        return [ctx.finding(NAME, "dose_pediatric_exceeds_max", "high", why, span, limit.source)]
    missing = "体重" if not weight else "可核对的剂量、频次或儿童上限"
    return [
        ctx.finding(
            NAME,
            "dose_pediatric",
            "high",
            f"患者{age:g}岁，缺少{missing}，{ing.name_zh}的儿童剂量须由医生确认",
            span,
            src,
        )
    ]


def _per_ingredient(text: str, mentions) -> list[tuple[int, DrugMention, int]]:
    """(index, mention, end of its dose region) to check. A combination product whose
    per-unit content the products table gives (新康泰克: pseudoephedrine 90 mg +
    chlorphenamine 4 mg a capsule) is checked once per ingredient with that content; its
    region runs past the names of its own ingredients ("（每次1粒（含伪麻黄碱90毫克…）") to
    the next other drug."""
    out = []
    for i, mention in enumerate(mentions):
        own = set(mention.all_keys)
        region_end = next(
            (m.start for m in mentions[i + 1 :] if len(own) < 2 or not set(m.all_keys) <= own),
            len(text),
        )
        per_unit = kb.product_strengths(mention.product) if len(own) > 1 else {}
        if per_unit and all(per_unit.get(k) for k in mention.all_keys):
            for key in mention.all_keys:
                one = replace(mention, key=key, keys=(key,), strength_mg=per_unit[key])
                out.append((i, one, region_end))
        else:
            out.append((i, mention, region_end))
    return out


def _inside_own_product(text: str, mentions, i: int, mention: DrugMention) -> bool:
    """An ingredient named as content ("含苯海拉明") inside the bracket of an earlier product
    that contains it ("白加黑（每次1片（…只有黑片含苯海拉明)，每日最多3片）"): the amounts there
    are the product's, checked on the product's own mention."""
    if not text[max(0, mention.start - 2) : mention.start].endswith("含"):
        return False
    for earlier in reversed(mentions[:i]):
        between = text[earlier.end : mention.start]
        if (
            earlier.product
            and set(mention.all_keys) <= set(earlier.all_keys)
            and between.count("(") > between.count(")")
        ):
            return True
    return False


def check(ctx: CheckContext) -> list[Finding]:
    text = ctx.text
    mentions = ctx.mentions()
    orders = ordered(ctx)
    out: list[Finding] = []
    for i, mention, region_end in _per_ingredient(text, mentions):
        # several names of one drug in a row ("对乙酰氨基酚(泰诺林)") share the region
        if i + 1 < len(mentions) and mentions[i + 1].all_keys == mention.all_keys:
            continue
        dose = parse_dose(text[mention.end : region_end], offset=mention.end)
        if mention.strength_mg is not None and len(kb.product_strengths(mention.product)) > 1:
            # one ingredient of a combination: its own content per unit, not a mass in the text
            dose = replace(dose, strength_mg=mention.strength_mg)
        if dose.amount is None and dose.daily_amount is None and dose.strength_mg is None:
            # the amount may come first: "请一次服用30mg华法林", "吃两片布洛芬"
            dose = _dose_before(text, mentions[i - 1].end if i else 0, mention.start) or dose
        if (
            dose.amount is None
            and dose.strength_mg is not None
            and _UNITS_BEFORE_BRACKET.search(text, 0, mention.start)
        ):
            # "每次9ml(布洛芬180mg)": the bracketed mass is the amount of that one dose
            dose = replace(dose, amount=dose.strength_mg, unit="mg")
        if negated(text, mention.start) or _inside_own_product(text, mentions, i, mention):
            continue
        ing = kb.ingredient(mention.key)
        if ing is None:
            continue
        order = orders.get(ing.key)
        age = ctx.patient.age_years if ctx.patient else None
        if (
            dose.amount is None
            and dose.daily_amount is None
            and age is not None
            and age < ADULT_AGE
        ):
            # "孩子发烧，吃半片就行，布洛芬片0.4g": any amount in the sentence is a child's dose
            s_start, s_end = enclosing(text, mention.start, SENTENCE_END)
            if m := _ANY_AMOUNT.search(text, s_start, s_end):
                dose = Dose(amount=amount_value(m.group(1)), unit="", span=m.span())
        if dose.amount is None and dose.daily_amount is None:
            # "华法林钠片6mg" alone: a stated strength must equal the ordered dose
            if dose.strength_mg is not None and order is not None and order.dose_mg is not None:
                if abs(dose.strength_mg - order.dose_mg) > 1e-6 and (
                    order.strength_mg is None or abs(dose.strength_mg - order.strength_mg) > 1e-6
                ):
                    out.append(
                        ctx.finding(
                            NAME,
                            "dose_differs_from_order",
                            "high",
                            f"{ing.name_zh} {_fmt(dose.strength_mg)} 与医嘱 {_fmt(order.dose_mg)}（{order.text}）不一致",
                            (mention.start, mention.end + 12),
                            "patient's active MedicationRequest",
                        )
                    )
            continue
        span = (mention.start, dose.span[1] if dose.span else mention.end)
        # a prescribed drug (the patient's order, or a dose reminder) is held to the
        # prescription maximum; anything else to the self-care (OTC) label maximum (#23)
        setting = "rx" if order is not None or ctx.category == "reminder" else "otc"
        max_single, max_daily, src = ing.limits(setting)
        if age is None:
            out.append(
                ctx.finding(
                    NAME, "dose_age_unknown", "medium", "患者年龄未知，无法核对剂量上限", span, src
                )
            )
            continue
        if age < ADULT_AGE:
            out += _child_dose(ctx, ing, dose, mention, order, age, span, src)
            continue
        strength = _strength(dose, mention, order, ing)
        per_ml = dose.mg_per_ml
        single = (
            to_mg(dose.amount, dose.unit, strength, per_ml) if dose.amount is not None else None
        )
        daily = None
        if dose.daily_amount is not None:
            daily = to_mg(dose.daily_amount, dose.daily_unit, strength, per_ml)
        elif single is not None and dose.per_day:
            daily = single * dose.per_day
        if (dose.amount is not None and single is None) or (
            dose.daily_amount is not None and daily is None
        ):
            out.append(
                ctx.finding(
                    NAME,
                    "dose_unverifiable",
                    "medium",
                    f"无法确定{ing.name_zh}的规格，剂量无法核对",
                    span,
                    src,
                )
            )
            continue
        if single is not None and max_single is not None and single > max_single + 1e-9:
            out.append(
                ctx.finding(
                    NAME,
                    "dose_single_exceeds_max",
                    "high",
                    f"{ing.name_zh}单次 {_fmt(single)} 超过成人单次上限 {_fmt(max_single)}",
                    span,
                    src,
                )
            )
        if daily is not None and max_daily is not None and daily > max_daily + 1e-9:
            out.append(
                ctx.finding(
                    NAME,
                    "dose_daily_exceeds_max",
                    "high",
                    f"{ing.name_zh}每日 {_fmt(daily)} 超过成人每日上限 {_fmt(max_daily)}",
                    span,
                    src,
                )
            )
        if (
            order is not None
            and order.dose_mg is not None
            and single is not None
            and abs(single - order.dose_mg) > 1e-6
        ):
            out.append(
                ctx.finding(
                    NAME,
                    "dose_differs_from_order",
                    "high",
                    f"{ing.name_zh}单次 {_fmt(single)} 与医嘱 {_fmt(order.dose_mg)}（{order.text}）不一致",
                    span,
                    "patient's active MedicationRequest",
                )
            )
    return out
