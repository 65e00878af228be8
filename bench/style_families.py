"""Style families (tests/knowledge/style_families.yaml, #15/#23): per writing style, how many
variants of a red-flag statement the shared lexicon reads as the family's concept, and how many
benign look-alikes it reads as present (false positives), through ``symptoms.present``.

Usage: PYTHONPATH=. .venv/bin/python bench/style_families.py [--misses]

Development material only (no sealed file is read); ``--misses`` lists every variant missed and
every look-alike read, with what was read.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ammed_fhir.settings")

import yaml  # noqa: E402

from clinical.knowledge.symptoms import present  # noqa: E402

DATA = ROOT / "tests" / "knowledge" / "style_families.yaml"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--misses", action="store_true", help="list misses and false positives")
    args = parser.parse_args()
    hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    false_pos: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    lines: list[str] = []
    for fam in yaml.safe_load(DATA.read_text(encoding="utf-8"))["families"]:
        for v in fam["variants"]:
            want = set(v.get("concepts") or fam["concepts"])
            got = set(present(v["text"]))
            ok = bool(want & got)
            hits[v["style"]][0] += ok
            hits[v["style"]][1] += 1
            if not ok:
                lines.append(f"miss {fam['id']:22} {v['style']:11} {v['text']}  -> {sorted(got)}")
        for v in fam.get("lookalikes", []):
            absent = set(v.get("absent") or fam["concepts"])
            got = set(present(v["text"]))
            bad = bool(absent & got)
            false_pos[v["style"]][0] += bad
            false_pos[v["style"]][1] += 1
            if bad:
                lines.append(f"fp   {fam['id']:22} {v['style']:11} {v['text']}  -> {sorted(got)}")
    read = sum(h for h, _ in hits.values())
    total = sum(n for _, n in hits.values())
    print(f"variants read: {read}/{total}")
    for style, (h, n) in sorted(hits.items()):
        print(f"  {style:12} {h:3}/{n}")
    fp = sum(h for h, _ in false_pos.values())
    fpn = sum(n for _, n in false_pos.values())
    print(f"look-alikes read as present: {fp}/{fpn}")
    for style, (h, n) in sorted(false_pos.items()):
        print(f"  {style:12} {h:3}/{n}")
    if args.misses:
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
