"""The diet knowledge base: sourced CSV files in ``clinical/diet/data``, loaded once per process.

Clinical invariant: every rule, food mapping and code mapping the engine uses comes from a row
in these files, and every row names its source. Loading fails loudly (``KnowledgeError``) on a
dangling reference (a rule naming an unknown category, condition, class or ingredient), so a
typo can never silently switch a rule off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from clinical.knowledge import conditions as kc
from clinical.knowledge import drugs as kd
from clinical.knowledge.text import fold as text_fold
from clinical.knowledge.text import strip_invisible

DATA_DIR = Path(__file__).resolve().parent / "data"
ANY_FOOD = "any_food"
PLAIN_WATER = "plain_water"
LEVELS = ("avoid", "caution", "ok")


# The knowledge layer's error and CSV reader (one loader for every table, issue #23).
KnowledgeError = kd.KnowledgeError


def normalise(text: str) -> str:
    """The shared text fold (``clinical.knowledge.text.fold``: traditional → simplified,
    full-width → half-width, lower case), then invisible characters (``text.invisible``),
    whitespace and punctuation dropped; a hyphen or
    slash inside a Latin name stays (co-amoxiclav, sacubitril/valsartan: the drug vocabulary's
    names)."""
    return _PUNCT.sub("", strip_invisible(text_fold(text or "")))


_PUNCT = re.compile(
    r"[\s\u3000,，.。;；:：!！?？、'\"“”‘’()（）\[\]【】<>《》\\]+"
    r"|(?<![0-9a-z])[/-]+|[/-]+(?![0-9a-z])"
)


def _rows(name: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows of diet's own ``data/<name>`` through the knowledge layer's reader (columns and
    cell counts checked, every row sourced)."""
    return kd.read_csv(name, folder=DATA_DIR, columns=columns)


@dataclass(frozen=True)
class Category:
    key: str
    label_zh: str
    parents: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Food:
    name: str
    aliases: tuple[str, ...]
    categories: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Allergen:
    key: str
    name_zh: str
    aliases: tuple[str, ...]
    food_categories: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Rule:
    """One sourced rule: a subject (ingredient/class/condition/allergen) × a food category."""

    code: str
    family: str  # "drug", "disease", "allergy"
    subject_kind: str  # "ingredient", "class", "condition", "allergen"
    subjects: tuple[str, ...]
    food_category: str
    level: str
    text: str
    advice: str
    source: str


@dataclass
class KnowledgeBase:
    categories: dict[str, Category]
    foods: list[Food]
    conditions: dict[str, kc.Condition]
    allergens: dict[str, Allergen]
    non_food_allergens: tuple[str, ...]
    rules: list[Rule]
    # derived indexes
    food_index: dict[str, Food] = field(default_factory=dict)
    condition_index: dict[str, kc.Condition] = field(default_factory=dict)
    allergen_index: dict[str, Allergen] = field(default_factory=dict)
    ancestors: dict[str, frozenset[str]] = field(default_factory=dict)
    rules_by_category: dict[str, list[Rule]] = field(default_factory=dict)
    max_food_len: int = 1
    max_condition_len: int = 1

    def expand(self, categories: tuple[str, ...] | list[str] | set[str]) -> frozenset[str]:
        """The categories plus all their ancestors."""
        out: set[str] = set()
        for c in categories:
            out |= self.ancestors[c]
        return frozenset(out)

    def is_descendant(self, child: str, parent: str) -> bool:
        return child != parent and parent in self.ancestors.get(child, frozenset())


def _ancestors(categories: dict[str, Category]) -> dict[str, frozenset[str]]:
    memo: dict[str, frozenset[str]] = {}

    def walk(key: str, trail: tuple[str, ...]) -> frozenset[str]:
        if key in memo:
            return memo[key]
        if key in trail:
            raise KnowledgeError(f"categories.csv: cycle through {key}")
        out = {key}
        for parent in categories[key].parents:
            out |= walk(parent, (*trail, key))
        memo[key] = frozenset(out)
        return memo[key]

    for key in categories:
        walk(key, ())
    return memo


def canonical(kind: str, subject: str) -> str:
    """A drug rule's subject in the shared vocabulary: an ingredient key of
    ``clinical.knowledge`` or the one spelling of a class (ace_inhibitor → acei,
    oral_iron → iron); '' when unknown (the load fails)."""
    if kind == "ingredient":
        return subject if kd.ingredient(subject) is not None else ""
    if kind == "class":
        return kd.canonical_class(subject) or ""
    return ""


def load() -> KnowledgeBase:
    """Read and cross-check every data file (use ``get_kb()`` for the cached instance)."""
    categories = {
        r["key"]: Category(r["key"], r["label_zh"], tuple(kd.split(r["parents"])), r["source"])
        for r in _rows("categories.csv", ("key", "label_zh", "parents", "source"))
    }
    for cat in categories.values():
        for p in cat.parents:
            if p not in categories:
                raise KnowledgeError(f"categories.csv: {cat.key} has unknown parent {p}")
    known_cats = set(categories) | {ANY_FOOD}

    foods = [
        Food(
            r["name"], tuple(kd.split(r["aliases"])), tuple(kd.split(r["categories"])), r["source"]
        )
        for r in _rows("foods.csv", ("name", "aliases", "categories", "source"))
    ]
    conditions = kc.conditions()
    allergens = {
        r["key"]: Allergen(
            r["key"],
            r["name_zh"],
            tuple(kd.split(r["aliases"])),
            tuple(kd.split(r["food_categories"])),
            r["source"],
        )
        for r in _rows("allergens.csv", ("key", "name_zh", "aliases", "food_categories", "source"))
    }
    non_food = tuple(r["term"] for r in _rows("non_food_allergens.csv", ("term", "source")))

    rule_cols = ("code", "drug", "food_category", "level", "text", "advice", "source")
    rules: list[Rule] = []
    for r in _rows("drug_food.csv", rule_cols):
        kind, _, subject = r["drug"].partition(":")
        subject = canonical(kind, subject)
        if not subject:
            raise KnowledgeError(f"drug_food.csv {r['code']}: unknown drug {r['drug']}")
        rules.append(
            Rule(
                r["code"],
                "drug",
                kind,
                (subject,),
                r["food_category"],
                r["level"],
                r["text"],
                r["advice"],
                r["source"],
            )
        )
    for r in _rows("disease_food.csv", ("code", "condition", *rule_cols[2:])):
        subjects = tuple(kd.split(r["condition"]))
        for s in subjects:
            if s not in conditions:
                raise KnowledgeError(f"disease_food.csv {r['code']}: unknown condition {s}")
        rules.append(
            Rule(
                r["code"],
                "disease",
                "condition",
                subjects,
                r["food_category"],
                r["level"],
                r["text"],
                r["advice"],
                r["source"],
            )
        )
    for a in allergens.values():
        for c in a.food_categories:
            rules.append(
                Rule(
                    f"allergy.{a.key}",
                    "allergy",
                    "allergen",
                    (a.key,),
                    c,
                    "avoid",
                    f"您对{a.name_zh}过敏，这种食物含有或可能含有{a.name_zh}成分。",
                    f"不要吃含{a.name_zh}的食物；购买包装食品时看清配料表和致敏物质提示。"
                    "如误食后出现皮疹、嘴唇肿、呼吸困难，立即就医。",
                    a.source,
                )
            )

    codes: set[str] = set()
    for rule in rules:
        if rule.food_category not in known_cats:
            raise KnowledgeError(f"rule {rule.code}: unknown food category {rule.food_category}")
        if rule.level not in LEVELS:
            raise KnowledgeError(f"rule {rule.code}: level {rule.level!r}")
        if rule.family != "allergy":
            if rule.code in codes:
                raise KnowledgeError(f"duplicate rule code {rule.code}")
            codes.add(rule.code)
    for food in foods:
        for c in food.categories:
            if c not in categories:
                raise KnowledgeError(f"foods.csv {food.name}: unknown category {c}")

    kb = KnowledgeBase(categories, foods, conditions, allergens, non_food, rules)
    kb.ancestors = _ancestors(categories)
    kb.ancestors[ANY_FOOD] = frozenset({ANY_FOOD})
    for food in foods:
        for n in (food.name, *food.aliases):
            kb.food_index.setdefault(normalise(n), food)
    for cond in conditions.values():
        for n in cond.terms:
            kb.condition_index.setdefault(normalise(n), cond)
    for allergen in allergens.values():
        for n in (allergen.name_zh, *allergen.aliases):
            kb.allergen_index.setdefault(normalise(n), allergen)
    for rule in rules:
        kb.rules_by_category.setdefault(rule.food_category, []).append(rule)
    kb.max_food_len = max(len(k) for k in kb.food_index)
    kb.max_condition_len = max(len(k) for k in kb.condition_index)
    return kb


def food_names(category: str, *, except_under: str = "") -> frozenset[str]:
    """Names and aliases of the foods filed under ``category`` or a category below it, except
    those filed only under ``except_under`` (``food_names("ethanol", except_under=
    "ethanol_medicine")``: 啤酒, 红酒, 黄酒 …, not 藿香正气水). Diet's public reading of its food
    table for another consumer (the output monitor's alcohol check), instead of a copy of it."""
    kb = get_kb()
    out: set[str] = set()
    for food in kb.foods:
        under = [c for c in food.categories if category in kb.ancestors[c]]
        if except_under:
            under = [c for c in under if except_under not in kb.ancestors[c]]
        if under:
            out.update(n for n in (food.name, *food.aliases) if n)
    return frozenset(out)


def food_lexicon() -> dict[str, str]:
    """Every name and alias of the food table (normalised, as ``food_index`` keys them) → the
    name of its food (葡萄柚 → 西柚, 烧酒 → 白酒, 喝酒 → 酒). Diet's public reading of its food
    table for the agent's understanding (issue #23), instead of a copy of it: a word resolves
    here to the food ``food_index`` gives diet's own engine."""
    return {word: food.name for word, food in get_kb().food_index.items()}


@lru_cache(maxsize=1)
def get_kb() -> KnowledgeBase:
    """The process-wide knowledge base (read once)."""
    return load()
