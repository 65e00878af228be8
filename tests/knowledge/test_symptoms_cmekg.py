"""Terms taken from CMeKG (PyCMeKG 0.2.5) are reviewable and regenerate (issue #23).

Every ``symptom_terms.csv`` row sourced "CMeKG via PyCMeKG 0.2.5" names the entity it came from;
that entity is a symptom or sign (ICD-10 chapter R) whose name or alias is the term, and the
generator (``bench/cmekg_terms.py``) finds nothing missing."""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import pytest

from clinical.knowledge import symptoms

ROOT = Path(__file__).resolve().parents[2]
TERMS = ROOT / "clinical" / "knowledge" / "data" / "symptom_terms.csv"

pytest.importorskip("pyCMeKG")


def _cmekg_rows() -> list[dict[str, str]]:
    with TERMS.open(encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["source"].startswith("CMeKG via PyCMeKG")]


def test_each_cmekg_row_is_an_alias_of_a_chapter_r_entity() -> None:
    sys.path.insert(0, str(ROOT))
    from bench import cmekg_terms

    graph = cmekg_terms._graph()
    rows = _cmekg_rows()
    assert rows
    for r in rows:
        m = re.search(r"entity (\S+) \(ICD-10 (R[\d.]+)\)", r["source"])
        assert m, r
        entity = graph[m.group(1)]
        assert m.group(2) in entity["ICD10"]
        words = [
            m.group(1),
            *(a for rel in cmekg_terms.ALIAS_RELATIONS for a in entity.get(rel, [])),
        ]
        assert r["term"] in words, r


def test_the_generator_finds_nothing_missing() -> None:
    sys.path.insert(0, str(ROOT))
    from bench import cmekg_terms

    assert cmekg_terms.rows() == []


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("最近总是鼻衄", "minor_bleeding"),
        ("孩子慢惊风又犯了", "seizure"),
        ("咽下困难", "unable_to_swallow"),
    ],
)
def test_cmekg_terms_are_read(text: str, concept: str) -> None:
    assert concept in symptoms.present(text)
