"""Entity dictionary of the agent: drug names and drug-class words are the shared drug
vocabulary's, found by its one finder (``clinical.knowledge.drugs.name_mentions``, issue #23:
泰诺 is the four-ingredient cold remedy there, 泰诺林 plain paracetamol, MTX and SMZ-TMP whole
Latin tokens; 头孢, 降压药, 消炎药, 安眠药 class words of classes.csv); foods are diet's food
table's (``clinical.diet.knowledge.food_lexicon``: 葡萄柚 → 西柚, 烧酒 → 白酒, 喝酒 → 酒, the
names diet's engine resolves), read where the agent matches; the agent keeps no drug, class or
food dictionary of its own. data/lexicon.csv holds only what no table of the knowledge layer or
diet has: the agent's own pleasantries (在吗, 再见, hello; with the shared ones,
``discourse.pleasantry_words``, the only words that earn the generic help text) and the few
foods diet's table lacks (人参, 枸杞, 生姜); one source per row. Symptoms are not here: they are
the shared lexicon's (``clinical.knowledge.symptoms``). Callers pass text already folded
(``clinical.knowledge.text.fold_visible``, the one normaliser's fold)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from clinical.knowledge import drugs, symptoms

DATA = Path(__file__).resolve().parent.parent / "data" / "lexicon.csv"


@dataclass(frozen=True)
class Term:
    kind: str
    term: str
    canonical: str
    # the drug classes a class word names (头孢 → cephalosporin); () for everything else
    classes: tuple[str, ...] = ()


@cache
def terms() -> tuple[Term, ...]:
    """The agent's own rows (pleasantries, foods diet lacks), longest first."""
    with DATA.open(encoding="utf-8", newline="") as fh:
        rows = [Term(r["kind"], r["term"], r["canonical"]) for r in csv.DictReader(fh)]
    return tuple(sorted(rows, key=lambda t: -len(t.term)))


@cache
def diet_foods() -> tuple[Term, ...]:
    """Every name and alias of diet's food table as a food of diet's name, longest first."""
    from clinical.diet.knowledge import food_lexicon

    rows = [Term("food", word, name) for word, name in food_lexicon().items() if word]
    return tuple(sorted(rows, key=lambda t: -len(t.term)))


# Where a one-character word of diet's table (水, 肝, 糖, 蛋, 奶, 咸, 鱼 …) is a food to the
# agent: the object of eating or drinking (吃鱼, 喝点酒, 一碗粥), or a word on its own (鱼能吃吗,
# 酒可以喝吗, 茶和咖啡); not inside a longer word (水肿, 肝功能, 血糖, 奶奶, 口很咸).
_EATEN_AFTER = set("吃喝点些口杯碗块个片根瓶罐勺盘")
_BOUNDARY = set(" ,，.。;；:：!！?？、和跟与或及")
_FOLLOW = _BOUNDARY | set("能可吗么呢吧行好也还要不都会")
# A word right after these is a test result, not a food (尿蛋白, 血糖).
_LAB_BEFORE = set("尿血")


def _diet_food_stands(text: str, start: int, end: int) -> bool:
    """A word of diet's table at ``text[start:end]`` is a food here (see ``_EATEN_AFTER``)."""
    before = text[start - 1] if start else ""
    if before in _LAB_BEFORE:
        return False
    if end - start > 1 or before in _EATEN_AFTER:
        return True
    after = text[end] if end < len(text) else ""
    return (not before or before in _BOUNDARY) and (not after or after in _FOLLOW)


def _drug_hits(text: str) -> list[tuple[int, int, Term]]:
    """Every drug name and class word of the shared vocabulary in ``text`` (overlapping ones
    included), as a medicine. A drug name's canonical name is ``drugs.display_name`` (a product
    keeps its name, a synonym or abbreviation becomes the ingredient's name: 扑热息痛, MTX →
    对乙酰氨基酚, 甲氨蝶呤); a class word keeps its own (folded) and carries its classes.
    Drinks (白酒: ethanol's names) are left out: the diet route's."""
    out = []
    for m in drugs.name_mentions(text, class_words=True):
        written = text[m.start : m.end]
        if m.classes:
            term = Term("medicine", written, m.name, m.classes)
        else:
            term = Term("medicine", written, drugs.display_name(m.name))
        out.append((m.start, m.end, term))
    return out


def find(text: str) -> dict[str, list[str]]:
    """Canonical entities in ``text`` by kind, in order of first appearance, no overlaps."""
    out: dict[str, list[str]] = {"medicine": [], "food": [], "symptom": [], "greeting": []}
    for _, _, t in hits(text):
        if t.canonical not in out.setdefault(t.kind, []):
            out[t.kind].append(t.canonical)
    return out


def _in_symptom(text: str, start: int, end: int, said: list[tuple[int, int]]) -> bool:
    """The food word at ``text[start:end]`` lies inside a longer symptom term, not as what was
    eaten or drunk in it (吃了海鲜 of an allergen exposure stays 海鲜)."""
    return any(
        s <= start and end <= e and e - s > end - start and not {"吃", "喝"} & set(text[s:start])
        for s, e in said
    )


def hits(text: str) -> list[tuple[int, int, Term]]:
    """(start, end, term) of every dictionary row, food of diet's table and drug name in
    ``text``, longest first (牙龈出血 wins over 出血), no overlaps, in order of appearance; an
    own row wins over a drug name of the same length, a drug name over a food of diet's table
    (藿香正气水, 碳酸钙 are medicines; ethanol's names, 白酒, are no drug names here: foods). A
    food word inside a symptom of the shared lexicon is that symptom (水肿, 肌肉酸痛)."""
    candidates: list[tuple[int, int, int, Term]] = []  # (rank, start, end, term)
    for t in terms():
        start = text.find(t.term)
        while start != -1:
            candidates.append((0, start, start + len(t.term), t))
            start = text.find(t.term, start + 1)
    candidates += [(1, s, e, t) for s, e, t in _drug_hits(text)]
    foods = []
    for t in diet_foods():
        start = text.find(t.term)
        while start != -1:
            if _diet_food_stands(text, start, start + len(t.term)):
                foods.append((2, start, start + len(t.term), t))
            start = text.find(t.term, start + 1)
    if foods:
        said = [m.span for m in symptoms.find_symptoms(text)]
        candidates += [c for c in foods if not _in_symptom(text, c[1], c[2], said)]
    taken = [False] * len(text)
    found: list[tuple[int, int, Term]] = []
    for _rank, start, end, t in sorted(candidates, key=lambda c: (c[1] - c[2], c[0], c[1])):
        if not any(taken[start:end]):
            taken[start:end] = [True] * (end - start)
            found.append((start, end, t))
    return sorted(found, key=lambda h: h[0])


def kind_of(name: str) -> str | None:
    """The kind of a whole word: a dictionary row (term or canonical name), or ``medicine``
    for a drug name (not a drink) or a class word of the shared vocabulary."""
    for t in (*terms(), *diet_foods()):
        if t.term == name or t.canonical == name:
            return t.kind
    keys = drugs.name_index().get(drugs.fold(name))
    if (keys and not set(keys) <= drugs.DRINKS) or drugs.word_classes(name):
        return "medicine"
    return None
