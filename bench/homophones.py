"""Homophones of the characters of red-flag terms (issue #23 round 4): regenerate
``clinical/knowledge/data/symptom_homophones.csv`` reviewably.

Patients type with a pinyin input method; a wrong candidate of the same reading turns 呼吸困难
into 呼吸困南 and 口吐白沫 into 口吐白末. For every character of a term whose concept is a red
flag (level urgent or emergency), the table lists the common characters (GB2312 level 1, the
3,755 most frequent) whose most common reading, without tone, is the same (pypinyin's
``lazy_pinyin``, data from the pinyin-data project / Unihan kMandarin). The lexicon reads a red-flag
term with exactly one character replaced by one of its homophones as that red flag
(``clinical/knowledge/symptoms.py``); the table is data, the lexicon needs no pypinyin.

    pip install --target /tmp/pyp pypinyin==0.55.0
    PYTHONPATH=/tmp/pyp python bench/homophones.py           # print the rows
    PYTHONPATH=/tmp/pyp python bench/homophones.py --write   # rewrite the reading rows

Deterministic: characters sorted; the ``not_typo`` rows (real words that look like a typo,
written by hand with their reason) are kept as they are.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "clinical" / "knowledge" / "data" / "symptom_homophones.csv"
FIELDS = ["kind", "text", "reading", "homophones", "source"]


def _level1() -> list[str]:
    """GB2312 level-1 hanzi (rows 16-55), in code order."""
    out = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return out


def rows() -> list[dict[str, str]]:
    import pypinyin

    sys.path.insert(0, str(ROOT))
    from clinical.knowledge import symptoms

    chars = sorted(
        {
            ch
            for form, concept in symptoms.concept_terms()
            if symptoms.at_least(concept, "urgent")
            for ch in form
            if "\u4e00" <= ch <= "\u9fff"
        }
    )
    by_reading: dict[str, list[str]] = {}
    for ch in _level1():
        by_reading.setdefault(pypinyin.lazy_pinyin(ch)[0], []).append(ch)
    out = []
    version = getattr(pypinyin, "__version__", "?")
    for ch in chars:
        reading = pypinyin.lazy_pinyin(ch)[0]
        same = [c for c in by_reading.get(reading, []) if c != ch]
        if same:
            out.append(
                {
                    "kind": "reading",
                    "text": ch,
                    "reading": reading,
                    "homophones": "".join(same),
                    "source": f"pypinyin {version} lazy_pinyin (pinyin-data, Unihan kMandarin): "
                    "GB2312 level-1 characters of the same toneless reading",
                }
            )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    found = rows()
    if not args.write:
        for r in found:
            print(f"{r['text']}\t{r['reading']}\t{r['homophones']}")
        print(f"{len(found)} characters")
        return 0
    kept = []
    if TABLE.exists():
        with TABLE.open(encoding="utf-8", newline="") as fh:
            kept = [r for r in csv.DictReader(fh) if r["kind"] != "reading"]
    with TABLE.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(found)
        w.writerows(kept)
    print(f"{len(found)} reading rows, {len(kept)} other rows kept")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
