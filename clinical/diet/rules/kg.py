"""Lower-priority reasons from a loaded disease diet knowledge graph (``DiseaseDietEntry``).

忌吃 (avoid) rows for one of the patient's conditions give ``caution`` (never ``avoid``: the
data is crawled and unvalidated); 宜吃 rows give an ``ok`` note. A food listed both ways for the
same disease is contradictory and ignored.
"""

from __future__ import annotations

import time

from clinical.diet.context import PatientContext
from clinical.diet.foods import ResolvedFood
from clinical.diet.knowledge import KnowledgeBase
from clinical.diet.models import DiseaseDietEntry
from clinical.diet.rules import Finding

KG_TEXT = {
    DiseaseDietEntry.Relation.AVOID: "医学知识图谱中“{disease}”的忌吃食物包括{food}（仅供参考）。",
    DiseaseDietEntry.Relation.GOOD: "医学知识图谱中“{disease}”的宜吃食物包括{food}（仅供参考）。",
}
KG_ADVICE = {
    DiseaseDietEntry.Relation.AVOID: "知识图谱建议{disease}患者少吃{food}；该数据未经临床验证，请以医生意见为准。",
    DiseaseDietEntry.Relation.GOOD: "",
}


# Whether any KG rows are loaded, re-checked at most this often per process (saves a query
# per answer when the optional data set is absent; a fresh load shows up within this time).
KG_RECHECK_S = 60.0
_presence = {"checked_at": float("-inf"), "present": False}


def invalidate() -> None:
    """Forget the cached presence flag (the loader calls this after loading)."""
    _presence["checked_at"] = float("-inf")


def kg_loaded() -> bool:
    now = time.monotonic()
    if now - _presence["checked_at"] > KG_RECHECK_S:
        _presence["present"] = DiseaseDietEntry.objects.exists()
        _presence["checked_at"] = now
    return bool(_presence["present"])


def evaluate(food: ResolvedFood, ctx: PatientContext, kb: KnowledgeBase) -> list[Finding]:
    names_by_condition: dict[str, str] = {}
    for item in ctx.conditions:
        names_by_condition[item.text] = item.text
        if item.entry is not None:  # the canonical name, not every alias (痛风 is not 痛风石)
            names_by_condition.setdefault(item.entry.name_zh, item.text)
    if not names_by_condition or not food.text or not kg_loaded():
        return []
    rows = list(
        DiseaseDietEntry.objects.filter(
            disease__in=list(names_by_condition),
            food__in=list(food.names),
            relation__in=[DiseaseDietEntry.Relation.AVOID, DiseaseDietEntry.Relation.GOOD],
        ).values_list("disease", "food", "relation", "provenance")
    )
    seen: dict[tuple[str, str], set[str]] = {}
    for disease, food_name, relation, _ in rows:
        seen.setdefault((disease, food_name), set()).add(relation)
    out: list[Finding] = []
    for disease, food_name, relation, provenance in rows:
        if len(seen[(disease, food_name)]) > 1:
            continue  # listed as both 宜吃 and 忌吃: contradictory, ignore
        level = "caution" if relation == DiseaseDietEntry.Relation.AVOID else "ok"
        out.append(
            Finding(
                f"kg.{relation}",
                level,
                KG_TEXT[relation].format(disease=disease, food=food_name),
                names_by_condition[disease],
                provenance,
                KG_ADVICE[relation].format(disease=disease, food=food_name),
                "kg",
                "",
                names_by_condition[disease],
                priority=1,
            )
        )
    return out
