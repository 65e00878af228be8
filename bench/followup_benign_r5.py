"""Benign over-triage on the round-5 set (tests/followup/followup_vignettes_benign_r5.yaml):
answers one to two weeks after surgery, scored on the tuning part and the transfer check apart.

Usage: .venv/bin/python bench/followup_benign_r5.py [--misses]

Over-triage of a benign control (#15 target <= 15 %): ``review`` or worse where its reference
is self-care or routine; the line "urgent+" counts only ``urgent``/``emergency``. Look-alikes
must reach their ``expect``. The transfer part (``transfer: true``) is printed as totals only;
``--misses`` lists tuning-part misses with the rule that fired. Development material only.
"""

from __future__ import annotations

import argparse
import os
import sys
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

R5 = ROOT / "tests" / "followup" / "followup_vignettes_benign_r5.yaml"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--misses", action="store_true", help="tuning-part misses with reasons")
    args = parser.parse_args()
    now = timezone.now()
    # per part: [benign, over (review+), urgent+, look-alikes, under]
    score = {False: [0, 0, 0, 0, 0], True: [0, 0, 0, 0, 0]}
    misses: list[str] = []
    for v in load_vignettes(R5):
        out = assess_record(vignette_record(v, now), now)
        got = out["disposition"]
        s = score[bool(v.get("transfer"))]
        if v["benign"]:
            bad = rank(got) > rank("routine")
            s[0] += 1
            s[1] += bad
            s[2] += rank(got) >= rank("urgent")
        else:
            bad = rank(got) < rank(v["expect"])
            s[3] += 1
            s[4] += bad
        if bad and not v.get("transfer"):
            why = "; ".join(f"{r['code']}: {r['text'][:70]}" for r in out["reasons"])
            misses.append(f"  {v['id']}: {got} (expected {v['expect']}) {why}")
    for part, key in (("tuning part", False), ("transfer check", True)):
        n, over, urg, looks, under = score[key]
        print(
            f"{part:<15} benign over-triage (review+) {over}/{n} = {over / n:.1%}; "
            f"urgent+ {urg}/{n}; look-alike under-triage {under}/{looks}"
        )
    if args.misses:
        print("misses (tuning part):\n" + "\n".join(misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
