"""A suggested drug against the patient's allergies, current orders (interactions) and
conditions (contraindications). Drugs the patient is already prescribed were decided by a
clinician: for them only a low, non-holding note is recorded."""

from __future__ import annotations

from clinical.monitor import kb, lexicon
from clinical.monitor.checks._orders import ordered
from clinical.monitor.checks._text import negated
from clinical.monitor.types import CheckContext, Finding

NAME = "allergy_interaction"
NEEDS_KB = True


def check(ctx: CheckContext) -> list[Finding]:
    if ctx.patient is None:
        return []
    text = ctx.text
    orders = ordered(ctx)
    patient_classes = kb.allergy_classes(ctx.patient.allergies)
    ordered_ings = [i for i in (kb.ingredient(k) for k in orders) if i is not None]
    out: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for mention in ctx.mentions():
        ing = kb.ingredient(mention.key)
        if ing is None or negated(text, mention.start):
            continue
        if text[mention.end : mention.end + 4].lstrip("类药物").startswith("过敏"):
            continue  # "对青霉素过敏": stating the allergy, not suggesting the drug
        span = (mention.start, mention.end)
        is_ordered = ing.key in orders
        for rule in kb.cross_reactivity(patient_classes, ing):
            if ("allergy", ing.key) in seen:
                break
            seen.add(("allergy", ing.key))
            out.append(
                ctx.finding(
                    NAME,
                    "allergy_ordered" if is_ordered else "allergy",
                    "low" if is_ordered else rule.severity,
                    f"{ing.name_zh}: {rule.explanation}"
                    + ("（医生已开具，仅提示）" if is_ordered else ""),
                    span,
                    rule.source,
                )
            )
        if is_ordered:
            continue
        for other in ordered_ings:
            if other.key == ing.key:
                continue
            for rule in kb.interactions(ing, other):
                if ("ddi", ing.key + other.key) in seen:
                    continue
                seen.add(("ddi", ing.key + other.key))
                out.append(
                    ctx.finding(
                        NAME,
                        "interaction",
                        rule.severity,
                        f"{ing.name_zh}与患者正在服用的{other.name_zh}: {rule.explanation}",
                        span,
                        rule.source,
                    )
                )
        for rule in kb.contraindications(ing, [lexicon.fold(c) for c in ctx.patient.conditions]):
            if ("ci", ing.key) in seen:
                continue
            seen.add(("ci", ing.key))
            out.append(
                ctx.finding(
                    NAME,
                    "contraindication",
                    rule.severity,
                    f"{ing.name_zh}: {rule.explanation}",
                    span,
                    rule.source,
                )
            )
    return out
