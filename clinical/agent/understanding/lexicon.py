"""Entity dictionary (data/lexicon.csv: medicines, foods, symptoms; one source per row)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "lexicon.csv"


@dataclass(frozen=True)
class Term:
    kind: str
    term: str
    canonical: str


@cache
def terms() -> tuple[Term, ...]:
    """All terms, longest first (so 牙龈出血 wins over 出血)."""
    with DATA.open(encoding="utf-8", newline="") as fh:
        rows = [Term(r["kind"], r["term"], r["canonical"]) for r in csv.DictReader(fh)]
    return tuple(sorted(rows, key=lambda t: -len(t.term)))


def find(text: str) -> dict[str, list[str]]:
    """Canonical entities in ``text`` by kind, in order of first appearance, no overlaps."""
    out: dict[str, list[str]] = {"medicine": [], "food": [], "symptom": []}
    for _, _, t in hits(text):
        if t.canonical not in out[t.kind]:
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
