"""Score the follow-up development set "missing r7" (tests/followup/followup_vignettes_missing_r7.yaml).

Usage: .venv/bin/python bench/followup_missing_r7.py [--misses]

Runs the follow-up engine in memory (the records the tests push through /fhir) and prints, for
the tuning part and the transfer check apart (``transfer: true``, never looked at when rules are
tuned): cases right (a benign look-alike below urgent, any other exactly its ``expect``), benign
look-alikes raised to urgent or worse, and dangers below their reference. Per-family lines and
``--misses`` cover the tuning part only. Development material only (no sealed file is read).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "followup"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ammed_fhir.settings")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402
from followup_vignette_builder import load_vignettes, vignette_record  # noqa: E402

from clinical.followup.services.engine import assess_record  # noqa: E402
from clinical.followup.services.ruledata import rank  # noqa: E402

MISSING_R7 = ROOT / "tests" / "followup" / "followup_vignettes_missing_r7.yaml"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--misses", action="store_true", help="list the tuning part's misses")
    args = parser.parse_args()
    now = timezone.now()
    # per part: [right, n, benign raised, benign n, under, danger n]
    part: dict[bool, list[int]] = {False: [0] * 6, True: [0] * 6}
    fam: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses: list[str] = []
    for v in load_vignettes(MISSING_R7):
        out = assess_record(vignette_record(v, now), now)
        got = out["disposition"]
        p = part[bool(v.get("transfer"))]
        if v["benign"]:
            ok = rank(got) < rank("urgent")
            p[2] += not ok
            p[3] += 1
        else:
            ok = got == v["expect"]
            p[4] += rank(got) < rank(v["expect"])
            p[5] += 1
        p[0] += ok
        p[1] += 1
        if not v.get("transfer"):
            fam[v["family"]][0] += ok
            fam[v["family"]][1] += 1
            if not ok:
                why = "; ".join(f"{r['code']}: {r['text'][:50]}" for r in out["reasons"])
                misses.append(f"  {v['id']}: {got} (expected {v['expect']}) {why}")
    for name, (hit, n) in sorted(fam.items()):
        print(f"{name:<16} tuning right {hit:>2}/{n}")
    for label, is_transfer in (("tuning part", False), ("transfer check", True)):
        right, n, raised, nb, under, nd = part[is_transfer]
        print(
            f"{label}: right {right}/{n}; benign raised to urgent+ {raised}/{nb}; "
            f"dangers below reference {under}/{nd}"
        )
    if args.misses:
        print("misses (tuning part):\n" + "\n".join(misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
