"""A dose reminder names only its order's drug (issue #16: sound-alike / look-alike swaps).

For a message of category ``reminder``, every drug the text names must be one of the
patient's orders (its ingredient keys), or the ``structured`` drug of the reminder when it
has one; a drug named that is neither (左氨氯地平 for an 氨氯地平 order, a psychiatric drug for
an antiplatelet order) and a product the KB knows without ingredients (nothing to compare)
hold (high). Drugs advised against ("不要同时服用布洛芬") are not named as the dose.
"""

from __future__ import annotations

from clinical.monitor import kb, lexicon
from clinical.monitor.checks._text import _statement_only, advised_against, while_on
from clinical.monitor.types import CheckContext, Finding

NAME = "source_drug"
NEEDS_KB = True
SOURCE = (
    "ISMP List of Confused Drug Names; 中国药学会 易混淆药品名称 (look-alike/sound-alike); "
    "AM-Med safety policy: a reminder equals its order"
)


def _source_keys(ctx: CheckContext) -> set[str] | None:
    keys: set[str] = set()
    s = ctx.structured if isinstance(ctx.structured, dict) else {}
    drug = s.get("drug") or s.get("medication")
    if isinstance(drug, str) and drug:
        keys |= {k for m in kb.find_mentions(lexicon.fold(drug)) for k in m.all_keys}
        if not keys and (key := kb.resolve(drug)):
            keys.add(key)
    for med in ctx.patient.medications if ctx.patient else []:
        if getattr(med, "current", True):
            keys |= {k for m in kb.find_mentions(lexicon.fold(med.text))[:1] for k in m.all_keys}
    return keys


def check(ctx: CheckContext) -> list[Finding]:
    if ctx.category != "reminder":
        return []
    text = ctx.text
    allowed = _source_keys(ctx)
    out: list[Finding] = []
    for m in ctx.mentions():
        if set(m.all_keys) & allowed:
            continue
        if (
            advised_against(text, m.start, m.end, ctx.mentions())
            or _statement_only(text, m)
            or while_on(text, m.start, m.end)
        ):
            continue
        out.append(
            ctx.finding(
                NAME,
                "drug_not_ordered",
                "high",
                f"提醒中的药品“{m.name}”不是医嘱药品，可能是音似/形似药名混淆，请核对",
                (m.start, m.end),
                SOURCE,
            )
        )
    for start, end, name in kb.unresolved_products(text):
        if any(m.start <= start < m.end for m in ctx.mentions()):
            continue
        out.append(
            ctx.finding(
                NAME,
                "drug_not_ordered",
                "high",
                f"提醒中的药品“{name}”无法与医嘱核对（知识库无其成分），请核对",
                (start, end),
                SOURCE,
            )
        )
    return out
