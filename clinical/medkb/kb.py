"""The compiled medication knowledge base: build from CMeKG + curated CSVs, cache in var/.

Build inputs:
- the CMeKG graph shipped by PyPI ``PyCMeKG`` (``pyCMeKG/model/cmekg.pkl``, read in place);
- the shared drug and condition tables of ``clinical/knowledge/data/`` (ingredients,
  products, interactions, contraindications, allergy classes, conditions: issue #23) and
  medkb's own ``clinical/medkb/data/`` (which drug classes treat which symptom concept,
  guidance red-flag combinations, age restrictions, thresholds); every row sourced. Symptom
  words are the shared lexicon's (``clinical.knowledge.symptoms``): medkb has no term list.

The artifact ``<DATA_DIR>/medkb/kb-<fingerprint>.pickle`` is keyed by a fingerprint of
all inputs, so a build is idempotent and a stale artifact is never used. ``get_kb()``
loads it once per process (building it first when missing).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import ahocorasick

from clinical.knowledge import drugs as knowledge_drugs
from clinical.knowledge import symptoms as knowledge_symptoms
from clinical.knowledge.drugs import number, split
from clinical.knowledge.text import fold
from clinical.medkb.entities import Ingredient, IngredientAmount, Product
from clinical.medkb.names import (
    FORM_SUFFIX_RE,
    SALT_PREFIX_RE,
    find_strengths,
    name_key,
)

log = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data"
# Tables owned by the shared knowledge layer (issue #23); medkb keeps only its own.
SHARED = {
    "ingredients.csv",
    "products.csv",
    "interactions.csv",
    "contraindications.csv",
    "allergy_classes.csv",
    "allergy_cross_reactivity.csv",
    "conditions.csv",
}
BUILD_VERSION = "12"  # bump when the build logic changes

# Name tiers: lower wins when two products claim the same name.
TIER_CURATED, TIER_ENTITY, TIER_GENERIC, TIER_INGREDIENT, TIER_BRAND, TIER_ALIAS, TIER_EN = range(7)
MENTION_TIERS = {TIER_CURATED, TIER_ENTITY, TIER_GENERIC, TIER_INGREDIENT}

_DRUG_PREDICATES = ("成份", "OTC类型", "药品类型", "通用名", "用法用量", "规格", "商品名")
_NOT_DRUG = ("界", "入药部位", "常见症状", "ICD10", "就诊科室")
_ETHANOL_FORMS = re.compile(r"(水|酊|酒)$")
# Also common excipients/adjuvants: trusted from 成份 only when the product name names them.
_EXCIPIENT_PRONE = {
    "polyethylene_glycol",
    "simethicone",
    "sodium_bicarbonate",
    "calcium_carbonate",
    "aluminium_hydroxide",
    "magnesium_hydroxide",
    "vitamin_c",
    "lactulose",
}


@dataclass
class Rule:
    """One row of interactions.csv / contraindications.csv / allergy cross-reactivity."""

    a: str  # ingredient key or "class:<name>"
    b: str  # ingredient key, "class:<name>", or a condition key
    severity: str
    text: str
    source: str
    max_daily_mg: float | None = None


@dataclass
class KnowledgeBase:
    """Everything the guidance engine and the public API read; built once, then read-only."""

    fingerprint: str
    ingredients: dict[str, Ingredient]
    products: dict[str, Product]
    names: dict[str, tuple[int, str, str]]  # name_key -> (tier, kind, target)
    display_names: dict[str, str]  # name_key -> a human spelling
    mention_automaton: Any  # ahocorasick.Automaton over normalised names
    # treatment key (products' indications) -> {concepts: {concept: site}, classes, source}
    symptoms: dict[str, dict[str, Any]]
    conditions: dict[str, dict[str, Any]]  # key -> {name_zh, terms, codes, source}
    allergy_classes: dict[str, dict[str, Any]]  # key -> {name_zh, terms, source}
    cross_reactivity: list[Rule]  # a=allergy class of patient, b=allergy class of drug
    interactions: list[Rule]
    contraindications: list[Rule]  # a=ingredient/class, b=condition key
    thresholds: dict[str, float] = field(default_factory=dict)
    ingredient_names: dict[str, str] = field(default_factory=dict)  # name_key -> ingredient key
    ingredient_products: dict[str, Product] = field(default_factory=dict)  # bare ingredient
    stats: dict[str, Any] = field(default_factory=dict)
    bigram_index: dict[str, list[str]] = field(default_factory=dict)


# --------------------------------------------------------------------------- inputs


def read_data_csv(name: str) -> list[dict[str, str]]:
    """A medkb data table (``clinical/medkb/data``), cells stripped; a row without a source
    fails."""
    return _read_csv(name)


def _read_csv(name: str) -> list[dict[str, str]]:
    """A shared table of the knowledge layer or one of medkb's own, through the layer's one
    reader (cells stripped; a row without a source or with the wrong number of cells fails)."""
    return knowledge_drugs.read_csv(name, folder=knowledge_drugs.DATA if name in SHARED else DATA)


def graph_path() -> Path:
    """Where the installed PyCMeKG package keeps its pickled graph."""
    import importlib.util

    spec = importlib.util.find_spec("pyCMeKG")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("PyCMeKG is not installed (pip install -r requirements/medkb.txt)")
    return Path(next(iter(spec.submodule_search_locations))) / "model" / "cmekg.pkl"


def fingerprint() -> str:
    h = hashlib.sha256(BUILD_VERSION.encode())
    try:
        h.update(metadata.version("PyCMeKG").encode())
    except metadata.PackageNotFoundError:
        h.update(b"no-cmekg")
    # the shared symptom lexicon too: product indications are read through it
    shared = [*(knowledge_drugs.DATA / n for n in sorted(SHARED))]
    shared += sorted(knowledge_drugs.DATA.glob("symptom_*.csv"))
    for p in sorted([*DATA.glob("*.csv"), *shared]):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _load_ingredients() -> dict[str, Ingredient]:
    """medkb's view of the shared ingredients (``drugs.ingredients``, read and validated once
    by the layer): classes closed upwards (class:quinolone covers a fluoroquinolone,
    class:anticoagulant heparin); guidance is self-care, so its maxima are the OTC label's
    (Rx-only rows have none); a row without pregnancy or breastfeeding data is "caution" (a
    clinician decides), never "ok"."""
    return {
        key: Ingredient(
            key=key,
            name_zh=ing.name_zh,
            name_en=ing.name_en,
            aliases=ing.aliases,
            classes=knowledge_drugs.classes_of(key),
            allergy_classes=ing.allergy_classes,
            rx_only=ing.rx_only,
            adult_dose_mg=ing.adult_dose_mg,
            adult_max_single_mg=ing.otc_max_single_mg,
            adult_max_daily_mg=ing.otc_max_daily_mg,
            interval_hours=ing.interval_hours,
            max_times_per_day=ing.max_times_per_day,
            paediatric_mg_per_kg=ing.paed_mg_per_kg,
            paediatric_max_daily_mg_per_kg=ing.paed_max_daily_mg_per_kg,
            min_age_years=ing.min_age_years,
            pregnancy=tuple(p or "caution" for p in ing.pregnancy),  # type: ignore[arg-type]
            breastfeeding=ing.breastfeeding or "caution",
            source=ing.source,
        )
        for key, ing in knowledge_drugs.ingredients().items()
    }


def _terms_table(name: str) -> dict[str, dict[str, Any]]:
    out = {}
    for r in _read_csv(name):
        if name == "conditions.csv":  # the shared table: aliases, snomed, icd10
            r = {
                **r,
                "terms": r.pop("aliases"),
                "codes": "|".join([*split(r.pop("snomed")), *split(r.pop("icd10"))]),
            }
        row: dict[str, Any] = dict(r)
        row["terms"] = [r["name_zh"], *split(r.get("terms", ""))]
        for k in ("classes", "codes"):
            if k in r:
                row[k] = split(r[k])
        # precomputed match forms (lookups must not re-normalise the tables per request)
        row["nterms"] = [fold(t) for t in row["terms"] if t]
        row["kterms"] = {name_key(t) for t in row["terms"] if t}
        row["ncodes"] = [c.lower() for c in row.get("codes") or []]
        out[r["key"]] = row
    return out


def _rules(name: str, a: str, b: str) -> list[Rule]:
    return [
        Rule(
            a=r[a],
            b=r[b],
            severity=r["severity"],
            text=r["text_zh"],
            source=r["source"],
            max_daily_mg=number(r.get("max_daily_mg", "")),
        )
        for r in _read_csv(name)
    ]


def _symptom_classes() -> dict[str, dict[str, Any]]:
    """``data/symptom_classes.csv``: treatment key → the shared concepts it stands for (with an
    optional body site) and the ingredient classes that treat it. Every concept must be one of
    the shared lexicon's."""
    known = knowledge_symptoms.concepts()
    out: dict[str, dict[str, Any]] = {}
    for r in _read_csv("symptom_classes.csv"):
        if r["concept"] not in known:
            raise ValueError(f"symptom_classes.csv {r['key']}: unknown concept {r['concept']}")
        row = out.setdefault(r["key"], {"concepts": {}, "classes": [], "source": r["source"]})
        row["concepts"][r["concept"]] = r["site"]
        for c in split(r["classes"]):
            if c not in row["classes"]:
                row["classes"].append(c)
    return out


def treatment_keys(
    symptoms: dict[str, dict[str, Any]], mentions: Iterable[knowledge_symptoms.Mention]
) -> set[str]:
    """Treatment keys of the mentions that are not negated (a key with a site takes only a
    mention at that site: 胃痛 is stomach_ache, 右下腹痛 is not)."""
    out: set[str] = set()
    for m in mentions:
        if m.negated:
            continue
        for key, row in symptoms.items():
            site = row["concepts"].get(m.concept)
            if site is None:
                continue
            if site and m.site != site:
                continue
            out.add(key)
    return out


# --------------------------------------------------------------------------- build


class _IngredientMatcher:
    """Finds curated ingredients (longest match) and their strengths in a 成份 string."""

    def __init__(self, ingredients: dict[str, Ingredient]) -> None:
        self.auto = ahocorasick.Automaton()
        for ing in ingredients.values():
            for n in (ing.name_zh, *ing.aliases):
                k = fold(n)
                if len(k) >= 2 and not k.isascii():
                    self.auto.add_word(k, (len(k), ing.key))
        self.auto.make_automaton()

    def find(self, text: str) -> list[tuple[int, int, str]]:
        hits = sorted(
            ((end - ln + 1, end + 1, key) for end, (ln, key) in self.auto.iter(text)),
            key=lambda h: (h[0], -(h[1] - h[0])),
        )
        out: list[tuple[int, int, str]] = []
        last_end = -1
        for start, end, key in hits:
            if start >= last_end:
                out.append((start, end, key))
                last_end = end
        return out

    def parse(self, components: Iterable[str]) -> tuple[dict[str, float | None], list[str]]:
        """Curated actives with a strength (None if absent/ambiguous), plus other names."""
        strengths: dict[str, set[float]] = {}
        others: list[str] = []
        for raw in components:
            text = fold(raw)
            hits = self.find(text)
            if not hits:
                others.append(text)
                continue
            found = find_strengths(text)
            for i, (_start, end, key) in enumerate(hits):
                nxt = hits[i + 1][0] if i + 1 < len(hits) else len(text)
                strengths.setdefault(key, set())
                for s_start, _s_end, mg in found:
                    if end <= s_start < nxt and s_start - end <= 3:
                        strengths[key].add(mg)
                        break
        return {k: (next(iter(v)) if len(v) == 1 else None) for k, v in strengths.items()}, others


_EXCIPIENT_HINT = re.compile(
    r"(淀粉|糖|纤维素|硬脂酸|滑石|糊精|聚维酮|薄膜|包衣|色素|香精|矫味|水$|甘油|山梨|苯甲酸|"
    r"羟苯|二氧化硅|乳糖|明胶|蜂蜜|辅料|氯化钠|碳酸氢钠|枸橼酸$|柠檬酸|丙二醇|阿司帕坦|甜菊|"
    r"本品|复方|每片|每粒|每袋|主要成份|^[\d.%]+)"
)


def _drop_fragments(ingredients: dict[str, Ingredient], actives: dict[str, float | None]) -> None:
    """Drop an ingredient whose name is a fragment of another one found (麻黄 in 伪麻黄碱)."""
    for a in list(actives):
        na = fold(ingredients[a].name_zh)
        for b in actives:
            if b != a and any(
                na in fold(n) for n in (ingredients[b].name_zh, *ingredients[b].aliases)
            ):
                actives.pop(a)
                break


def _reconcile_with_name(
    matcher: _IngredientMatcher,
    pname: str,
    actives: dict[str, float | None],
    spec: list[str],
) -> dict[str, float | None]:
    """Trust the product name over a noisy 成份 list.

    "甲氨蝶呤片" whose 成份 lists vitamins (a CMeKG error) becomes methotrexate; a name that
    is one ingredient plus salt/dosage-form words means exactly that ingredient; an
    ingredient named in the product name is always among its actives.
    """
    hits = matcher.find(pname)
    if len(hits) == 1:
        start, end, key = hits[0]
        if SALT_PREFIX_RE.match(pname[:start]) and FORM_SUFFIX_RE.match(pname[end:]):
            strength = actives.get(key)
            if strength is None:
                mgs = {mg for s in spec for _a, _b, mg in find_strengths(fold(s))}
                strength = next(iter(mgs)) if len(mgs) == 1 else None
            return {key: strength}
    for _s, _e, key in hits:
        actives.setdefault(key, None)
    return actives


def _otc_class(values: Iterable[str]) -> tuple[str | None, bool]:
    text = " ".join(values)
    if "甲类" in text:
        return "甲类", True
    if "乙类" in text:
        return "乙类", True
    return None, False


def build(progress: Callable[[str, int, int], None] | None = None) -> KnowledgeBase:
    """Build the KB in memory (about 10 s; needs ~0.5 GB while the graph is loaded)."""

    def step(msg: str, i: int = 0, n: int = 0) -> None:
        if progress:
            progress(msg, i, n)

    fp = fingerprint()
    step("curated tables")
    ingredients = _load_ingredients()
    symptoms = _symptom_classes()
    class_symptoms: dict[str, set[str]] = {}
    for key, row in symptoms.items():
        for c in row["classes"]:
            class_symptoms.setdefault(c, set()).add(key)

    def ingredient_indications(keys: Iterable[str]) -> set[str]:
        out: set[str] = set()
        for k in keys:
            for c in ingredients[k].classes:
                out |= class_symptoms.get(c, set())
        return out

    matcher = _IngredientMatcher(ingredients)
    names: dict[str, tuple[int, str, str]] = {}
    display: dict[str, str] = {}

    def claim(name: str, tier: int, kind: str, target: str) -> None:
        k = name_key(name)
        # Latin names from four letters; the shared vocabulary's own (curated, sourced) names
        # from three: the abbreviations doctors and patients write (MTX, SMZ, ORS, INH)
        shortest_latin = 3 if tier in (TIER_INGREDIENT, TIER_CURATED) else 4
        if len(k) < 2 or (k.isascii() and len(k) < shortest_latin) or k.isdigit():
            return
        cur = names.get(k)
        if cur is not None and cur[1] == "ingredient" and kind == "product":
            # An ingredient's own name stays the ingredient (resolve gives a single-ingredient
            # product); a brand listed as an ingredient alias goes to its curated product.
            if tier != TIER_CURATED or k in primary_names:
                return
        if cur is None or tier < cur[0]:
            names[k] = (tier, kind, target)
            display[k] = name.strip()

    ingredient_names: dict[str, str] = {}
    ingredient_products: dict[str, Product] = {}
    primary_names = {name_key(n) for i in ingredients.values() for n in (i.name_zh, i.name_en)}
    for ing in ingredients.values():
        for n in (ing.name_zh, ing.name_en, *ing.aliases):
            claim(n, TIER_INGREDIENT, "ingredient", ing.key)
            ingredient_names.setdefault(name_key(n), ing.key)
        shared = knowledge_drugs.ingredient(ing.key)
        for n in shared.brands if shared else ():  # resolve() knows them; mentions do not
            claim(n, TIER_BRAND, "ingredient", ing.key)
        ingredient_products[ing.key] = Product(
            name=ing.name_zh,
            ingredients=[IngredientAmount(ing.key, ing.name_zh, None)],
            otc=None,
            rx_only=ing.rx_only,
            aliases=(ing.name_en, *ing.aliases),
            indications=frozenset(ingredient_indications([ing.key])),
            source=ing.source,
        )

    step("loading CMeKG graph")
    with open(graph_path(), "rb") as f:
        graph: dict[str, dict[str, list[str]]] = pickle.load(f)

    products: dict[str, Product] = {}
    items = list(graph.items())
    n_items = len(items)
    for i, (ename, props) in enumerate(items):
        if i % 5000 == 0:
            step("normalising graph entities", i, n_items)
        if not any(p in props for p in _DRUG_PREDICATES) or any(p in props for p in _NOT_DRUG):
            continue
        pname = fold(ename).strip()
        actives, others = matcher.parse(props.get("成份", []))
        named = {k for _s, _e, k in matcher.find(pname)}
        for k in _EXCIPIENT_PRONE & set(actives) - named:
            actives.pop(k)
        _drop_fragments(ingredients, actives)
        actives = _reconcile_with_name(matcher, pname, actives, props.get("规格", []))
        if "ethanol" in actives and not _ETHANOL_FORMS.search(pname):
            actives.pop("ethanol")  # process solvent in tablets/capsules, not in the product
        otc, is_otc = _otc_class(props.get("OTC类型", []) + props.get("药品类型", []))
        rx = not is_otc or "注射" in pname or any(ingredients[k].rx_only for k in actives)
        ind: set[str] = set()
        for text in props.get("适应症", []) + props.get("功能主治", []) + props.get("主治", []):
            ind |= treatment_keys(symptoms, knowledge_symptoms.find_symptoms(text))
        ind |= ingredient_indications(actives)
        products[pname] = Product(
            name=pname,
            ingredients=[
                IngredientAmount(k, ingredients[k].name_zh, mg) for k, mg in actives.items()
            ],
            otc=None if rx else otc,
            rx_only=rx,
            aliases=tuple(
                props.get("商品名", []) + props.get("通用名", []) + props.get("别称", [])
            ),
            indications=frozenset(ind),
            other_components=tuple(
                sorted({o for o in others if not _EXCIPIENT_HINT.search(o) and len(o) <= 12})
            ),
            source="CMeKG (PyCMeKG 0.2.5)",
        )
        claim(ename, TIER_ENTITY, "product", pname)
        for n in props.get("通用名", []):
            claim(n, TIER_GENERIC, "product", pname)
        for n in props.get("商品名", []):
            claim(n, TIER_BRAND, "product", pname)
        for n in props.get("别称", []) + props.get("又称", []):
            claim(n, TIER_ALIAS, "product", pname)
        for n in props.get("英文名", []) + props.get("英文名称", []) + props.get("英文别名", []):
            claim(n, TIER_EN, "product", pname)
    n_graph = len(products)
    del graph, items

    step("curated product overrides")
    for r in _read_csv("products.csv"):
        pname = fold(r["name"]).strip()
        amounts = []
        for part in split(r["ingredients"]):
            key, _, mg = part.partition(":")
            if key not in ingredients:
                raise ValueError(f"products.csv {r['name']}: unknown ingredient {key}")
            amounts.append(IngredientAmount(key, ingredients[key].name_zh, number(mg)))
        rx = r["otc"] == "rx" or any(ingredients[a.key].rx_only for a in amounts)
        ind = set(split(r["indications"]))  # curated rows are authoritative
        unknown = set(split(r["indications"])) - set(symptoms)
        if unknown:
            raise ValueError(f"products.csv {r['name']}: unknown symptoms {unknown}")
        aliases = tuple(split(r["aliases"]))
        products[pname] = Product(
            name=pname,
            ingredients=amounts,
            otc=None if rx else (r["otc"] or None),
            rx_only=rx,
            aliases=aliases,
            indications=frozenset(ind),
            other_components=tuple(split(r.get("other_components", ""))),
            unit=r["unit"] or None,
            units_per_dose=number(r["units_per_dose"]),
            max_units_per_day=number(r["max_units_per_day"]),
            interval_hours=number(r["interval_hours"]),
            dose_note=r["dose_note_zh"],
            min_age_years=number(r["min_age_years"]),
            source=r["source"],
            curated=True,
        )
        for n in (r["name"], *aliases):
            claim(n, TIER_CURATED, "product", pname)

    step("name automaton")
    auto = ahocorasick.Automaton()
    for k, (tier, kind, target) in names.items():
        if k in knowledge_drugs.EVERYDAY_WORD_NAMES:  # resolve() knows them; mentions do not
            continue
        if tier in MENTION_TIERS and not k.isascii():
            auto.add_word(k, (len(k), kind, target))
    auto.make_automaton()

    bigrams: dict[str, list[str]] = {}
    for k in names:
        for bg in {k[j : j + 2] for j in range(len(k) - 1)}:
            bigrams.setdefault(bg, []).append(k)

    kb = KnowledgeBase(
        fingerprint=fp,
        ingredients=ingredients,
        products=products,
        names=names,
        display_names=display,
        mention_automaton=auto,
        symptoms=symptoms,
        conditions=_terms_table("conditions.csv"),
        allergy_classes=_terms_table("allergy_classes.csv"),
        cross_reactivity=_rules("allergy_cross_reactivity.csv", "patient_class", "drug_class"),
        interactions=_rules("interactions.csv", "a", "b"),
        contraindications=_rules("contraindications.csv", "target", "condition"),
        thresholds={r["key"]: float(r["value"]) for r in _read_csv("thresholds.csv")},
        bigram_index=bigrams,
        ingredient_names=ingredient_names,
        ingredient_products=ingredient_products,
    )
    kb.stats = {
        "ingredients": len(ingredients),
        "graph_products": n_graph,
        "products": len(products),
        "names": len(names),
    }
    _validate(kb)
    step("done")
    return kb


def _validate(kb: KnowledgeBase) -> None:
    """Fail the build on a dangling key in a rule file (a typo must not silently drop a rule)."""
    classes = set().union(*(i.classes for i in kb.ingredients.values()))

    def ok_target(t: str) -> bool:
        return t[6:] in classes if t.startswith("class:") else t in kb.ingredients

    for r in kb.interactions:
        for t in (r.a, r.b):
            if not ok_target(t):
                raise ValueError(f"interactions.csv: unknown target {t}")
    for r in kb.contraindications:
        if not ok_target(r.a):
            raise ValueError(f"contraindications.csv: unknown target {r.a}")
        if r.b not in kb.conditions:
            raise ValueError(f"contraindications.csv: unknown condition {r.b}")
    allergy = set(kb.allergy_classes)
    for i in kb.ingredients.values():
        if not i.allergy_classes <= allergy:
            raise ValueError(f"ingredients.csv {i.key}: unknown allergy class")
    for r in kb.cross_reactivity:
        if r.a not in allergy or r.b not in allergy:
            raise ValueError(f"allergy_cross_reactivity.csv: unknown class {r.a}/{r.b}")


# --------------------------------------------------------------------------- cache


def artifact_path(fp: str | None = None) -> Path:
    from django.conf import settings

    return Path(settings.DATA_DIR) / "medkb" / f"kb-{fp or fingerprint()}.pickle"


def build_and_save(
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[Path, KnowledgeBase]:
    """Build and atomically write the artifact (old artifacts are removed)."""
    kb = build(progress)
    path = artifact_path(kb.fingerprint)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")  # concurrent builders never share a file
    with open(tmp, "wb") as f:
        pickle.dump(kb, f, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    for old in path.parent.glob("kb-*.pickle"):
        if old != path:
            old.unlink(missing_ok=True)
    return path, kb


_lock = threading.Lock()
_kb: KnowledgeBase | None = None


def get_kb() -> KnowledgeBase:
    """The process-wide KB: the artifact when current, else built (and saved) now."""
    global _kb
    if _kb is not None:
        return _kb
    with _lock:
        if _kb is None:
            path = artifact_path()
            if path.exists():
                with open(path, "rb") as f:
                    _kb = pickle.load(f)
            else:
                log.info("medkb artifact missing; building %s", path.name)
                _path, _kb = build_and_save()
    return _kb


def reset_cache() -> None:
    global _kb
    _kb = None
