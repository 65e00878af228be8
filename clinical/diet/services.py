"""Diet consultation: can this patient eat or drink this food, given their record?

Clinical invariants (the contract of ``consult``):
- ``avoid`` when any curated rule says avoid (allergy, drug–food, disease–food); avoid wins.
- ``caution`` for limits, timing and consistency rules, and for a 忌吃 row of the loaded
  knowledge graph (lower priority: it never makes ``avoid``).
- ``ok`` only when the food resolves completely in the lexicon AND every medicine, condition
  and food allergy in the context resolved AND nothing argues against it. It never says ``ok``
  because it knows nothing: otherwise the verdict is ``unknown``.
- Every reason names what it comes from (``because``) and its source.
- The advice gives each instruction once: rules that each say it (不要饮酒 for a cephalosporin,
  for paracetamol and after an operation) are said in one line with every rule's time span
  (``one_instruction``); every rule stays a reason with its source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module
from typing import Any

from django.utils import timezone

from clinical.diet.context import PatientContext, from_payload, from_record, with_names
from clinical.diet.foods import ResolvedFood, resolve_food
from clinical.diet.knowledge import KnowledgeBase, get_kb
from clinical.diet.question import parse_question
from clinical.diet.rules import FAMILIES, Finding

VERDICTS = ("avoid", "caution", "unknown", "ok")  # most to least restrictive
_DRINK_HINTS = ("酒", "汁", "茶", "水", "浆", "饮", "咖啡", "可乐", "汽水", "奶")
_FAMILY_MODULES = [import_module(path) for path in FAMILIES]


@dataclass
class FoodVerdict:
    food: ResolvedFood
    verdict: str
    findings: list[Finding]
    advice: list[str]


@dataclass
class DietAnswer:
    """The API answer. ``reasons`` are pruned, deduplicated findings, most severe first."""

    food: str | None
    verdict: str
    reasons: list[Finding]
    advice: str
    sources: list[str]
    food_categories: list[str] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)
    unresolved: dict[str, list[str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "food": self.food,
            "verdict": self.verdict,
            "reasons": [f.as_reason() for f in self.reasons],
            "advice": self.advice,
            "sources": self.sources,
            "food_categories": self.food_categories,
            "context": self.context,
            "unresolved": self.unresolved,
        }


def _verb(food: str) -> str:
    if food.endswith("奶酪") or food.endswith("奶片"):
        return "吃"
    return "喝" if any(h in food for h in _DRINK_HINTS) else "吃"


def _merge_same_code(findings: list[Finding]) -> list[Finding]:
    merged: dict[str, Finding] = {}
    for f in findings:
        if f.code in merged:
            prev = merged[f.code]
            if f.because not in prev.because.split("、"):
                merged[f.code] = Finding(
                    **{**prev.__dict__, "because": f"{prev.because}、{f.because}"}
                )
        else:
            merged[f.code] = f
    return list(merged.values())


def prune(findings: list[Finding], kb: KnowledgeBase) -> list[Finding]:
    """Keep the most specific finding per subject; drop notes contradicted for the same subject."""
    keep: list[Finding] = []
    for f in findings:
        overridden = False
        for g in findings:
            if g is f or g.subject != f.subject or g.family != f.family or not f.food_category:
                continue
            if kb.is_descendant(g.food_category, f.food_category):
                overridden = True  # 啤酒 rule beats the general alcohol rule for gout
            elif (
                g.food_category == f.food_category and g.ingredient_level and not f.ingredient_level
            ):
                overridden = True  # felodipine's own rule beats the dihydropyridine class rule
            if overridden:
                break
        if overridden:
            continue
        if f.level == "ok" and any(
            g.subject == f.subject and g.level != "ok" for g in findings if g is not f
        ):
            continue  # "yoghurt is fine" must not sit next to "milk: caution" for one condition
        if f.level == "caution" and any(
            g.subject == f.subject and g.level == "avoid" and g.family == f.family for g in findings
        ):
            continue  # gout: "avoid seafood" already says it; "moderate purines" would blur it
        keep.append(f)
    curated_subjects = {f.subject for f in keep if f.family == "disease"}
    keep = [f for f in keep if not (f.family == "kg" and f.subject in curated_subjects)]
    specific = [f for f in keep if f.level != "ok" and not f.code.startswith("general.")]
    if specific:
        keep = [f for f in keep if not f.code.startswith("general.")]
    order = {"avoid": 0, "caution": 1, "ok": 2}
    keep.sort(key=lambda f: (f.priority, order[f.level]))
    return _merge_same_code(keep)


def judge(food_text: str, ctx: PatientContext, kb: KnowledgeBase) -> FoodVerdict:
    """The verdict for one food against one context."""
    food = resolve_food(food_text, kb)
    findings: list[Finding] = []
    for module in _FAMILY_MODULES:
        if food.resolved or module.__name__.endswith(".kg"):
            findings.extend(module.evaluate(food, ctx, kb))
    findings = prune(findings, kb)
    levels = {f.level for f in findings if f.priority == 0}
    kg_levels = {f.level for f in findings if f.priority > 0}
    unresolved = ctx.unresolved()
    name = food.text
    verb = _verb(name)
    advice: list[str] = []
    if "avoid" in levels:
        verdict = "avoid"
        advice.append(f"不建议{verb}{name}。")
    elif "caution" in levels or "caution" in kg_levels:
        verdict = "caution"
        advice.append(f"{name}需要注意：")
    elif not food.resolved:
        verdict = "unknown"
        advice.append(
            f"暂时无法识别“{name}”，无法判断能否{verb}。请换一种常见的叫法再问，或咨询医生、药师。"
        )
    elif not food.complete:
        verdict = "unknown"
        known = "、".join(food.surfaces)
        advice.append(
            f"“{name}”中我们只认出了{known}，其余成分无法判断，暂不能确定是否可以{verb}；"
            "请咨询医生或营养师。"
        )
    elif unresolved["medicines"] or unresolved["conditions"] or unresolved["allergies"]:
        verdict = "unknown"
        parts = unresolved["medicines"] + unresolved["conditions"] + unresolved["allergies"]
        advice.append(
            f"您记录中的{'、'.join(parts)}不在我们的知识库中，无法排除它与{name}的关系，"
            "暂不能确定是否可以" + verb + "；请咨询医生或药师。"
        )
    else:
        verdict = "ok"
        advice.append(f"根据您提供的情况，没有发现需要避免的原因，可以适量{verb}{name}。")
    for f in findings:
        # With an avoid verdict only the avoid rules speak: a caution rule's "如果喝，偶尔少量"
        # would contradict them (its reason is still listed in ``reasons``).
        if verdict == "avoid" and f.level != "avoid":
            continue
        if f.advice and (verdict != "ok" or f.level == "ok") and f.advice not in advice:
            advice.append(f.advice)
    if verdict in ("avoid", "caution") and (unresolved["medicines"] or unresolved["conditions"]):
        parts = unresolved["medicines"] + unresolved["conditions"]
        advice.append(f"另外，{'、'.join(parts)}不在我们的知识库中，请同时咨询医生或药师。")
    return FoodVerdict(food, verdict, findings, advice)


# An advice line that opens with an instruction: when it applies (its time span: 服药期间,
# 术后恢复期（…）), the instruction (不要饮酒), and what follows it (或含酒精的饮料, ，也不要…).
_INSTRUCTION = re.compile(r"(?P<when>[^，,。；;]*?)(?P<say>不要[^，,。；;、或及和与]+)(?P<rest>.*)")
_MORE_OF_THE_SAME = ("或", "及", "和", "与")


def one_instruction(advice: list[str]) -> list[str]:
    """``advice`` with each instruction said once. Lines that open with the same instruction
    (``_INSTRUCTION``: "用药期间及停药后至少7天内不要饮酒，也不要…", "服药期间不要饮酒或含酒精的
    饮料。", "术后恢复期（至少到复查医生同意前）不要饮酒。") become one line at the first one's
    place, keeping every time span and every word that follows: "用药期间及停药后至少7天内、服药
    期间、术后恢复期（至少到复查医生同意前）都不要饮酒或含酒精的饮料，也不要…". A line with no
    time span makes the instruction hold always. Other lines are kept as they are."""
    parsed = [_INSTRUCTION.fullmatch(line.strip()) for line in advice]
    by_say: dict[str, list[int]] = {}
    for i, m in enumerate(parsed):
        if m is not None:
            by_say.setdefault(m["say"], []).append(i)
    out: list[str] = []
    for i, line in enumerate(advice):
        m = parsed[i]
        group = by_say.get(m["say"], []) if m is not None else []
        if len(group) < 2:
            out.append(line)
            continue
        if i != group[0]:
            continue  # said in the group's first line
        matches = [parsed[j] for j in group]
        spans = list(dict.fromkeys(x["when"] for x in matches if x is not None))
        more: list[str] = []
        after: list[str] = []
        for x in matches:
            rest = (x["rest"] if x is not None else "").rstrip("。")
            if not rest:
                continue
            (more if rest.startswith(_MORE_OF_THE_SAME) else after).append(rest)
        when = "" if "" in spans else "、".join(spans) + "都"
        out.append(f"{when}{m['say']}{''.join(dict.fromkeys(more))}{''.join(after)}。")
    return out


def _context_summary(ctx: PatientContext) -> dict[str, Any]:
    return {
        "medicines": [
            {
                "name": m.because,
                "ingredients": list(m.resolved.ingredients) if m.resolved else [],
                "classes": sorted(m.resolved.classes) if m.resolved else [],
            }
            for m in ctx.medicines
        ],
        "conditions": [
            {"name": c.text, "key": c.entry.key if c.entry else None} for c in ctx.conditions
        ],
        "allergies": [
            {
                "name": a.text,
                "allergen": a.allergen.key
                if a.allergen
                else (a.food.name if a.food else ("non-food" if a.non_food else None)),
            }
            for a in ctx.allergies
        ],
    }


def consult(
    *,
    food: str | None = None,
    question: str | None = None,
    patient: dict[str, Any] | None = None,
    record: Any | None = None,
    today: date | None = None,
) -> DietAnswer:
    """Answer one diet question from the context (record and/or ``patient``) and the KB."""
    kb = get_kb()
    ctx = PatientContext()
    if record is not None:
        ctx = from_record(record, kb, today or timezone.localdate())
    if patient:
        extra = from_payload(patient, kb)
        ctx.medicines += extra.medicines
        ctx.conditions += extra.conditions
        ctx.allergies += extra.allergies
    foods: list[str] = [food.strip()] if food and food.strip() else []
    if question:
        parsed = parse_question(question, kb)
        ctx = with_names(
            ctx,
            medicines=parsed.medicines,
            conditions=parsed.conditions,
            allergies=parsed.allergies,
            kb=kb,
        )
        if not foods:
            foods = parsed.foods
    summary = _context_summary(ctx)
    if not foods:
        return DietAnswer(
            food=None,
            verdict="unknown",
            reasons=[],
            advice="没有从您的问题中识别出要问的食物或饮品，请换个说法，例如：“吃头孢能喝酒吗？”",
            sources=[],
            context=summary,
            unresolved=ctx.unresolved(),
        )
    verdicts = [judge(f, ctx, kb) for f in foods]
    verdict = min((v.verdict for v in verdicts), key=VERDICTS.index)
    reasons: list[Finding] = []
    advice: list[str] = []
    for v in verdicts:
        reasons.extend(r for r in v.findings if r not in reasons)
        advice.extend(a for a in v.advice if a not in advice)
    sources = list(dict.fromkeys(r.source for r in reasons))
    categories = sorted(
        {
            kb.categories[c].label_zh
            for v in verdicts
            for c in v.food.categories
            if c in kb.categories
        }
    )
    unresolved = ctx.unresolved()
    unresolved["foods"] = [v.food.text for v in verdicts if not v.food.complete]
    return DietAnswer(
        food="、".join(foods),
        verdict=verdict,
        reasons=reasons,
        advice="\n".join(one_instruction(advice)),
        sources=sources,
        food_categories=categories,
        context=summary,
        unresolved=unresolved,
    )
