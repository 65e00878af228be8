"""Loading of the monitor's data files (``clinical/monitor/data/*.csv``), each row sourced."""

from __future__ import annotations

import csv
import re
from functools import cache, lru_cache
from pathlib import Path

from clinical.knowledge.text import normalize

DATA_DIR = Path(__file__).resolve().parent / "data"


class LexiconError(RuntimeError):
    """A data file is missing, malformed or has a row without a source."""


@cache
def rows(name: str) -> tuple[dict[str, str], ...]:
    """Rows of ``data/<name>.csv``; every row must carry a non-empty ``source``."""
    path = DATA_DIR / f"{name}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        out = tuple(dict(r) for r in csv.DictReader(fh))
    for i, row in enumerate(out, start=2):
        if not (row.get("source") or "").strip():
            raise LexiconError(f"{path.name}:{i}: row without a source")
    return out


@lru_cache(maxsize=50_000)
def fold(pattern: str) -> str:
    """Normalise a pattern the same way message text is normalised (两片 → 2片, ASCII lower).

    Memoised (pure): the checks fold the same order, allergy and condition texts for every
    message of a patient."""
    return normalize(pattern).text


@cache
def compiled(
    name: str, column: str = "pattern"
) -> tuple[tuple[re.Pattern[str], dict[str, str]], ...]:
    """Each row's ``column`` compiled as a regex on normalised text, with its row."""
    out = []
    for row in rows(name):
        try:
            out.append((re.compile(fold(row[column])), row))
        except re.error as exc:
            raise LexiconError(f"{name}.csv: bad pattern {row[column]!r}: {exc}") from exc
    return tuple(out)


@cache
def alternation(name: str, column: str) -> re.Pattern[str]:
    """One regex matching any ``|``-separated term of ``column`` over all rows (longest first)."""
    terms: set[str] = set()
    for row in rows(name):
        terms.update(t for t in fold(row[column]).split("|") if t)
    return re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)))


@cache
def negation_re() -> re.Pattern[str]:
    return alternation("negations", "pattern")
