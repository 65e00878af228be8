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

from clinical.knowledge import drugs
from clinical.knowledge.text import fold
from clinical.medkb.entities import Ingredient, IngredientAmount, Mention, Product, Reason
from clinical.medkb.kb import KnowledgeBase, get_kb
from clinical.medkb.names import (
    FORM_SUFFIX_RE,
    SALT_PREFIX_RE,
    find_strengths,
    name_key,
    name_variants,
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
    if not keys:  # the shared vocabulary also reads short Latin names in free text (MTX 10mg)
        shared = drugs.ingredient_mentions(name) or drugs.resolve(name)
        keys = [k for k in shared if k in kb_.ingredients]
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
    product, generic and ingredient names). Offsets index the original ``text``. Latin names
    (MTX, SMZ-TMP, warfarin) are found by the shared vocabulary's finder, which reads them
    only as whole tokens (``clinical.knowledge.drugs.find_names``: colors holds no ORS)."""
    if not text:
        return []
    kb_ = get_kb()
    normed = fold(text)
    found = [
        Mention(m.start, m.end, text[m.start : m.end], m.kind, m.key)
        for m in _mentions_in(kb_, normed)
    ]
    for m in drugs.find_names(text):
        hit = kb_.names.get(name_key(m.name)) if m.name.isascii() else None
        if hit is None or any(f.start < m.end and m.start < f.end for f in found):
            continue
        _tier, kind, target = hit
        found.append(Mention(m.start, m.end, text[m.start : m.end], kind, target))
    return sorted(found, key=lambda m: m.start)


def strengths_in(text: str) -> list[float]:
    """Mass strengths (mg) written in ``text`` ("0.5g" → 500.0)."""
    return [mg for _s, _e, mg in find_strengths(fold(text or ""))]


# --------------------------------------------------------------------------- patients


@dataclass
class PatientContext:
    """What the safety checks know about the patient: medkb's view of the one shared
    ``clinical.knowledge.patient.PatientContext`` (built by ``from_record``/``from_knowledge``;
    inline requests go through the shared inline schema). Free-text lists are resolved against
    the KB (conditions → condition keys, allergies → ingredients/allergy classes, current
    medications → ingredient keys); FHIR ``system|code`` strings are accepted in
    ``conditions``. ``condition_keys`` are keys the shared layer already resolved (codes,
    lab-derived conditions such as eGFR < 60 → ckd)."""

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
    # operations within the surgery window: (days ago, wording, SNOMED CT codes); the shared
    # syndrome rules that name an operation (thyroid, abdominal, delivery…) read them
    surgeries: tuple[tuple[float, str, tuple[str, ...]], ...] = ()
    # current vital signs given inline (``clinical.knowledge.patient.VITALS`` keys → value)
    vitals: dict[str, float] = field(default_factory=dict)
    # the stored record's current vital signs: (VITALS key, value, Observation reference);
    # the guidance rules read them as inline vitals, and an inline reading of a kind wins
    recorded_vitals: tuple[tuple[str, float, str], ...] = ()
    condition_keys: frozenset[str] = frozenset()
    # counted although their verification status is unconfirmed/provisional/differential:
    # honoured like confirmed ones, and named wherever they decide an answer
    unconfirmed_allergies: list[str] = field(default_factory=list)
    unconfirmed_conditions: dict[str, frozenset[str]] = field(default_factory=dict)
    # #15 task E: Conditions and Encounters that open syndrome windows (a delivery, an inpatient
    # stay), as the shared evaluator reads them (days since; None: undated)
    episodes: tuple[Any, ...] = ()
    # condition keys the syndrome rules read through a window, not as current (a delivery coded
    # O82 is not a pregnancy now); the safety checks still read them
    not_current_keys: frozenset[str] = frozenset()
    syndrome_pregnant: bool | None = None  # None: as ``pregnant``

    @classmethod
    def from_record(cls, patient_id: str, today: date | None = None) -> PatientContext | None:
        """Build from the stored FHIR record through the shared builder
        (``clinical.knowledge.patient``). None if the patient is unknown. Callers must check
        access first (``ammed_fhir.access.require_patient``)."""
        from clinical.knowledge.patient import context_records

        record = context_records([patient_id]).get(patient_id)
        if record is None:
            return None
        return cls.from_fhir(record, today=today)

    @classmethod
    def from_fhir(cls, record: Any, today: date | None = None) -> PatientContext:
        """As ``from_record`` but from an already loaded ``store.PatientRecord``."""
        from clinical.knowledge.patient import build

        return cls.from_knowledge(build(record, now=_noon(today)))

    @classmethod
    def from_knowledge(cls, ctx: Any) -> PatientContext:
        """medkb's view of a shared ``clinical.knowledge.patient.PatientContext``: current
        orders and orders stopped within their washout are current medications (a
        cephalosporin stopped 5 days ago still reacts with alcohol)."""
        return cls(
            age_years=ctx.age_years,
            sex=ctx.sex if ctx.sex in ("male", "female") else None,
            weight_kg=ctx.weight_kg,
            pregnant=bool(ctx.pregnant),
            pregnancy_weeks=ctx.pregnancy_weeks,
            breastfeeding=bool(ctx.breastfeeding),
            conditions=list(dict.fromkeys(ctx.condition_texts)),
            allergies=list(dict.fromkeys(ctx.allergy_texts)),
            current_medications=list(dict.fromkeys(ctx.medication_texts)),
            recent_surgery_days=ctx.recent_surgery_days,
            surgeries=tuple(
                (_days_since(ctx, s.day), s.text, tuple(s.codes)) for s in ctx.surgeries
            ),
            vitals=dict(ctx.vitals),
            recorded_vitals=tuple((v.key, v.value, v.ref) for v in ctx.recorded_vitals),
            condition_keys=ctx.condition_keys,
            unconfirmed_allergies=[a.search_text for a in ctx.allergies if a.unconfirmed],
            unconfirmed_conditions={c.search_text: c.keys for c in ctx.conditions if c.unconfirmed},
            episodes=tuple(e.finding(ctx.today) for e in ctx.episodes),
            not_current_keys=ctx.condition_keys - ctx.syndrome_condition_keys,
            syndrome_pregnant=bool(ctx.syndrome_pregnant),
        )


def _days_since(ctx: Any, day: date) -> float:
    """Days from an operation to the context's date; the latest operation keeps the exact
    (possibly fractional) ``recent_surgery_days`` the context was given."""
    days = float((ctx.today - day).days) if ctx.today is not None else 0.0
    exact = ctx.recent_surgery_days
    return float(exact) if exact is not None and int(exact) == int(days) else days


def _noon(day: date | None) -> Any:
    """``day`` as an instant on the site's calendar (None: now)."""
    if day is None:
        return None
    from datetime import datetime, time

    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time(12)))


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


def unconfirmed_behind(
    ingredient_key: str, code: str, patient_context: PatientContext
) -> list[str]:
    """The unconfirmed allergies (``code == "allergy"``) or conditions (``"contraindication"``)
    of the context that on their own give this ingredient a reason of that code: the reason is
    honoured (never dropped) and these are named so a clinician can confirm or refute them."""
    out: list[str] = []
    if code == "allergy":
        for text in patient_context.unconfirmed_allergies:
            alone = PatientContext(allergies=[text])
            if any(r.code == code for r in check_patient([ingredient_key], alone)):
                out.append(text)
    elif code == "contraindication":
        for text, keys in patient_context.unconfirmed_conditions.items():
            alone = PatientContext(conditions=[text], condition_keys=keys)
            if any(r.code == code for r in check_patient([ingredient_key], alone)):
                out.append(text)
    return out


def unconfirmed_note(texts: list[str], code: str) -> str:
    """``（依据尚未确认的过敏史“青霉素”，仍按过敏处理，请医生核实）`` (empty for none)."""
    if not texts:
        return ""
    what = "过敏史" if code == "allergy" else "诊断"
    named = "、".join(f"“{t}”" for t in texts)
    kind = "过敏" if code == "allergy" else "该诊断"
    return f"（依据尚未确认的{what}{named}，仍按{kind}处理，请医生核实）"


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
