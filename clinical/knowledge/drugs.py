"""The one drug knowledge table (issue #23): ingredients, classes, maxima, rules.

Every consumer (medication guidance, orders, follow-up, diet, the output monitor, the agent)
reads drugs from here: ``data/ingredients.csv`` (names, aliases, brands, classes, ATC, OTC
and prescription maxima kept apart), ``data/classes.csv`` (one spelling per class, its other
spellings and its parents: ``dihydropyridine_ccb`` ⊂ ``ccb``), ``data/products.csv`` (brands
and fixed combinations), ``data/interactions.csv``, ``data/contraindications.csv`` and the
allergy tables. Every row carries its source; merged disagreements are in ``DECISIONS.md``.

Invariants:
- a maximum is read from a sourced cell or it is ``None`` ("unknown": the caller reviews);
  no maximum is ever derived or guessed;
- the prescription setting (``rx``) uses the prescription maximum; the self-care setting
  (``otc``) uses the OTC label maximum, which is lower. Where a setting has no maximum of
  its own the other one is used only in the safe direction: ``rx`` falls back to the (lower)
  OTC maximum; ``otc`` of a prescription-only ingredient uses the prescription maximum;
- a class always implies its parents (``classes_of`` is closed upwards).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from clinical.knowledge.text import fold as text_fold
from clinical.knowledge.text import invisible

DATA = Path(__file__).resolve().parent / "data"
Setting = Literal["otc", "rx"]
ADULT_AGE = 18


class KnowledgeError(ValueError):
    """A knowledge table is malformed (unknown class, dangling key, row without a source)."""


class KnowledgeUnavailable(RuntimeError):
    """The drug tables cannot answer: a decision that needs them waits for a clinician."""


def split(cell: str | None) -> list[str]:
    return [x.strip() for x in (cell or "").split("|") if x.strip()]


def number(cell: str | None) -> float | None:
    """A numeric cell of a knowledge table; an empty cell is ``None`` (not curated)."""
    cell = (cell or "").strip()
    return float(cell) if cell else None


def read_csv(
    name: str, folder: Path | None = None, columns: tuple[str, ...] | None = None
) -> list[dict[str, str]]:
    """Rows of ``data/<name>`` (or ``folder/<name>``; stripped). A row without a source, a row
    with the wrong number of cells, or (when ``columns`` is given) other columns fail the
    load. The one CSV reader of every knowledge table (diet's included)."""
    with open((folder or DATA) / name, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if columns is not None and tuple(reader.fieldnames or ()) != columns:
            raise KnowledgeError(f"{name}: columns {reader.fieldnames} != {columns}")
        rows = []
        for i, r in enumerate(reader, start=2):
            if None in r or any(v is None for v in r.values()):
                raise KnowledgeError(f"{name}:{i}: wrong number of cells")
            if any(v.strip() for v in r.values()):
                rows.append({k: v.strip() for k, v in r.items()})
                if "source" in r and not rows[-1]["source"]:
                    raise KnowledgeError(f"{name}:{i}: row without a source")
    return rows


def fold(text: str) -> str:
    """The form names are compared in: the shared text fold (simplified, half-width, lower
    case), without spaces or invisible characters (華法林, ＷＡＲＦＡＲＩＮ, 华\u200b法林 = 华法林)."""
    folded = text_fold(text or "")
    return "".join(ch for ch in folded if not ch.isspace() and not invisible(ch))


@dataclass(frozen=True)
class DrugClass:
    key: str
    name_zh: str
    parents: tuple[str, ...]
    aliases: tuple[str, ...]  # other spellings (ASCII) and Chinese terms/stems of members
    atc: tuple[str, ...]  # ATC prefixes of the class
    source: str

    @property
    def terms(self) -> tuple[str, ...]:
        """Chinese words naming the class or a member not listed as an ingredient."""
        return tuple(a for a in self.aliases if not a.isascii())


@dataclass(frozen=True)
class Ingredient:
    """One active ingredient. Doses are adult, oral, in mg; ``None`` means not curated."""

    key: str
    name_zh: str
    name_en: str
    aliases: tuple[str, ...]
    brands: tuple[str, ...]
    classes: frozenset[str]  # as listed (canonical spelling); see classes_of for parents
    allergy_classes: frozenset[str]
    atc: tuple[str, ...]
    rx_only: bool
    strengths_mg: tuple[float, ...]
    adult_dose_mg: float | None
    otc_max_single_mg: float | None
    otc_max_daily_mg: float | None
    rx_max_single_mg: float | None
    rx_max_daily_mg: float | None
    interval_hours: float | None
    max_times_per_day: int | None
    paed_mg_per_kg: float | None
    paed_max_daily_mg_per_kg: float | None
    min_age_years: float | None
    pregnancy: tuple[str, str, str]
    breastfeeding: str
    source: str
    rx_source: str

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(n for n in (self.name_zh, self.name_en, *self.aliases, *self.brands) if n)


@dataclass(frozen=True)
class DoseLimit:
    """The adult (or weight-based paediatric) maximum that applies in one setting."""

    ingredient: str
    setting: Setting  # the setting whose figures were used
    max_single_mg: float | None
    max_daily_mg: float | None
    source: str

    @property
    def known(self) -> bool:
        return self.max_single_mg is not None or self.max_daily_mg is not None


@dataclass(frozen=True)
class Product:
    """A brand or fixed combination from ``products.csv``: ingredient keys and mg per unit."""

    name: str
    aliases: tuple[str, ...]
    ingredients: tuple[tuple[str, float | None], ...]
    otc: str
    source: str

    @property
    def ingredient_keys(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.ingredients)


@dataclass(frozen=True)
class Rule:
    """An interaction (a, b) or contraindication (a = target, b = condition key)."""

    a: str
    b: str
    severity: str  # avoid | caution
    text_zh: str
    source: str


# --------------------------------------------------------------------------- loaders


@lru_cache(maxsize=1)
def classes() -> dict[str, DrugClass]:
    out = {
        r["key"]: DrugClass(
            r["key"],
            r["name_zh"],
            tuple(split(r["parents"])),
            tuple(split(r["aliases"])),
            tuple(split(r["atc"])),
            r["source"],
        )
        for r in read_csv("classes.csv")
    }
    for c in out.values():
        for p in c.parents:
            if p not in out:
                raise KnowledgeError(f"classes.csv {c.key}: unknown parent {p}")
    return out


@lru_cache(maxsize=1)
def _spellings() -> dict[str, str]:
    out: dict[str, str] = {}
    for c in classes().values():
        out[c.key] = c.key
        for a in c.aliases:
            if a.isascii():
                out.setdefault(a.lower(), c.key)
    return out


def canonical_class(name: str) -> str | None:
    """The one spelling of a class (``ace-inhibitor``/``ace_inhibitor`` → ``acei``), or None."""
    name = (name or "").strip().lower()
    return _spellings().get(name) or _spellings().get(name.replace("-", "_"))


@lru_cache(maxsize=1)
def ingredients() -> dict[str, Ingredient]:
    known = classes()
    out: dict[str, Ingredient] = {}
    for r in read_csv("ingredients.csv"):
        cls = frozenset(split(r["classes"]))
        unknown = cls - set(known)
        if unknown:
            raise KnowledgeError(f"ingredients.csv {r['key']}: unknown classes {unknown}")
        out[r["key"]] = Ingredient(
            key=r["key"],
            name_zh=r["name_zh"],
            name_en=r["name_en"],
            aliases=tuple(split(r["aliases"])),
            brands=tuple(split(r["brands"])),
            classes=cls,
            allergy_classes=frozenset(split(r["allergy_classes"])),
            atc=tuple(split(r["atc"])),
            rx_only=r["rx_only"] == "1",
            strengths_mg=tuple(float(s) for s in split(r["strengths_mg"])),
            adult_dose_mg=number(r["adult_dose_mg"]),
            otc_max_single_mg=number(r["otc_max_single_mg"]),
            otc_max_daily_mg=number(r["otc_max_daily_mg"]),
            rx_max_single_mg=number(r["rx_max_single_mg"]),
            rx_max_daily_mg=number(r["rx_max_daily_mg"]),
            interval_hours=number(r["interval_hours"]),
            max_times_per_day=int(r["max_times_per_day"]) if r["max_times_per_day"] else None,
            paed_mg_per_kg=number(r["paed_mg_per_kg"]),
            paed_max_daily_mg_per_kg=number(r["paed_max_daily_mg_per_kg"]),
            min_age_years=number(r["min_age_years"]),
            pregnancy=(r["pregnancy_t1"], r["pregnancy_t2"], r["pregnancy_t3"]),
            breastfeeding=r["breastfeeding"],
            source=r["source"],
            rx_source=r["rx_source"],
        )
    return out


@lru_cache(maxsize=1)
def products() -> dict[str, Product]:
    ings = ingredients()
    out: dict[str, Product] = {}
    for r in read_csv("products.csv"):
        parts = []
        for part in split(r["ingredients"]):
            key, _, mg = part.partition(":")
            if key not in ings:
                raise KnowledgeError(f"products.csv {r['name']}: unknown ingredient {key}")
            parts.append((key, number(mg)))
        out[r["name"]] = Product(
            r["name"], tuple(split(r["aliases"])), tuple(parts), r["otc"], r["source"]
        )
    return out


@lru_cache(maxsize=1)
def _name_index() -> dict[str, tuple[str, ...]]:
    """Folded name → ingredient keys. A product name gives all its ingredients (泰诺 = 酚麻美敏:
    four); a curated product wins over an ingredient's brand list for the same name."""
    out: dict[str, tuple[str, ...]] = {}
    for ing in ingredients().values():
        for n in ing.names:
            out.setdefault(fold(n), (ing.key,))
    for p in products().values():
        for n in (p.name, *p.aliases):
            out[fold(n)] = p.ingredient_keys
    for ing in ingredients().values():  # an ingredient's own names stay the ingredient
        for n in (ing.name_zh, ing.name_en, *ing.aliases):
            if n:
                out[fold(n)] = (ing.key,)
    return out


# Drug names that are also everyday words or given names (安定 "calm" = diazepam, 美林 a given
# name = ibuprofen, 可定 = rosuvastatin): ``resolve`` knows them; a finder of drug names in
# running text does not look for them alone (medkb's mention automaton), only in a drug
# context (the output monitor: 吃1片安定, 安定片). One list for both (issue #23).
EVERYDAY_WORD_NAMES: frozenset[str] = frozenset(
    {"可定", "代文", "再林", "左克", "阿乐", "严迪", "泰嘉", "安定", "锂盐", "美林"}
)


# Ingredients that are drinks in a patient's words, not medicines: ethanol's names (白酒, 饮酒,
# 酒精, alcohol) are what a diet question asks about, not a medicine taken (AM-Med clinical
# judgement: "吃头孢能喝白酒吗" asks about a drink; the drink's interactions are diet's rules).
# Consumers reading patient text leave a name all of whose ingredients are drinks out of drugs.
DRINKS: frozenset[str] = frozenset({"ethanol"})


def name_index() -> dict[str, tuple[str, ...]]:
    """Every known drug name (folded) → its ingredient keys (read-only; shared cache)."""
    return _name_index()


def resolve(name: str) -> tuple[str, ...]:
    """Ingredient keys of a drug name: exact (folded) name first, else the longest known name
    contained in it (``阿莫西林胶囊 0.5g`` → amoxicillin). Empty when unknown."""
    key = fold(name)
    if not key:
        return ()
    index = _name_index()
    if key in index:
        return index[key]
    best = ""
    for n in _contained_names(key):
        if len(n) > len(best):
            best = n
    return index[best] if best else ()


def _contained_names(text: str) -> list[str]:
    index = _name_index()
    return [n for n in _names_by_first().get_all(text) if n in index]


class _FirstCharIndex:
    def __init__(self, names: list[str]) -> None:
        self.by_char: dict[str, list[str]] = {}
        for n in names:
            # Latin names from three letters (mtx, ors: abbreviations patients and notes use),
            # matched only between non-letters (get_all); two letters are too ambiguous.
            if len(n) >= 2 and not (n.isascii() and len(n) < 3):
                self.by_char.setdefault(n[0], []).append(n)

    def spans(
        self, text: str, whole: Callable[[int, int], bool] | None = None
    ) -> list[tuple[int, str]]:
        """(start, name) of every name in ``text``, overlapping ones included. A Latin name
        is a whole token: it stands only between non-Latin letters (吃warfarin is warfarin,
        warfarinum is not; MTX10mg is MTX, colors holds no ORS) and not in a file name or path
        (/tmp/a, report.tmp, tmp.txt, tmp_1 name no trimethoprim). ``whole`` judges that on
        the text as written when ``text`` is a space-free form of it (my warfarin tablets:
        whitespace is an edge there)."""
        is_whole = whole or (lambda start, end: _whole_token(text, start, end))
        out = []
        for i, ch in enumerate(text):
            for n in self.by_char.get(ch, ()):
                if text.startswith(n, i):
                    if n.isascii() and not is_whole(i, i + len(n)):
                        continue
                    out.append((i, n))
        return out

    def get_all(self, text: str) -> list[str]:
        return [n for _i, n in self.spans(text)]


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


_PATH_SEPARATORS = "/\\"


def _whole_token(text: str, start: int, end: int) -> bool:
    """Whether the Latin name ``text[start:end]`` is a token of its own: no Latin letter or
    ``_`` touches it, and it is no segment of a path (``/tmp/``), no file extension
    (``report.tmp``) and no file name before one (``tmp.txt``)."""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if _latin(before) or _latin(after) or "_" in (before, after):
        return False
    if before and after and before in _PATH_SEPARATORS and after in _PATH_SEPARATORS:
        return False
    if before == "." and start > 1 and _latin(text[start - 2]):
        return False
    return not (after == "." and end + 1 < len(text) and _latin(text[end + 1]))


@lru_cache(maxsize=1)
def _names_by_first() -> _FirstCharIndex:
    return _FirstCharIndex(list(_name_index()))


@dataclass(frozen=True)
class NameMention:
    """A drug name in running text: ``text[start:end]`` as written, the folded ``name`` it
    matched, the ingredient ``keys`` of that name (a product gives all of its), or, for a
    class word (头孢, 安眠药), no keys and the ``classes`` it names."""

    start: int
    end: int
    name: str
    keys: tuple[str, ...]
    classes: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def _term_classes() -> dict[str, tuple[str, ...]]:
    """Folded Chinese class term (two characters or more) → every class listing it, in table
    order (消炎药: antibiotic and nsaid; 甘精: antidiabetic and insulin)."""
    out: dict[str, list[str]] = {}
    for c in classes().values():
        for term in c.terms:
            key = fold(term)
            if len(key) >= 2 and c.key not in out.get(key, ()):
                out.setdefault(key, []).append(c.key)
    return {k: tuple(v) for k, v in out.items()}


def word_classes(word: str) -> tuple[str, ...]:
    """The classes a whole word names as a Chinese term of classes.csv (头孢 → cephalosporin,
    降压药 → antihypertensive, 消炎药 → antibiotic and nsaid; 胰岛素, also a drug name →
    insulin), or () when it names none."""
    return _term_classes().get(fold((word or "").strip()), ())


@lru_cache(maxsize=1)
def _class_words() -> dict[str, tuple[str, ...]]:
    """Folded Chinese class word → every class listing it; a word that is also a drug name is
    the drug (``_name_index`` wins)."""
    names = _name_index()
    return {k: v for k, v in _term_classes().items() if k not in names}


@lru_cache(maxsize=1)
def _words_by_first() -> _FirstCharIndex:
    return _FirstCharIndex(list(_class_words()))


def name_mentions(
    text: str, *, class_words: bool = False, drinks: bool = False
) -> list[NameMention]:
    """Every drug name in ``text`` (overlapping ones included), on the shared fold (traditional
    → simplified, full → half width, lower case) with whitespace and invisible characters
    skipped, spans on ``text`` as given. ``class_words`` adds the Chinese class words;
    ``drinks`` keeps names all of whose ingredients are drinks (``DRINKS``: 白酒)."""
    form, index = _matching_form(text or "")
    out: list[NameMention] = []
    names = _name_index()
    written = text_fold(text or "")  # the same length as ``text``

    def whole(start: int, end: int) -> bool:
        # on the text as written: the form drops whitespace (mywarfarintablets), the text keeps it
        return _whole_token(written, index[start], index[end - 1] + 1)

    for i, n in _names_by_first().spans(form, whole):
        keys = names[n]
        if _blocked_name(form, i, n):
            continue
        if drinks or not set(keys) <= DRINKS:
            out.append(NameMention(index[i], index[i + len(n) - 1] + 1, n, keys))
    if class_words:
        words = _class_words()
        for i, n in _words_by_first().spans(form):
            out.append(NameMention(index[i], index[i + len(n) - 1] + 1, n, (), words[n]))
    return sorted(out, key=lambda m: (m.start, -m.end))


@lru_cache(maxsize=1)
def name_blockers() -> dict[str, list[tuple[re.Pattern[str] | None, re.Pattern[str] | None]]]:
    """``data/drug_name_blockers.csv``: a drug name (folded) with the words before or after it
    (patterns on the folded, space-free form) that make it no drug name: ASA next to a class
    (ASA分级II级, ASA Ⅱ级, ASA 2级) is the anaesthetic physical-status class, not aspirin."""
    out: dict[str, list[tuple[re.Pattern[str] | None, re.Pattern[str] | None]]] = {}
    for r in read_csv("drug_name_blockers.csv", columns=("name", "before", "after", "source")):
        before = re.compile(r["before"]) if r["before"] else None
        after = re.compile(r["after"]) if r["after"] else None
        out.setdefault(fold(r["name"]), []).append((before, after))
    return out


def _blocked_name(form: str, start: int, name: str) -> bool:
    """Whether the name at ``form[start:]`` stands where a blocker row says it is no drug."""
    for before, after in name_blockers().get(name, ()):
        if before is not None and before.search(form[:start]):
            return True
        if after is not None and after.match(form[start + len(name) :]):
            return True
    return False


def find_names(text: str, *, class_words: bool = False, drinks: bool = False) -> list[NameMention]:
    """The drug names of ``text`` read left to right, the longest at each place, none
    overlapping (华法林钠片 is one name, not 华法林 and 钠): ``name_mentions`` resolved."""
    out: list[NameMention] = []
    for m in name_mentions(text, class_words=class_words, drinks=drinks):
        if not out or m.start >= out[-1].end:
            out.append(m)
    return out


def _matching_form(text: str) -> tuple[str, list[int]]:
    """``fold``'s form of ``text`` and, for each of its characters, its index in ``text``
    (``text_fold`` keeps the length; whitespace and invisible characters are skipped)."""
    folded = text_fold(text)
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(folded):
        if not ch.isspace() and not invisible(ch):
            chars.append(ch)
            index.append(i)
    return "".join(chars), index


def ingredient(key: str) -> Ingredient | None:
    return ingredients().get(key)


@lru_cache(maxsize=1)
def _product_names() -> dict[str, tuple[str, ...]]:
    """Folded product name/alias → the product's ingredient keys."""
    return {fold(n): p.ingredient_keys for p in products().values() for n in (p.name, *p.aliases)}


def display_name(name: str) -> str:
    """The name a consumer shows for a known drug name. A name of one ingredient (its Chinese
    or English name or an alias: 扑热息痛, 华法令) becomes the ingredient's Chinese name
    (对乙酰氨基酚, 华法林); a brand or product keeps its own name (泰诺 is the four-ingredient
    cold remedy, not paracetamol; 泰诺林; 复方新诺明 is sulfamethoxazole + trimethoprim).
    An unknown name is returned as given."""
    key = fold(name)
    keys = _name_index().get(key, ())
    if len(keys) != 1:
        return name
    ing = ingredients()[keys[0]]
    own = {fold(n) for n in (ing.name_zh, ing.name_en, *ing.aliases) if n}
    if key not in own or _product_names().get(key, keys) != keys:
        return name
    return ing.name_zh or name


@lru_cache(maxsize=4096)
def ancestors(cls: str) -> frozenset[str]:
    """``cls`` and every parent above it."""
    out = {cls}
    for p in classes().get(cls, DrugClass(cls, "", (), (), (), "")).parents:
        out |= ancestors(p)
    return frozenset(out)


@lru_cache(maxsize=4096)
def classes_of(key: str) -> frozenset[str]:
    """The classes of an ingredient, closed upwards (amlodipine → dihydropyridine_ccb, ccb,
    antihypertensive)."""
    ing = ingredients().get(key)
    if ing is None:
        return frozenset()
    out: set[str] = set()
    for c in ing.classes:
        out |= ancestors(c)
    return frozenset(out)


def is_a(key: str, cls: str) -> bool:
    """Whether ingredient ``key`` belongs to class ``cls`` (any spelling; parents count)."""
    canon = canonical_class(cls) or cls
    return canon in classes_of(key)


def members(cls: str) -> frozenset[str]:
    """Every ingredient key of a class (any spelling)."""
    canon = canonical_class(cls) or cls
    return frozenset(k for k in ingredients() if canon in classes_of(k))


def medication_in_class(text: str, cls: str, atc_codes: list[str] | tuple[str, ...] = ()) -> bool:
    """Whether a medication (its name/text and WHO ATC codes) belongs to ``cls``: a named
    ingredient of the class, an ATC code under one of the class's ATC prefixes (or one of
    its ingredients' codes), or a Chinese class term/stem in the text (低分子肝素, 化疗)."""
    canon = canonical_class(cls) or cls
    c = classes().get(canon)
    codes = [a.strip().upper() for a in atc_codes if a and a.strip()]
    if c is not None and any(a.startswith(p) for a in codes for p in c.atc):
        return True
    member_atc = {code for k in members(canon) for code in ingredients()[k].atc}
    if any(a in member_atc for a in codes):
        return True
    text = text or ""
    for key in ingredient_mentions(text):
        if canon in classes_of(key):
            return True
    terms = [t for d in classes().values() if canon in ancestors(d.key) for t in d.terms]
    folded = fold(text)  # 卡培他濱 (traditional), 化\u200b疗 read as the class term
    return any(fold(t) in folded for t in terms)


def classes_named_in(text: str) -> frozenset[str]:
    """Classes whose Chinese term or member stem appears in ``text`` (化疗, 低分子肝素), folded."""
    folded = fold(text)
    return frozenset(d.key for d in classes().values() if any(fold(t) in folded for t in d.terms))


def class_words_in(text: str) -> list[str]:
    """The Chinese class words of the vocabulary that appear in ``text`` (降压药, 抗凝药, 降糖药),
    folded, longest first: a reader of the words around a medicine (``clinical.knowledge.unread``)
    counts them understood, as it does drug names."""
    folded = fold(text)
    words = {fold(t) for d in classes().values() for t in d.terms if _is_chinese(t)}
    return sorted((w for w in words if w and w in folded), key=len, reverse=True)


def _is_chinese(word: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in word)


def names_in(text: str) -> list[str]:
    """Every drug name (ingredient, product, alias) written in free text, folded
    (``fold``), as it appears there; overlapping names are all listed."""
    return _contained_names(fold(text))


def ingredient_mentions(text: str) -> tuple[str, ...]:
    """Every ingredient named in free text (names of products give all their ingredients)."""
    index = _name_index()
    out: list[str] = []
    for n in _contained_names(fold(text)):
        for k in index[n]:
            if k not in out:
                out.append(k)
    return tuple(out)


# --------------------------------------------------------------------------- doses


def require_tables() -> None:
    """Raise ``KnowledgeUnavailable`` unless the drug tables load and validate (classes,
    ingredients, products; every row sourced, every class and key known) and hold at least
    one ingredient. The layer's own liveness check: a caller that clears a dose without a
    clinician (orders) calls it first and fails closed, it never reads a missing table as
    "no maximum". Loaded once per process (the tables are cached), so it is cheap."""
    try:
        classes()
        held = ingredients()
        products()
        name_blockers()
    except (OSError, KnowledgeError, KeyError, ValueError, re.error) as exc:
        raise KnowledgeUnavailable(f"drug tables unreadable: {type(exc).__name__}") from exc
    if not held:
        raise KnowledgeUnavailable("drug tables hold no ingredient")


def max_dose(
    key: str,
    setting: Setting = "otc",
    age_years: float | None = None,
    weight_kg: float | None = None,
) -> DoseLimit | None:
    """The maximum single and daily dose of ingredient ``key`` in ``setting``.

    Adults (age unknown is treated by the caller; here it means adult): the setting's own
    figures; ``rx`` without prescription figures uses the OTC ones (lower: the safe side);
    ``otc`` of a prescription-only ingredient uses the prescription figures. A child
    (< 18) gets only a weight-based daily maximum where one is sourced and a weight is
    given (capped by the adult daily maximum); otherwise both are None (unknown → review).
    Returns None for an unknown ingredient.
    """
    ing = ingredients().get(key)
    if ing is None:
        return None
    otc = (ing.otc_max_single_mg, ing.otc_max_daily_mg, ing.source)
    rx = (ing.rx_max_single_mg, ing.rx_max_daily_mg, ing.rx_source or ing.source)
    has_rx = rx[0] is not None or rx[1] is not None
    has_otc = otc[0] is not None or otc[1] is not None
    used: Setting
    if setting == "rx":
        (single, daily, source), used = (rx, "rx") if has_rx else (otc, "otc")
    else:
        (single, daily, source), used = (otc, "otc") if has_otc else (rx, "rx")
    if age_years is not None and age_years < ADULT_AGE:
        if ing.paed_max_daily_mg_per_kg is not None and weight_kg:
            paed = ing.paed_max_daily_mg_per_kg * weight_kg
            daily = min(paed, daily) if daily is not None else paed
            return DoseLimit(key, used, None, daily, ing.source)
        return DoseLimit(key, used, None, None, ing.source)
    return DoseLimit(key, used, single, daily, source)


# --------------------------------------------------------------------------- rules


def _rules(name: str, a: str, b: str) -> tuple[Rule, ...]:
    return tuple(Rule(r[a], r[b], r["severity"], r["text_zh"], r["source"]) for r in read_csv(name))


@lru_cache(maxsize=1)
def interaction_rules() -> tuple[Rule, ...]:
    return _rules("interactions.csv", "a", "b")


@lru_cache(maxsize=1)
def contraindication_rules() -> tuple[Rule, ...]:
    return _rules("contraindications.csv", "target", "condition")


@lru_cache(maxsize=1)
def cross_reactivity_rules() -> tuple[Rule, ...]:
    return _rules("allergy_cross_reactivity.csv", "patient_class", "drug_class")


@lru_cache(maxsize=1)
def allergy_classes() -> dict[str, dict[str, object]]:
    # the row first: its raw "terms" cell must not replace the split list (iterating the raw
    # string matched single characters — 磺胺类药物 named every class through 类/药)
    return {
        r["key"]: {**r, "name_zh": r["name_zh"], "terms": [r["name_zh"], *split(r["terms"])]}
        for r in read_csv("allergy_classes.csv")
    }


def matches(target: str, key: str) -> bool:
    """Whether a rule target (``class:<name>`` or an ingredient key) covers ingredient ``key``."""
    if target.startswith("class:"):
        return is_a(key, target[6:])
    return target == key


def interactions(a: str, b: str) -> list[Rule]:
    """Interaction rules between two different ingredients (either order)."""
    if a == b:
        return []
    return [
        r
        for r in interaction_rules()
        if (matches(r.a, a) and matches(r.b, b)) or (matches(r.a, b) and matches(r.b, a))
    ]


def contraindications(key: str, condition_keys: set[str] | frozenset[str]) -> list[Rule]:
    """Contraindication rules of ingredient ``key`` for the patient's condition keys."""
    return [r for r in contraindication_rules() if r.b in condition_keys and matches(r.a, key)]


def allergy_classes_in(texts: list[str]) -> set[str]:
    """Allergy classes named by AllergyIntolerance texts (青霉素 → penicillin)."""
    joined = fold(" ".join(texts))
    return {
        k
        for k, row in allergy_classes().items()
        if any(fold(t) in joined for t in row["terms"] if t)  # type: ignore[union-attr]
    }


def cross_reactivity(patient_classes: set[str], key: str) -> list[Rule]:
    """Rules saying ingredient ``key`` is unsafe for a patient allergic to these classes."""
    ing = ingredients().get(key)
    if ing is None:
        return []
    return [
        r for r in cross_reactivity_rules() if r.a in patient_classes and r.b in ing.allergy_classes
    ]
