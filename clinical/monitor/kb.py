"""The monitor's one door to drug knowledge (adapter).

KB-dependent checks call only this module. Backends (``settings.AMMED_MONITOR_KB``):

- ``medkb`` (``auto`` picks it when importable): the drug knowledge base ``clinical.medkb.api``
  answers names, mentions, classes, prescription status, adult OTC dose limits and the
  patient checks (allergy, contraindication, interaction, age, pregnancy);
- ``interim``: the shared drug tables of ``clinical.knowledge`` only (names, classes,
  interactions, contraindications, cross-reactivity; no CMeKG products), each row sourced.

Ingredients (classes, strengths, maxima) always come from ``clinical.knowledge.drugs``, the
one table medkb builds from too (issue #23). The OTC and prescription maxima are kept apart:
``Ingredient.limits("otc")`` for a drug the patient would take on their own,
``limits("rx")`` for a drug the patient is prescribed.
- ``off``: no KB: every KB-dependent check holds.

Invariant: when the configured KB cannot be loaded every call raises ``KBUnavailable``;
the engine turns that into a holding finding (fail closed), never into a release.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TypeVar

from django.conf import settings

from clinical.knowledge import conditions as knowledge_conditions
from clinical.knowledge import drugs as knowledge
from clinical.monitor import lexicon

T = TypeVar("T")


class KBUnavailable(RuntimeError):
    """The drug knowledge base cannot answer; KB-dependent checks must hold."""


@dataclass(frozen=True)
class DrugMention:
    """A known drug named in (normalised) text at ``[start, end)``: its ingredient keys
    (``key`` is the first) and, for a product with one ingredient, its unit strength."""

    start: int
    end: int
    name: str
    key: str
    keys: tuple[str, ...] = ()
    strength_mg: float | None = None
    # the product named ("" when the name is an ingredient's own): two different products
    # with a shared ingredient are a duplicate, a product and its ingredient are one drug
    product: str = ""

    @property
    def all_keys(self) -> tuple[str, ...]:
        return self.keys or (self.key,)


@dataclass(frozen=True)
class Ingredient:
    """Dose limits and classes of one ingredient. Limits are adult oral, in mg; None = none set.
    ``max_*`` are the self-care (OTC) limits, ``rx_max_*`` those of a prescription."""

    key: str
    name_zh: str
    rx_only: bool
    classes: frozenset[str]
    allergy_classes: frozenset[str]
    strengths_mg: tuple[float, ...]
    max_single_mg: float | None
    max_daily_mg: float | None
    source: str
    rx_max_single_mg: float | None = None
    rx_max_daily_mg: float | None = None
    rx_source: str = ""

    def limits(self, setting: str) -> tuple[float | None, float | None, str]:
        """(single, daily, source) in ``setting`` ("otc" or "rx")."""
        if setting == "rx":
            return self.rx_max_single_mg, self.rx_max_daily_mg, self.rx_source
        return self.max_single_mg, self.max_daily_mg, self.source


@dataclass(frozen=True)
class Rule:
    """An interaction or contraindication row."""

    severity: str
    explanation: str
    source: str


def _mode() -> str:
    return getattr(settings, "AMMED_MONITOR_KB", "auto")


@cache
def _medkb():
    try:
        return importlib.import_module("clinical.medkb.api")
    except ImportError:
        return None


def backend() -> str:
    """Which KB answers: "medkb" or "interim"; raises KBUnavailable when none can."""
    mode = _mode()
    if mode == "off":
        raise KBUnavailable("drug knowledge base switched off (AMMED_MONITOR_KB=off)")
    if mode == "interim":
        return "interim"
    if _medkb() is None:
        if mode == "medkb":
            raise KBUnavailable("clinical.medkb.api is not installed")
        return "interim"
    return "medkb"


def _api():
    """The medkb API module, loaded (raises KBUnavailable when it cannot load its data)."""
    api = _medkb()
    try:
        api.kb()
    except Exception as exc:  # a missing/corrupt artifact must hold, not release
        raise KBUnavailable(f"clinical.medkb could not load: {type(exc).__name__}") from exc
    return api


def _split(value: str) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


def _num(value: str) -> float | None:
    value = (value or "").strip()
    return float(value) if value else None


def _from_knowledge(key: str) -> Ingredient | None:
    ing = knowledge.ingredient(key)
    if ing is None:
        return None
    otc = knowledge.max_dose(key, "otc")
    rx = knowledge.max_dose(key, "rx")
    return Ingredient(
        key=ing.key,
        name_zh=ing.name_zh,
        rx_only=ing.rx_only,
        classes=knowledge.classes_of(key),
        allergy_classes=ing.allergy_classes,
        strengths_mg=ing.strengths_mg,
        max_single_mg=otc.max_single_mg if otc else None,
        max_daily_mg=otc.max_daily_mg if otc else None,
        source=otc.source if otc else ing.source,
        rx_max_single_mg=rx.max_single_mg if rx else None,
        rx_max_daily_mg=rx.max_daily_mg if rx else None,
        rx_source=rx.source if rx else ing.source,
    )


@cache
def _ingredients() -> dict[str, Ingredient]:
    try:
        return {k: i for k in knowledge.ingredients() if (i := _from_knowledge(k)) is not None}
    except (OSError, KeyError, ValueError) as exc:
        raise KBUnavailable(f"drug knowledge tables unreadable: {exc}") from exc


@cache
def _alias_index() -> tuple[re.Pattern[str], dict[str, tuple[str, ...]]]:
    alias_to_keys: dict[str, tuple[str, ...]] = {}
    for name, keys in knowledge.name_index().items():
        folded = lexicon.fold(name)
        if len(folded) >= 2:
            alias_to_keys[folded] = keys
    parts = []
    for alias in sorted(alias_to_keys, key=len, reverse=True):
        esc = re.escape(alias)
        parts.append(rf"(?<![a-z]){esc}(?![a-z])" if alias.isascii() else esc)
    return re.compile("|".join(parts)), alias_to_keys


def find_mentions(text: str) -> tuple[DrugMention, ...]:
    """Known drugs named in normalised ``text``, in order, longest alias first (memoised per
    KB fingerprint, like every look-up here: a pure function of the text and the KB)."""
    return _memoised("mentions", text, lambda: tuple(_drop_likeness(text, _find_mentions(text))))


def _drop_likeness(text: str, found: list[DrugMention]) -> list[DrugMention]:
    """A name followed by 样 names an effect like the drug's, not the drug (双硫仑样反应 is a
    disulfiram-like reaction, 阿托品样作用 an atropine-like effect)."""
    return [m for m in found if not text.startswith("样", m.end)]


def _find_mentions(text: str) -> list[DrugMention]:
    if backend() == "medkb":
        api = _api()
        out = []
        kb_ = api.kb()
        for m in api.find_mentions(text):
            if m.kind == "ingredient":
                out.append(DrugMention(m.start, m.end, m.surface, m.key, (m.key,)))
                continue
            product = kb_.products.get(m.key)
            keys = tuple(product.ingredient_keys) if product else ()
            if not keys:
                continue
            strength = product.ingredients[0].strength_mg if len(keys) == 1 else None
            out.append(DrugMention(m.start, m.end, m.surface, keys[0], keys, strength, m.key))
        return _with_context_names(text, _with_bare_names(text, out))
    pattern, alias_to_keys = _alias_index()
    products = _interim_products()
    out = []
    for m in pattern.finditer(text):
        keys = alias_to_keys[m.group(0)]
        product = products.get(m.group(0), "")
        out.append(DrugMention(m.start(), m.end(), m.group(0), keys[0], keys, None, product))
    return out


@cache
def _interim_products() -> dict[str, str]:
    """Folded product name or alias → the product's name (the shared products table); an
    ingredient's own name stays the ingredient."""
    own = {lexicon.fold(n) for i in knowledge.ingredients().values() for n in i.names if n}
    out: dict[str, str] = {}
    for p in knowledge.products().values():
        for n in (p.name, *p.aliases):
            if lexicon.fold(n) not in own:
                out[lexicon.fold(n)] = p.name
    return out


# Dosage forms a product name ends with; the name without it is how people write it
# (酚麻美敏 for 酚麻美敏片, 复方氨酚烷胺 for 复方氨酚烷胺胶囊).
_FORMS = re.compile(
    r"(?:缓释|控释|肠溶|分散|泡腾|咀嚼|含|口腔崩解)?(?:片|胶囊|软胶囊|颗粒|冲剂|口服液|口服溶液"
    r"|混悬液|混悬滴剂|滴剂|糖浆|注射液|滴丸|丸)$"
)


@cache
def _bare_names() -> tuple[re.Pattern[str] | None, dict[str, tuple[str, str, tuple[str, ...]]]]:
    """Product names of the shared products table without their dosage form (≥ 3
    characters, not otherwise a known name): bare name → (product, name, ingredient keys)."""
    index = knowledge.name_index()
    known = {lexicon.fold(n) for n in index}
    bare: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    for p in knowledge.products().values():
        if not p.ingredient_keys:
            continue
        for n in (p.name, *p.aliases):
            folded = lexicon.fold(n)
            stem = _FORMS.sub("", folded)
            if stem == folded or len(stem) < 3 or stem in known or stem.isascii():
                continue
            if any(stem.startswith(k) for k in known if len(k) >= 2):
                continue  # 泰诺林口服, 美林布洛芬: a known name plus a word, not a new name
            bare.setdefault(stem, (p.name, stem, p.ingredient_keys))
    if not bare:
        return None, {}
    alternation = "|".join(re.escape(b) for b in sorted(bare, key=len, reverse=True))
    return re.compile(alternation), bare


def _with_bare_names(text: str, found: list[DrugMention]) -> list[DrugMention]:
    """``found`` plus products named without their dosage form (酚麻美敏, 复方氨酚烷胺)."""
    pattern, bare = _bare_names()
    if pattern is None:
        return found
    extra = []
    for m in pattern.finditer(text):
        # leftmost-longest: a shorter name inside it (伪麻 in 氨酚伪麻美芬) gives way
        inside = [d for d in found if m.start() <= d.start and d.end <= m.end()]
        if any(d.start < m.end() and m.start() < d.end for d in found if d not in inside):
            continue
        found = [d for d in found if d not in inside]
        product, name, keys = bare[m.group(0)]
        extra.append(DrugMention(m.start(), m.end(), name, keys[0], keys, None, product))
    if not extra:
        return found
    return sorted([*found, *extra], key=lambda d: d.start)


# Names the KB resolves but does not look for in running text because they are also everyday
# words (``clinical.knowledge.drugs.EVERYDAY_WORD_NAMES``: 安定 = diazepam, 美林 = ibuprofen).
# In running text such a name is a drug in a drug context: a taking verb or an amount right
# before it (吃1片安定, 吃点安定, 半片安定) or a dosage form / strength right after it (安定片,
# 安定2.5mg).
_TAKING_BEFORE = re.compile(
    r"(?:吃|服|服用|口服|用|喂|给|来|加|吞|含)(?:了|点|些|上)?"
    r"(?:\d+(?:\.\d+)?|半|几)?(?:片|粒|颗|支|袋|mg)?的?$"
    r"|(?:\d+(?:\.\d+)?|半|几)(?:片|粒|颗|支|袋|mg)的?$"
)
_FORM_AFTER = re.compile(r"片|注射液|针|胶囊|口服液|混悬液|\d+(?:\.\d+)?(?:mg|g|片|粒)")


@cache
def _context_names() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(folded name, ingredient keys) of the everyday-word drug names of the shared layer."""
    out = []
    for word in sorted(knowledge.EVERYDAY_WORD_NAMES, key=len, reverse=True):
        keys = knowledge.resolve(word)
        if keys:
            out.append((lexicon.fold(word), tuple(keys)))
    return tuple(out)


def _with_context_names(text: str, found: list[DrugMention]) -> list[DrugMention]:
    """``found`` plus the everyday-word drug names of ``text`` that stand in a drug context."""
    extra: list[DrugMention] = []
    for word, keys in _context_names():
        for m in re.finditer(re.escape(word), text):
            start, end = m.span()
            if any(d.start < end and start < d.end for d in [*found, *extra]):
                continue
            before = text[max(0, start - 8) : start]
            if _TAKING_BEFORE.search(before) or _FORM_AFTER.match(text, end):
                product = _interim_products().get(word, "")
                extra.append(DrugMention(start, end, word, keys[0], keys, None, product))
    if not extra:
        return found
    return sorted([*found, *extra], key=lambda d: d.start)


def product_strengths(product: str) -> dict[str, float]:
    """Ingredient key → mg per unit of a product (empty when unknown or not a product)."""
    if not product:
        return {}
    return _memoised("strengths", product, lambda: _product_strengths(product))


def _product_strengths(product: str) -> dict[str, float]:
    if backend() == "medkb":
        found = _api().kb().products.get(product)
        amounts = [(a.key, a.strength_mg) for a in found.ingredients] if found else []
    else:
        found = knowledge.products().get(product)
        amounts = list(found.ingredients) if found else []
    return {k: float(mg) for k, mg in amounts if mg}


def unresolved_products(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, name) of product names in normalised ``text`` that the KB knows WITHOUT
    their ingredients (nothing to check them against; ``find_mentions`` leaves them out)."""
    return _memoised("unresolved", text, lambda: tuple(_unresolved_products(text)))


def _unresolved_products(text: str) -> list[tuple[int, int, str]]:
    if backend() != "medkb":
        return []
    api = _api()
    kb_ = api.kb()
    out = []
    for m in api.find_mentions(text):
        if m.kind == "ingredient":
            continue
        product = kb_.products.get(m.key)
        # two-character names of the mined product graph are mostly everyday words (天可 in
        # 每天可以): only names of three characters or more count here
        if (product is None or not product.ingredient_keys) and m.end - m.start >= 3:
            out.append((m.start, m.end, m.surface))
    return out


_MEMO: dict[tuple[str, str, str], object] = {}


def fingerprint() -> str:
    """Which KB content answers now: the loaded medkb artifact's fingerprint, or "interim"
    (the fixed sourced tables). Raises KBUnavailable like every look-up."""
    return _api().kb().fingerprint if backend() == "medkb" else "interim"


def _memoised(kind: str, name: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per (kind, loaded KB, name): lookups are pure functions of the KB,
    and the KB's fingerprint changes with its content (the interim tables are fixed)."""
    key = (kind, fingerprint(), name)
    if key not in _MEMO:
        if len(_MEMO) > 100_000:
            _MEMO.clear()
        _MEMO[key] = compute()
    return _MEMO[key]  # type: ignore[return-value]


def resolve(name: str) -> str | None:
    """The ingredient key of a drug name (exact alias, or an alias contained in it)."""
    return _memoised("resolve", name, lambda: _resolve(name))


def _resolve(name: str) -> str | None:
    if backend() == "medkb":
        api = _api()
        ing = api.ingredient(name)
        if ing is not None:
            return ing.key
        product = api.resolve(name)
        if product is not None and product.ingredient_keys:
            return product.ingredient_keys[0]
        return None
    mentions = find_mentions(lexicon.fold(name))
    return mentions[0].key if mentions else None


def known_product(name: str) -> bool:
    """Whether the drug KB knows ``name`` as a product at all, ingredients or not (medkb holds
    products, many of them proprietary Chinese medicines, whose composition it lacks; its
    ``resolve`` is memoised)."""
    return backend() == "medkb" and _api().resolve(name) is not None


def ingredient(key: str) -> Ingredient | None:
    """The ingredient's classes and adult limits (medkb first, the sourced table as fallback)."""
    return _memoised("ingredient", key, lambda: _ingredient(key))


def _ingredient(key: str) -> Ingredient | None:
    backend()  # raises KBUnavailable when the configured KB cannot answer
    if backend() == "medkb":
        _api()
    return _ingredients().get(key)


@dataclass(frozen=True)
class PatientReason:
    """Why a suggested ingredient is unsafe for this patient (from the KB's patient checks)."""

    code: str  # allergy | interaction | contraindication | age | pregnancy | breastfeeding
    severity: str  # high | medium
    explanation: str
    source: str


_REASON_CODES = {"allergy", "interaction", "contraindication", "age", "pregnancy", "breastfeeding"}


def patient_reasons(key: str, patient) -> list[PatientReason]:
    """Allergy / interaction / contraindication (and, with medkb, age and pregnancy) reasons
    against suggesting ingredient ``key`` to ``patient`` (a monitor PatientContext).

    Memoised on the context (``patient.memo``): a context lives for one check or one batch,
    so a KB reload is seen by the next batch."""
    memo_key = ("reasons", backend(), key)
    if memo_key not in patient.memo:
        patient.memo[memo_key] = tuple(_patient_reasons(key, patient))
    return list(patient.memo[memo_key])


def _severity(code: str, kb_severity: str) -> str:
    """The monitor severity of a KB patient reason: "avoid" holds (high); "caution" holds
    (medium) except for pregnancy and breastfeeding, where the KB's "caution" marks the
    usual choice used with care (paracetamol in pregnancy) and is noted (low), not held."""
    if kb_severity == "avoid":
        return "high"
    return "low" if code in ("pregnancy", "breastfeeding") else "medium"


def _patient_reasons(key: str, patient) -> list[PatientReason]:
    if backend() == "medkb":
        api = _api()
        ctx = api.PatientContext(
            age_years=patient.age_years,
            sex=patient.sex if patient.sex in ("male", "female") else None,
            conditions=list(patient.conditions),
            allergies=list(patient.allergies),
            current_medications=[m.name for m in patient.medications],
            weight_kg=getattr(patient, "weight_kg", None),
            pregnant=bool(getattr(patient, "pregnant", None)),
            pregnancy_weeks=getattr(patient, "pregnancy_weeks", None),
            breastfeeding=bool(getattr(patient, "breastfeeding", None)),
            unconfirmed_allergies=list(getattr(patient, "unconfirmed_allergies", ())),
            unconfirmed_conditions=dict(getattr(patient, "unconfirmed_conditions", {})),
        )
        out = [
            PatientReason(
                r.code,
                _severity(r.code, r.severity),
                r.text + api.unconfirmed_note(api.unconfirmed_behind(key, r.code, ctx), r.code),
                r.source,
            )
            for r in api.check_patient([key], ctx)
            if r.code in _REASON_CODES
        ]
        # the monitor's own sourced rows apply too (e.g. clopidogrel + omeprazole)
        have = {r.code for r in out}
        return out + [r for r in _interim_reasons(key, patient) if r.code not in have]
    return _interim_reasons(key, patient)


def _interim_reasons(key: str, patient) -> list[PatientReason]:
    ing = _ingredients().get(key)
    if ing is None:
        return []
    out = [
        PatientReason("allergy", r.severity, r.explanation, r.source)
        for r in cross_reactivity(allergy_classes(patient.allergies), ing)
    ]
    pattern, alias_to_keys = _alias_index()
    for med in patient.medications:
        for m in list(pattern.finditer(lexicon.fold(med.name)))[:1]:
            other = _ingredients().get(alias_to_keys[m.group(0)][0])
            if other is not None and other.key != ing.key:
                out += [
                    PatientReason(
                        "interaction", r.severity, f"与{other.name_zh}: {r.explanation}", r.source
                    )
                    for r in interactions(ing, other)
                ]
    conditions = [lexicon.fold(c) for c in patient.conditions]
    out += [
        PatientReason("contraindication", r.severity, r.explanation, r.source)
        for r in contraindications(ing, conditions)
    ]
    return out


def warm() -> None:
    """Load the configured KB now (so its one-off load is not charged to a check's budget)."""
    try:
        if backend() == "medkb":
            _api()
        _ingredients()
        _alias_index()
    except KBUnavailable:
        pass  # the KB-dependent checks will hold


_SEVERITY = {"avoid": "high", "caution": "medium"}


def _rule(r: knowledge.Rule) -> Rule:
    return Rule(_SEVERITY.get(r.severity, "high"), r.text_zh, r.source)


def interactions(a: Ingredient, b: Ingredient) -> list[Rule]:
    """Interaction rules between two ingredients (either order; shared knowledge table)."""
    return [_rule(r) for r in knowledge.interactions(a.key, b.key)]


def contraindications(ing: Ingredient, condition_texts: list[str]) -> list[Rule]:
    """Contraindication rules of ``ing`` matched by the patient's condition texts."""
    keys = knowledge_conditions.condition_keys(texts=condition_texts)
    return [_rule(r) for r in knowledge.contraindications(ing.key, keys)]


def allergy_classes(allergy_texts: list[str]) -> set[str]:
    """Allergy classes named by the patient's AllergyIntolerance texts (青霉素 → penicillin)."""
    return knowledge.allergy_classes_in(allergy_texts)


def cross_reactivity(patient_classes: set[str], ing: Ingredient) -> list[Rule]:
    """Rules saying ``ing`` is unsafe for a patient allergic to ``patient_classes``."""
    return [_rule(r) for r in knowledge.cross_reactivity(patient_classes, ing.key)]
