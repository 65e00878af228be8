"""Entity dictionary of the agent: drug names and drug-class words are the shared drug
vocabulary's, found by its one finder (``clinical.knowledge.drugs.name_mentions``, issue #23:
泰诺 is the four-ingredient cold remedy there, 泰诺林 plain paracetamol, MTX and SMZ-TMP whole
Latin tokens; 头孢, 降压药, 消炎药, 安眠药 class words of classes.csv); the agent keeps no drug
or class dictionary of its own. data/lexicon.csv holds only what the knowledge layer has no
table for: foods and the agent's own pleasantries (在吗, 再见, hello; with the shared ones,
``discourse.pleasantry_words``, the only words that earn the generic help text); one source
per row. Symptoms are not here: they are the shared lexicon's
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
    # the drug classes a class word names (头孢 → cephalosporin); () for everything else
    classes: tuple[str, ...] = ()


@cache
def terms() -> tuple[Term, ...]:
    """The agent's own rows (foods, pleasantries), longest first."""
    with DATA.open(encoding="utf-8", newline="") as fh:
        rows = [Term(r["kind"], r["term"], r["canonical"]) for r in csv.DictReader(fh)]
    return tuple(sorted(rows, key=lambda t: -len(t.term)))


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


def hits(text: str) -> list[tuple[int, int, Term]]:
    """(start, end, term) of every dictionary row and drug name in ``text``, longest first
    (牙龈出血 wins over 出血), no overlaps, in order of appearance; a dictionary row wins over a
    drug name of the same length (白酒 is a food)."""
    candidates: list[tuple[int, int, int, Term]] = []  # (rank, start, end, term)
    for t in terms():
        start = text.find(t.term)
        while start != -1:
            candidates.append((0, start, start + len(t.term), t))
            start = text.find(t.term, start + 1)
    candidates += [(1, s, e, t) for s, e, t in _drug_hits(text)]
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
    for t in terms():
        if t.term == name or t.canonical == name:
            return t.kind
    keys = drugs.name_index().get(drugs.fold(name))
    if (keys and not set(keys) <= drugs.DRINKS) or drugs.word_classes(name):
        return "medicine"
    return None
