"""Benign over-triage on the round-3 development set (tests/followup/followup_vignettes_benign_r3.yaml).

Usage: .venv/bin/python bench/followup_benign_r3.py [--misses] [--file YAML]

``--file`` scores another development file of the same format instead (the residue set,
tests/followup/followup_vignettes_residue.yaml: a recognised complaint and other words in one
clause).

Runs the follow-up engine in memory (the same records the tests push through /fhir) and prints:

- benign over-triage: benign controls (``benign: true``) that got ``urgent`` or worse (#15 target
  <= 15 %), per family; and how many got ``review`` (the care team reads their words within
  24 h: the safety net, not over-triage);
- look-alike sensitivity: controls hiding a red flag (``benign: false``) that got at least their
  reference;
- when the file has ``expect: emergency`` cases (the emergency set r5,
  tests/followup/followup_vignettes_emergency_r5.yaml): emergency sensitivity per family (#15 target
  100 %), and urgent look-alikes raised to emergency (over-triage of ``expect: urgent``);
- when some emergencies carry ``transfer: true`` (the emergency set r6,
  tests/followup/followup_vignettes_emergency_r6.yaml): emergency sensitivity of the tuning part
  and of the transfer check apart (the transfer cases are never looked at when rules are tuned;
  per-family lines and ``--misses`` cover only the tuning part for that reason).

Development material only (no sealed file is read); ``--misses`` lists the ids and the
unrecognised words of every miss.
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

BENIGN_R3 = ROOT / "tests" / "followup" / "followup_vignettes_benign_r3.yaml"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--misses", action="store_true", help="list every miss with its reasons")
    parser.add_argument("--file", type=Path, default=BENIGN_R3, help="development vignettes")
    args = parser.parse_args()
    now = timezone.now()
    fam: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    over, benign, under, looks, review = 0, 0, 0, 0, 0
    misses: list[str] = []
    emerg: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    raised: list[str] = []
    n_urgent = 0
    # emergency sensitivity of the tuning part and of the transfer check: [hit, n]
    split: dict[bool, list[int]] = {False: [0, 0], True: [0, 0]}
    for v in load_vignettes(args.file):
        out = assess_record(vignette_record(v, now), now)
        got = out["disposition"]
        if v["benign"]:
            benign += 1
            bad = rank(got) >= rank("urgent")
            over += bad
            review += got == "review"
            fam[v["family"]][0] += bad
            fam[v["family"]][1] += 1
        else:
            looks += 1
            bad = rank(got) < rank(v["expect"])
            under += bad
            if v["expect"] == "emergency":
                if not v.get("transfer"):  # per family: the tuning part only
                    emerg[v["family"]][0] += got == "emergency"
                    emerg[v["family"]][1] += 1
                split[bool(v.get("transfer"))][0] += got == "emergency"
                split[bool(v.get("transfer"))][1] += 1
            elif v["expect"] == "urgent":
                n_urgent += 1
                if got == "emergency":
                    top = [r["code"] for r in out["reasons"] if r["disposition"] == "emergency"]
                    raised.append(f"{v['id']}: {', '.join(top)}")
        if bad and not v.get("transfer"):
            why = "; ".join(f"{r['code']}: {r['text'][:60]}" for r in out["reasons"])
            misses.append(f"  {v['id']}: {got} (expected {v['expect']}) {why}")
    for name, (n_bad, n) in sorted(fam.items()):
        print(f"{name:<18} over-triage {n_bad:>3}/{n:<3} = {n_bad / n:6.1%}")
    print(f"benign over-triage: {over}/{benign} = {over / benign:.1%}")
    print(f"benign at review (care team reads within 24 h, not over-triage): {review}/{benign}")
    print(f"look-alike under-triage: {under}/{looks} = {under / looks:.1%}")
    if emerg:
        for name, (hit, n) in sorted(emerg.items()):
            print(f"{name:<18} emergency sensitivity {hit:>3}/{n:<3} = {hit / n:6.1%}")
        hit = split[False][0] + split[True][0]
        n = split[False][1] + split[True][1]
        print(f"emergency sensitivity: {hit}/{n} = {hit / n:.1%}")
        if split[True][1]:
            for part, is_transfer in (("tuning part", False), ("transfer check", True)):
                h, m = split[is_transfer]
                print(f"emergency sensitivity, {part}: {h}/{m} = {h / m:.1%}")
    if n_urgent:
        print(f"urgent look-alikes raised to emergency: {len(raised)}/{n_urgent}")
        if args.misses and raised:
            print("raised:\n" + "\n".join(f"  {i}" for i in raised))
    if args.misses:
        print("misses:")
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
