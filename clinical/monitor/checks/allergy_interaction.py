"""A suggested drug against the patient's allergies, current orders (interactions),
conditions (contraindications), age and pregnancy, as judged by the drug KB's patient checks.

Drugs the patient is already prescribed were decided by a clinician: for them only a low,
non-holding note is recorded. A drug named as the thing the patient is allergic to
("您对青霉素过敏") is a statement of the allergy, not a suggestion; a drug that is the object
of negative advice ("不要使用布洛芬", "布洛芬…会增加出血风险，不要自行服用") is a warning, not a
suggestion (``_text.advised_against``, fail-closed: any permissive wording in the sentence
keeps the finding).
"""

from __future__ import annotations

from clinical.monitor import kb
from clinical.monitor.checks._orders import ordered
from clinical.monitor.checks._source import caution_honoured
from clinical.monitor.checks._text import advised_against, class_statement
from clinical.monitor.types import CheckContext, Finding

NAME = "allergy_interaction"
NEEDS_KB = True


def check(ctx: CheckContext) -> list[Finding]:
    if ctx.patient is None:
        return []
    text = ctx.text
    orders = ordered(ctx)
    out: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for mention in ctx.mentions():
        if advised_against(text, mention.start, mention.end, ctx.mentions()):
            continue  # "不要使用布洛芬" / "布洛芬…会增加出血风险，不要自行服用"
        if class_statement(text, mention.start, mention.end):
            continue  # "阿莫西林属于青霉素类": the class of the drug named before it
        if text[mention.end : mention.end + 4].lstrip("类药物").startswith("过敏"):
            continue
        if text[max(0, mention.start - 3) : mention.start].endswith(("不含", "不含有")):
            continue  # "不含酒精的剂型": the substance is stated ABSENT (the product still checked)
        span = (mention.start, mention.end)
        for key in mention.all_keys:
            is_ordered = key in orders
            ing = kb.ingredient(key)
            name = ing.name_zh if ing else mention.name
            for reason in kb.patient_reasons(key, ctx.patient):
                if (reason.code, key) in seen:
                    continue
                seen.add((reason.code, key))
                if is_ordered and reason.code != "allergy":
                    continue  # interactions among the patient's own orders: the prescriber's call
                stated = (
                    not is_ordered
                    and reason.severity == "medium"
                    and caution_honoured(ctx, key, reason.explanation)
                )
                code = f"{reason.code}_ordered" if is_ordered else reason.code
                out.append(
                    ctx.finding(
                        NAME,
                        f"{code}_stated" if stated else code,
                        "low" if is_ordered or stated else reason.severity,
                        f"{name}: {reason.explanation}"
                        + ("（医生已开具，仅提示）" if is_ordered else "")
                        + (
                            "（与引擎结果一致并已告知患者，且剂量在条件之内，仅提示）"
                            if stated
                            else ""
                        ),
                        span,
                        reason.source,
                    )
                )
    return out
