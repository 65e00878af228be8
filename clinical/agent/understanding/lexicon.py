"""Entity dictionary: drug names from the shared drug knowledge (``clinical.knowledge.drugs``,
issue #23: 泰诺 is the four-ingredient cold remedy there, 泰诺林 plain paracetamol), and
data/lexicon.csv for foods, the colloquial medicine CLASS words the knowledge has no drug
for (降压药, 消炎药 …) and pleasantries (你好, 谢谢: the only words that earn the generic help
text); one source per row. Symptoms are not here: they are the shared lexicon's
(``clinical.knowledge.symptoms``). Callers pass text already folded (``rules._normalise``)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from clinical.knowledge import drugs

DATA = Path(__file__).resolve().parent.parent / "data" / "lexicon.csv"


@dataclass(frozen=True)
class Term:
    kind: str
    term: str
    canonical: str


def drug_terms(taken: set[str] | frozenset[str] = frozenset()) -> list[Term]:
    """Every Chinese drug name the shared knowledge knows, as a medicine term whose canonical
    name is ``drugs.display_name`` (a product keeps its name, a synonym becomes the
    ingredient's name). ASCII names are left to the KB's word-bounded mention finder."""
    out = []
    for name, keys in drugs.name_index().items():
        if len(name) < 2 or name.isascii() or name in taken:
            continue
        if set(keys) & drugs.DRINKS:  # 白酒, 饮酒 and what holds them: the diet route's
            continue
        out.append(Term("medicine", name, drugs.display_name(name)))
    return out


@cache
def terms() -> tuple[Term, ...]:
    """All terms, longest first (so 牙龈出血 wins over 出血); a dictionary row wins over a
    drug name of the same length (白酒 is a food)."""
    with DATA.open(encoding="utf-8", newline="") as fh:
        rows = [Term(r["kind"], r["term"], r["canonical"]) for r in csv.DictReader(fh)]
    rows += drug_terms({r.term for r in rows})
    return tuple(sorted(rows, key=lambda t: -len(t.term)))


def find(text: str) -> dict[str, list[str]]:
    """Canonical entities in ``text`` by kind, in order of first appearance, no overlaps."""
    out: dict[str, list[str]] = {"medicine": [], "food": [], "symptom": [], "greeting": []}
    for _, _, t in hits(text):
        if t.canonical not in out.setdefault(t.kind, []):
            out[t.kind].append(t.canonical)
    return out


def hits(text: str) -> list[tuple[int, int, Term]]:
    """(start, end, term) of every dictionary term in ``text``, longest first, no overlaps,
    in order of appearance."""
    taken = [False] * len(text)
    found: list[tuple[int, Term]] = []
    for t in terms():
        start = text.find(t.term)
        while start != -1:
            end = start + len(t.term)
            if not any(taken[start:end]):
                taken[start:end] = [True] * (end - start)
                found.append((start, t))
            start = text.find(t.term, end)
    return [(start, start + len(t.term), t) for start, t in sorted(found, key=lambda h: h[0])]


def kind_of(name: str) -> str | None:
    for t in terms():
        if t.term == name or t.canonical == name:
            return t.kind
    return None
