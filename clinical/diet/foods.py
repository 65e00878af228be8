"""Food names → lexicon entries → categories.

Clinical invariant: a food counts as *covered* only when every meaningful part of its name
resolves to a lexicon entry; a dish with an unrecognised ingredient ("榴莲披萨") is partial, so
the engine can still warn about the parts it knows but never answers ``ok`` for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clinical.diet.knowledge import ANY_FOOD, PLAIN_WATER, Food, KnowledgeBase, normalise

# Words around food names that carry no food meaning (cooking methods, fillers, verbs).
_FILLER = re.compile(
    r"(凉拌|清蒸|红烧|爆炒|小炒|油焖|水煮|清炖|炖|炒|烧|煮|蒸|烤|炸|煎|拌|焖|卤|熘|汤|粥|羹|"
    r"一点|一些|少量|少许|适量|点儿|点|些|一杯|一碗|一个|一口|一瓶|一罐|杯|碗|个|口|瓶|罐|"
    r"新鲜|生的|熟的|冰镇|冰的|热的|凉的|自制|家常|的|和|与|跟|加|配|或|还有|及|吃|喝|饮|用|能|吗|呢|了)"
)


@dataclass(frozen=True)
class ResolvedFood:
    """What a food name resolved to. ``complete`` is False when part of the name is unknown."""

    text: str
    matches: tuple[Food, ...]
    categories: frozenset[str]
    complete: bool
    surfaces: tuple[str, ...] = ()  # the matched words as written

    @property
    def resolved(self) -> bool:
        return bool(self.matches)

    @property
    def names(self) -> tuple[str, ...]:
        """Every lexicon name that matched (for KG lookups)."""
        out: list[str] = [self.text, *self.surfaces]
        for f in self.matches:
            out.append(f.name)
        return tuple(dict.fromkeys(out))


def segment(text: str, kb: KnowledgeBase) -> tuple[list[tuple[int, int, Food, str]], str]:
    """Greedy longest-match of lexicon names over ``text`` (normalised); returns spans + leftovers."""
    norm = normalise(text)
    spans: list[tuple[int, int, Food, str]] = []
    leftover: list[str] = []
    i = 0
    while i < len(norm):
        for length in range(min(kb.max_food_len, len(norm) - i), 0, -1):
            food = kb.food_index.get(norm[i : i + length])
            if food is not None:
                spans.append((i, i + length, food, norm[i : i + length]))
                i += length
                break
        else:
            leftover.append(norm[i])
            i += 1
    return spans, "".join(leftover)


def food_categories(matches: tuple[Food, ...], kb: KnowledgeBase) -> frozenset[str]:
    cats = kb.expand([c for f in matches for c in f.categories])
    if matches and not cats <= {PLAIN_WATER}:
        cats = cats | {ANY_FOOD}
    return cats


def resolve_food(text: str, kb: KnowledgeBase) -> ResolvedFood:
    """Resolve a food name; unknown names give ``resolved == False`` (never a guess)."""
    spans, leftover = segment(text, kb)
    matches = tuple(dict.fromkeys(f for _, _, f, _ in spans))
    surfaces = tuple(dict.fromkeys(s for _, _, _, s in spans))
    rest = _FILLER.sub("", leftover)
    complete = bool(matches) and not re.search(r"[\w]", rest)
    return ResolvedFood(text.strip(), matches, food_categories(matches, kb), complete, surfaces)
