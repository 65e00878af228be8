"""Symptom terms from CMeKG (PyCMeKG 0.2.5, MIT; issue #23): regenerate them reviewably.

The graph (``pyCMeKG/model/cmekg.pkl``, 27,403 entities) holds symptom entities with ICD-10
codes and alias relations (别称, 又称, 英文别名). A CMeKG entity is mapped to one of our concepts
only when it is unambiguous:

- the entity is a symptom or sign: its ICD-10 code is in chapter R ("Symptoms, signs and
  abnormal clinical and laboratory findings, not elsewhere classified"); disease entities
  (口眼歪斜 G51.0 → 面神经麻痹, 阻塞性睡眠呼吸暂停低通气综合征 G47.3) are left out, since the
  lexicon names complaints, not diagnoses (docs/lexicon_labelling.md);
- its name or one of its aliases, normalised (``clinical.knowledge.text``), equals a term of
  ``symptom_terms.csv`` of exactly one concept;
- then its name and Chinese aliases not already a term of any concept become terms of that
  concept, unless another qualifying entity maps the same word to another concept.

    python bench/cmekg_terms.py            # the rows CMeKG gives, and which are missing
    python bench/cmekg_terms.py --append   # append the missing rows at the END of
                                           # clinical/knowledge/data/symptom_terms.csv

Deterministic (sorted); rerunning after ``--append`` finds nothing missing.
"""

from __future__ import annotations

import argparse
import csv
import pickle
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TERMS = ROOT / "clinical" / "knowledge" / "data" / "symptom_terms.csv"
SOURCE = "CMeKG via PyCMeKG 0.2.5"
ALIAS_RELATIONS = ("别称", "又称", "英文别名")
_CJK = re.compile(r"[\u4e00-\u9fff]+")


def _graph() -> dict[str, dict[str, list[str]]]:
    import pyCMeKG

    path = Path(pyCMeKG.__file__).resolve().parent / "model" / "cmekg.pkl"
    with path.open("rb") as fh:
        return pickle.load(fh)  # the package's own data file


def rows() -> list[dict[str, str]]:
    """The term rows CMeKG gives (concept, term, site, source), sorted."""
    sys.path.insert(0, str(ROOT))
    from clinical.knowledge.text import normalize

    def norm(word: str) -> str:
        return "".join(normalize(word).text.split())

    with TERMS.open(encoding="utf-8", newline="") as fh:
        known: dict[str, set[str]] = defaultdict(set)
        for r in csv.DictReader(fh):
            known[norm(r["term"])].add(r["concept"])
    graph = _graph()
    words: dict[str, set[tuple[str, str, str]]] = defaultdict(set)  # word → (concept, entity, icd)
    for name, entity in sorted(graph.items()):
        icd = next(iter(entity.get("ICD10") or []), "")
        if not icd.startswith("R"):
            continue
        aliases = [a for rel in ALIAS_RELATIONS for a in entity.get(rel, [])]
        concepts = set().union(*(known.get(norm(w), set()) for w in [name, *aliases]))
        if len(concepts) != 1:
            continue
        concept = next(iter(concepts))
        for word in [name, *aliases]:
            n = norm(word)
            if n not in known and _CJK.fullmatch(n):
                words[n].add((concept, name, icd))
    out = []
    for word, hits in sorted(words.items()):
        if len({c for c, _, _ in hits}) != 1:
            continue  # two entities map the word to two concepts
        concept, name, icd = sorted(hits)[0]
        out.append(
            {
                "concept": concept,
                "term": word,
                "site": "",
                "source": f"{SOURCE}: entity {name} (ICD-10 {icd}), its name or alias",
            }
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--append", action="store_true")
    args = parser.parse_args()
    found = rows()
    for r in found:
        print(f"{r['concept']}\t{r['term']}\t{r['source']}")
    print(f"{len(found)} rows from CMeKG not yet in {TERMS.name}")
    if args.append and found:
        with TERMS.open("a", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=["concept", "term", "site", "source"])
            w.writerows(found)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
