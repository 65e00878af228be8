"""Public API of the medication knowledge base (stable; other apps import only this module).

    from clinical.medkb import api
    p = api.resolve("芬必得")            # Product(name="芬必得", ingredients=[ibuprofen 300 mg], ...)
    api.ingredients_of("白加黑")         # ["paracetamol", "pseudoephedrine", ...]
    api.find_mentions("每天吃华法林3mg") # [Mention(start=3, end=6, kind="ingredient", key="warfarin")]
    ctx = api.PatientContext.from_record("demo-surgery")
    api.check_patient(["ibuprofen"], ctx)  # [Reason(code="interaction", severity="avoid", ...)]

Clinical invariants:
- nothing is guessed: an unresolvable name gives None / [] (use ``candidates`` to suggest);
- every Reason carries the source of the rule that produced it (curated CSV rows);
- ``check_patient`` never returns an empty list because data was missing: unknown
  allergies/medications are reported by ``profile_notes``.

The KB is built by ``manage.py build_drug_kb`` into ``var/medkb/`` and loaded once per
process on first use (built on the spot if the artifact is missing or stale).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from clinical.medkb.entities import Ingredient, IngredientAmount, Mention, Product, Reason
from clinical.medkb.kb import KnowledgeBase, get_kb
from clinical.medkb.normalize import (
    FORM_SUFFIX_RE,
    SALT_PREFIX_RE,
    find_strengths,
    name_key,
    name_variants,
    norm,
)

__all__ = [
    "Ingredient",
    "IngredientAmount",
    "Mention",
    "PatientContext",
    "Product",
    "Reason",
    "candidates",
    "check_patient",
    "check_text",
    "find_mentions",
    "ingredient",
    "ingredients_of",
    "kb",
    "resolve",
]


def kb() -> KnowledgeBase:
    """The loaded knowledge base (for advanced read-only use)."""
    return get_kb()


# --------------------------------------------------------------------------- names


def _product_for(kb_: KnowledgeBase, hit: tuple[int, str, str]) -> Product | None:
    _tier, kind, target = hit
    if kind == "product":
        return kb_.products.get(target)
    return kb_.ingredient_products.get(target)


def resolve(name: str) -> Product | None:
    """The product a patient means by ``name`` (product, brand, alias, English or ingredient
    name; traditional characters, full-width and a trailing strength are tolerated).

    A bare ingredient ("布洛芬", "盐酸二甲双胍片") gives a single-ingredient product with
    ``strength_mg=None``. Returns None rather than guessing.
    """
    if not name or not name.strip():
        return None
    return _resolve(get_kb().fingerprint, name)


# Name look-ups are pure functions of the name and the loaded KB, and hospitals look up the
# same formulary names all day (every order scheduled, every patient check): memoised, with
# the KB's fingerprint in the key (it changes with the KB's content).
_NAME_CACHE = 50_000


@lru_cache(maxsize=_NAME_CACHE)
def _resolve(_fingerprint: str, name: str) -> Product | None:
    kb_ = get_kb()
    variants = name_variants(name)
    for v in variants:
        hit = kb_.names.get(v)
        if hit:
            return _product_for(kb_, hit)
    # An ingredient name wrapped only in salt / dosage-form words: 盐酸二甲双胍缓释片.
    for v in variants:
        ms = _mentions_in(kb_, v)
        if len(ms) == 1:
            m = ms[0]
            pre, post = v[: m.start], v[m.end :]
            post = re.sub(r"[\d.]+(mg|g|ml|μg|ug)?", "", post)
            if SALT_PREFIX_RE.match(pre) and FORM_SUFFIX_RE.match(post):
                if m.kind == "ingredient":
                    return kb_.ingredient_products[m.key]
                if not pre and not post:
                    return kb_.products[m.key]
    return None


def candidates(name: str, n: int = 3) -> list[str]:
    """Up to ``n`` known names closest to ``name`` (character-bigram overlap), best first."""
    kb_ = get_kb()
    k = name_key(name or "")
    if not k:
        return []
    grams = {k[i : i + 2] for i in range(len(k) - 1)} or {k}
    scores: dict[str, int] = {}
    for g in grams:
        for cand in kb_.bigram_index.get(g, ()):
            scores[cand] = scores.get(cand, 0) + 1
    ranked = sorted(
        scores.items(),
        key=lambda kv: (
            -kv[1] / (len(grams) + max(len(kv[0]) - 1, 1) - kv[1]),  # Jaccard
            kb_.names[kv[0]][0],  # better tier first
            kv[0],
        ),
    )
    out: list[str] = []
    for key, _ in ranked:
        disp = kb_.display_names.get(key, key)
        if disp not in out:
            out.append(disp)
        if len(out) >= n:
            break
    return out


def ingredient(key_or_name: str) -> Ingredient | None:
    """A curated ingredient by key ("ibuprofen"), Chinese/English name or alias."""
    if not key_or_name:
        return None
    kb_ = get_kb()
    if key_or_name in kb_.ingredients:
        return kb_.ingredients[key_or_name]
    for v in name_variants(key_or_name):
        key = kb_.ingredient_names.get(v)
        if key:
            return kb_.ingredients[key]
    return None


def ingredients_of(name: str) -> list[str]:
    """Ingredient keys of a product or ingredient name; for free text such as
    "华法林钠片 3mg 口服" the ingredients of every drug mentioned. [] when nothing is known.
    Memoised per KB fingerprint."""
    if not name:
        return []
    return list(_ingredients_of(get_kb().fingerprint, name))


@lru_cache(maxsize=_NAME_CACHE)
def _ingredients_of(_fingerprint: str, name: str) -> tuple[str, ...]:
    ing = ingredient(name)
    if ing:
        return (ing.key,)
    product = resolve(name)
    if product is not None:
        return tuple(product.ingredient_keys)
    kb_ = get_kb()
    keys: list[str] = []
    for m in find_mentions(name):
        found = [m.key] if m.kind == "ingredient" else kb_.products[m.key].ingredient_keys
        keys.extend(k for k in found if k not in keys)
    return tuple(keys)


def _mentions_in(kb_: KnowledgeBase, text: str) -> list[Mention]:
    hits = []
    for end, (length, kind, target) in kb_.mention_automaton.iter(text):
        start = end - length + 1
        hits.append((start, end + 1, kind, target))
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    out: list[Mention] = []
    last = -1
    for start, end, kind, target in hits:
        if start >= last:
            out.append(Mention(start, end, text[start:end], kind, target))
            last = end
    return out


def find_mentions(text: str) -> list[Mention]:
    """Every drug name in ``text``, leftmost-longest and non-overlapping (Aho–Corasick over
    product, generic and ingredient names). Offsets index the original ``text``."""
    if not text:
        return []
    kb_ = get_kb()
    normed = norm(text)
    return [
        Mention(m.start, m.end, text[m.start : m.end], m.kind, m.key)
        for m in _mentions_in(kb_, normed)
    ]


def strengths_in(text: str) -> list[float]:
    """Mass strengths (mg) written in ``text`` ("0.5g" → 500.0)."""
    return [mg for _s, _e, mg in find_strengths(norm(text or ""))]


# --------------------------------------------------------------------------- patients


@dataclass
class PatientContext:
    """What the safety checks know about the patient. Free-text lists are resolved against
    the KB (conditions → condition keys, allergies → ingredients/allergy classes,
    current medications → ingredient keys); FHIR ``system|code`` strings are accepted
    in ``conditions`` (ICD-10 and SNOMED CT codes listed in ``data/conditions.csv``)."""

    age_years: float | None = None
    sex: str | None = None  # "male" | "female" | None
    weight_kg: float | None = None
    pregnant: bool = False
    pregnancy_weeks: float | None = None
    breastfeeding: bool = False
    conditions: list[str] = field(default_factory=list)
    allergies: list[str] = field(default_factory=list)
    current_medications: list[str] = field(default_factory=list)
    recent_surgery_days: float | None = None  # days since the latest surgery, if known

    @classmethod
    def from_record(cls, patient_id: str, today: date | None = None) -> PatientContext | None:
        """Build from the stored FHIR record (``ammed_fhir.store.patient_record``): age from
        birthDate, latest body weight (LOINC 29463-7), active Conditions, active
        AllergyIntolerances, active MedicationRequests. None if the patient is unknown.
        Callers must check access first (``ammed_fhir.access.require_patient``)."""
        from ammed_fhir import store

        record = store.patient_record(patient_id)
        if record is None:
            return None
        return cls.from_fhir(record, today=today)

    @classmethod
    def from_fhir(cls, record: Any, today: date | None = None) -> PatientContext:
        """As ``from_record`` but from an already loaded ``store.PatientRecord``."""
        from django.utils import timezone

        today = today or timezone.localdate()
        patient = record.patient
        age = None
        birth = patient.get("birthDate")
        if birth:
            try:
                parts = [int(x) for x in birth.split("-")] + [1, 1]
                b = date(parts[0], parts[1], parts[2])
                age = (today - b).days / 365.25
            except ValueError:
                age = None
        gender = patient.get("gender")
        sex = gender if gender in ("male", "female") else None

        def concept_texts(cc: dict | None) -> list[str]:
            if not cc:
                return []
            out = [cc["text"]] if cc.get("text") else []
            for c in cc.get("coding") or []:
                if c.get("display"):
                    out.append(c["display"])
                if c.get("code"):
                    out.append(f"{c.get('system', '')}|{c['code']}")
            return out

        def active(res: dict, field_name: str = "clinicalStatus") -> bool:
            codes = [c.get("code") for c in (res.get(field_name) or {}).get("coding") or []]
            return not codes or any(c in ("active", "recurrence", "relapse") for c in codes)

        conditions: list[str] = []
        pregnant = False
        breastfeeding = False
        for cond in record.conditions:
            if not active(cond):
                continue
            texts = concept_texts(cond.get("code"))
            joined = " ".join(texts).lower()
            if "77386006" in joined or "妊娠" in joined or "怀孕" in joined or "pregnan" in joined:
                pregnant = True
            if "哺乳" in joined or "breastfeeding" in joined or "lactat" in joined:
                breastfeeding = True
            conditions.extend(texts)
        allergies: list[str] = []
        for a in record.allergies:
            if active(a):
                allergies.extend(t for t in concept_texts(a.get("code")) if "|" not in t)
        meds: list[str] = []
        for mr in record.medication_requests:
            if mr.get("status") not in ("active", "on-hold", None):
                continue
            cc = mr.get("medicationCodeableConcept") or {}
            names = [t for t in concept_texts(cc) if "|" not in t]
            if names:
                meds.append(" ".join(names))
        surgery_days = None
        for proc in record.procedures:
            if proc.get("status") not in (None, "completed", "in-progress"):
                continue
            when = (
                proc.get("performedDateTime")
                or (proc.get("performedPeriod") or {}).get("end")
                or (proc.get("performedPeriod") or {}).get("start")
            )
            if isinstance(when, str) and len(when) >= 10:
                try:
                    d = date.fromisoformat(when[:10])
                except ValueError:
                    continue
                days = (today - d).days
                if days >= 0 and (surgery_days is None or days < surgery_days):
                    surgery_days = float(days)
        weight = None
        for obs in record.observations:
            codes = [c.get("code") for c in (obs.get("code") or {}).get("coding") or []]
            if "29463-7" in codes and (obs.get("valueQuantity") or {}).get("value") is not None:
                weight = float(obs["valueQuantity"]["value"])  # ordered by time: last wins
        return cls(
            age_years=round(age, 2) if age is not None else None,
            sex=sex,
            weight_kg=weight,
            pregnant=pregnant,
            breastfeeding=breastfeeding,
            conditions=list(dict.fromkeys(conditions)),
            allergies=list(dict.fromkeys(allergies)),
            current_medications=list(dict.fromkeys(meds)),
            recent_surgery_days=surgery_days,
        )


def check_patient(ingredient_keys: list[str], patient_context: PatientContext) -> list[Reason]:
    """Allergy, contraindication, interaction (with current medications), duplicate of a
    current medication, age, pregnancy and breastfeeding reasons for these ingredients.

    Unknown ingredient keys are ignored (the caller resolved them through this API).
    ``severity == "avoid"`` means do not take without a doctor; ``"caution"`` means usable
    with the stated care. Reasons are ordered by rule family, then ingredient.
    """
    from clinical.medkb.checks import run_all
    from clinical.medkb.checks.profile import build_profile

    kb_ = get_kb()
    keys = [k for k in dict.fromkeys(ingredient_keys) if k in kb_.ingredients]
    return run_all(kb_, keys, build_profile(kb_, patient_context))


def check_text(text: str, patient_context: PatientContext) -> list[tuple[Mention, list[Reason]]]:
    """Every drug mentioned in ``text`` with the patient-safety reasons for its ingredients
    (the output monitor's question: "does this message suggest something unsafe?")."""
    from clinical.medkb.checks import run_all
    from clinical.medkb.checks.profile import build_profile

    kb_ = get_kb()
    profile = build_profile(kb_, patient_context)
    out: list[tuple[Mention, list[Reason]]] = []
    for m in find_mentions(text):
        keys = [m.key] if m.kind == "ingredient" else kb_.products[m.key].ingredient_keys
        out.append((m, run_all(kb_, keys, profile)))
    return out


def profile_notes(patient_context: PatientContext) -> dict[str, list[str]]:
    """Allergies and medications in the context that the KB could not resolve (so a caller
    can say "we could not check X" instead of implying it is safe)."""
    from clinical.medkb.checks.profile import build_profile

    p = build_profile(get_kb(), patient_context)
    return {"allergies": p.unresolved_allergies, "medications": p.unresolved_medications}
