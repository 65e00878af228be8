"""Duplicate ingredients (issue #16): two different products that share an ingredient among
everything the message suggests, or a suggested product that repeats an ingredient of one of
the patient's orders ("感冒灵颗粒和泰诺林一起吃": both contain paracetamol), hold (high).

Every ingredient with a daily maximum in the knowledge layer counts (the sum is what
overdoses); the shared ingredient is the product table's (``clinical/knowledge/data/
products.csv``). A product and its own ingredient named together ("泰诺林（对乙酰氨基酚）") are
one drug, and so are two names of one product. Not suggestions: a drug advised against
(不要使用X), a statement about it (含X, 对X过敏, X属于…类), the period of a prohibition
(服用X期间不要…) or the patient's current medication stated by the engine. Alternatives are
not a duplicate when the text says so (二选一, 只选, 任选, 其中一种, 不要同时, 或 between the
two names, ``_EXCLUSIVE``).
"""

from __future__ import annotations

import re

from clinical.knowledge import drugs
from clinical.monitor import kb, lexicon
from clinical.monitor.checks._orders import current_medication
from clinical.monitor.checks._text import (
    CLAUSE_END,
    _statement_only,
    advised_against,
    enclosing,
    question,
    while_on,
)
from clinical.monitor.kb import DrugMention
from clinical.monitor.types import CheckContext, Finding

NAME = "duplicate_ingredient"
NEEDS_KB = True
SOURCE = (
    "对乙酰氨基酚片说明书: 不能同时服用其他含有对乙酰氨基酚的药品; 复方感冒药说明书 "
    "(含相同成分的药品不得同时使用); clinical/knowledge/data/products.csv (ingredients)"
)
_EXCLUSIVE = re.compile(
    r"二选一|2选1|选其一|只选|任选|其中一种|其中1种|只能用其一|只用其一|只能选|择一|"
    r"不要同时|不能同时|不可同时|避免同时|不要一起|不能一起|别一起|不宜同时|勿同时|不要合用|不能合用"
)


# a prohibition of taking, anywhere before the drug in its clause ("不要再另外服用含对乙酰
# 氨基酚的泰诺林": too far back for the short negation window of ``advised_against``)
_PROHIBITED = re.compile(
    r"(?:不要|不能|不可|不宜|不应|别|避免|勿|禁止|切勿)(?:再)?(?:另外|同时|自行|额外)?"
    r"(?:服用|使用|吃|用|加用|合用)"
)


# "伪麻黄碱/麻黄等成分": ingredients named as what a product contains, not as a drug to take
_AS_CONTENT = re.compile(r"(?:/[^,.:;!?]{0,8})?等?(?:成分|类成分)")


def _suggested(ctx: CheckContext, m: DrugMention) -> bool:
    text = ctx.text
    mentions = ctx.mentions()
    c_start, _ = enclosing(text, m.start, CLAUSE_END)
    return not (
        _AS_CONTENT.match(text, m.end)
        or advised_against(text, m.start, m.end, mentions)
        or _PROHIBITED.search(text, c_start, m.start)
        or _statement_only(text, m)
        or while_on(text, m.start, m.end)
        or current_medication(ctx, m)
        or question(text, m.start)
    )


def _dosed(key: str) -> bool:
    """An ingredient whose sum matters: the knowledge layer has a daily maximum for it."""
    return any(drugs.max_dose(key, setting) is not None for setting in ("otc", "rx"))


def _same_drug(a: DrugMention, b: DrugMention, text: str = "") -> bool:
    """Two names of one drug: one product, an ingredient named with the same ingredients
    ("泰诺林（对乙酰氨基酚）"), or an ingredient named inside the bracket that describes the
    product before it ("感冒灵颗粒（每次1袋（含…咖啡因4毫克…）"); a different product, or an
    ingredient next to a combination product, is another drug."""
    if a.product and b.product:
        return a.product == b.product
    if set(a.all_keys) == set(b.all_keys):
        return True
    first, second = (a, b) if a.start < b.start else (b, a)
    between = text[first.end : second.start]
    return (
        bool(first.product)
        and not second.product
        and set(second.all_keys) <= set(first.all_keys)
        and between.count("(") > between.count(")")
    )


def _order_mentions(ctx: CheckContext) -> list[tuple[str, DrugMention]]:
    out = []
    for med in ctx.patient.medications if ctx.patient else []:
        if not getattr(med, "current", True):
            continue
        for m in kb.find_mentions(lexicon.fold(med.text))[:1]:
            out.append((med.text, m))
    return out


def check(ctx: CheckContext) -> list[Finding]:
    text = ctx.text
    orders = _order_mentions(ctx)
    mentions = [m for m in ctx.mentions() if _suggested(ctx, m)]
    if not mentions:
        return []
    # a name of an order's own drug is the order, not a second suggestion (the orders are
    # compared with every suggestion below)
    pairable = [m for m in mentions if not any(_same_drug(m, o) for _t, o in orders)]
    out: list[Finding] = []
    seen: set[str] = set()
    for i, a in enumerate(pairable):
        for b in pairable[i + 1 :]:
            shared = [k for k in a.all_keys if k in b.all_keys and k != "ethanol" and _dosed(k)]
            if not shared or shared[0] in seen or _same_drug(a, b, text):
                continue
            if _EXCLUSIVE.search(text) or re.search(r"或|还是", text[a.end : b.start]):
                continue
            seen.add(shared[0])
            ing = kb.ingredient(shared[0])
            out.append(
                ctx.finding(
                    NAME,
                    "duplicate_ingredient",
                    "high",
                    f"“{a.name}”和“{b.name}”都含{ing.name_zh if ing else shared[0]}，"
                    "同时服用会重复用药、超过每日上限",
                    (a.start, b.end),
                    SOURCE,
                )
            )
    for order_text, o in orders:
        for m in mentions:
            shared = [k for k in m.all_keys if k in o.all_keys and k != "ethanol" and _dosed(k)]
            if not shared or shared[0] in seen or _same_drug(m, o) or _EXCLUSIVE.search(text):
                continue
            seen.add(shared[0])
            ing = kb.ingredient(shared[0])
            out.append(
                ctx.finding(
                    NAME,
                    "duplicate_with_order",
                    "high",
                    f"“{m.name}”与医嘱“{order_text}”都含{ing.name_zh if ing else shared[0]}，"
                    "同时服用会重复用药",
                    (m.start, m.end),
                    f"{SOURCE}; patient's active MedicationRequest",
                )
            )
    return out
