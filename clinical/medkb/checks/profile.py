"""Resolve a PatientContext's free-text lists to KB keys (conditions, allergy classes, meds)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from clinical.medkb.kb import KnowledgeBase
from clinical.medkb.normalize import name_key, norm

if TYPE_CHECKING:
    from clinical.medkb.api import PatientContext


@dataclass
class Profile:
    """What the checks need: age, pregnancy, and sets of keys resolved from free text."""

    age_years: float | None
    pregnant: bool
    pregnancy_weeks: float | None
    breastfeeding: bool
    conditions: set[str] = field(default_factory=set)  # condition keys
    allergy_classes: set[str] = field(default_factory=set)
    allergy_ingredients: set[str] = field(default_factory=set)
    medications: dict[str, str] = field(default_factory=dict)  # ingredient key -> as written
    unresolved_allergies: list[str] = field(default_factory=list)
    unresolved_medications: list[str] = field(default_factory=list)


def _match_terms(text: str, table: dict[str, dict]) -> set[str]:
    t = norm(text)
    k = name_key(text)
    out = set()
    for key, row in table.items():
        if any(norm(term) in t or name_key(term) == k for term in row["terms"] if term):
            out.add(key)
        codes = row.get("codes") or []
        for code in codes:
            c = code.lower()
            if (
                k == c
                or k.endswith("|" + c)
                or k.startswith(c)
                and k[len(c) : len(c) + 1]
                in (
                    "",
                    ".",
                )
            ):
                out.add(key)
    return out


def _code_token(text: str) -> str:
    """``system|code`` or a bare code → the code alone (lower case)."""
    return norm(text).strip().rsplit("|", 1)[-1]


def build_profile(kb: KnowledgeBase, ctx: PatientContext) -> Profile:
    from clinical.medkb import api

    p = Profile(
        age_years=ctx.age_years,
        pregnant=bool(ctx.pregnant),
        pregnancy_weeks=ctx.pregnancy_weeks,
        breastfeeding=bool(ctx.breastfeeding),
    )
    for c in ctx.conditions or []:
        p.conditions |= _match_terms(c, kb.conditions)
        code = _code_token(c)
        for key, row in kb.conditions.items():
            for cc in row.get("codes") or []:
                cc = cc.lower()
                if code == cc or (code.startswith(cc) and code[len(cc) : len(cc) + 1] == "."):
                    p.conditions.add(key)
    if "hypertension_uncontrolled" in p.conditions:
        p.conditions.add("hypertension")
    if "ckd_severe" in p.conditions:
        p.conditions.add("ckd")
    if "liver_severe" in p.conditions:
        p.conditions.add("liver_disease")
    if "aspirin_asthma" in p.conditions:
        p.conditions.add("asthma")
    for a in ctx.allergies or []:
        classes = _match_terms(a, kb.allergy_classes)
        keys = set(api.ingredients_of(a))
        for k in keys:
            classes |= kb.ingredients[k].allergy_classes
        p.allergy_classes |= classes
        p.allergy_ingredients |= keys
        if not classes and not keys:
            p.unresolved_allergies.append(a)
    for m in ctx.current_medications or []:
        keys = api.ingredients_of(m)
        for k in keys:
            p.medications.setdefault(k, m)
        if not keys:
            p.unresolved_medications.append(m)
    return p
