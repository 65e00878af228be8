"""Resolve a PatientContext's free-text lists to KB keys (conditions, allergy classes, meds)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from clinical.knowledge import conditions as kc
from clinical.knowledge.text import fold as norm
from clinical.medkb.kb import KnowledgeBase
from clinical.medkb.names import name_key

if TYPE_CHECKING:
    from clinical.medkb.api import PatientContext


# Explicit "no known allergy" entries (not an allergy to look up).
NO_ALLERGY = {
    "无",
    "没有",
    "否认",
    "否认药物过敏",
    "否认药物过敏史",
    "无过敏",
    "无药物过敏",
    "无已知过敏",
    "none",
    "nkda",
    "noknownallergies",
    "noknowndrugallergies",
}


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
    """Keys of ``table`` rows whose term occurs in ``text`` or whose code ``text`` is."""
    t = norm(text)
    k = name_key(text)
    code = _code_token(text)
    out = set()
    for key, row in table.items():
        if k in row["kterms"] or any(term in t for term in row["nterms"]):
            out.add(key)
            continue
        for c in row["ncodes"]:
            if code == c or (code.startswith(c) and code[len(c) : len(c) + 1] == "."):
                out.add(key)
                break
    return out


def _match_codes(text: str, table: dict[str, dict]) -> set[str]:
    """Keys of ``table`` rows whose code ``text`` is (I10, E11.9, ``system|code``)."""
    code = _code_token(text)
    out = set()
    for key, row in table.items():
        for c in row["ncodes"]:
            if code == c or (code.startswith(c) and code[len(c) : len(c) + 1] == "."):
                out.add(key)
                break
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
        # text through the one condition reader (a denial or a relative's is not the patient's:
        # 无高血压, 高血压家族史); a code (I10, system|code) through the table's codes
        p.conditions |= _match_codes(c, kb.conditions)
        p.conditions |= {k for k in kc.keys_for_text(c) if k in kb.conditions}
    # keys the shared patient context resolved (codes, lab-derived: eGFR < 60 → ckd)
    p.conditions |= {k for k in getattr(ctx, "condition_keys", ()) or () if k in kb.conditions}
    if "hypertension_uncontrolled" in p.conditions:
        p.conditions.add("hypertension")
    if "ckd_severe" in p.conditions:
        p.conditions.add("ckd")
    if "liver_severe" in p.conditions:
        p.conditions.add("liver_disease")
    if "aspirin_asthma" in p.conditions:
        p.conditions.add("asthma")
    for a in ctx.allergies or []:
        if name_key(a) in NO_ALLERGY:
            continue
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
