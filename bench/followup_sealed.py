"""Follow-up triage on the development vignettes and the sealed set, per clinical family (#15).

Usage: .venv/bin/python bench/followup_sealed.py [--json OUT] [--dev-only]

``--dev-only`` scores only the development files (followup_vignettes.yaml,
followup_vignettes_r3.yaml, followup_vignettes_r4.yaml and followup_vignettes_windows.yaml, with
their misses by id) and prints nothing about the sealed sets.

Runs the engine in memory (the same records the tests push through /fhir) on
tests/followup/followup_vignettes.yaml (development set: the rules were written against it) and
tests/followup/sealed/vignettes.yaml (sealed: written before the #15 rule changes; never tune
rules to it) and tests/followup/sealed/vignettes_r2.yaml (second sealed set, written blind after the
first round of #15 changes; same rule). Per family it prints:

- emergency sensitivity: vignettes whose reference is ``emergency`` that got ``emergency``;
- urgent-or-worse sensitivity: references ``urgent``/``emergency`` that got at least ``urgent``;
- review+: the same references that reached at least ``review`` (the care team reads the
  patient's words and contacts them within 24 h: #15's "clinician review within 24 h" floor for
  words nothing reads), beside urgent+ (the patient is asked to be seen within 24 h);
- benign over-triage: benign controls (sealed: ``benign: true``; development: reference
  ``self-care``/``routine``) that got ``urgent`` or worse.

and the under-triaged development vignettes by id; for the sealed sets only the number of misses
(``--sealed-misses`` lists their ids, to report, never to tune against).
"""

from __future__ import annotations

import argparse
import json
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
from followup_vignette_builder import (  # noqa: E402
    SEALED,
    SEALED_R2,
    VIGNETTES,
    VIGNETTES_R3,
    VIGNETTES_R4,
    VIGNETTES_WINDOWS,
    load_vignettes,
    vignette_record,
)

from clinical.followup.services.engine import assess_record  # noqa: E402
from clinical.followup.services.ruledata import rank  # noqa: E402


def _benign(v: dict) -> bool:
    return bool(v.get("benign")) or ("benign" not in v and rank(v["expect"]) <= rank("routine"))


def score(vignettes: list[dict]) -> dict:
    now = timezone.now()
    fam: dict[str, dict[str, list[int]]] = defaultdict(
        lambda: {"emergency": [0, 0], "urgent+": [0, 0], "review+": [0, 0], "benign_over": [0, 0]}
    )
    misses: list[dict] = []
    for v in vignettes:
        got = assess_record(vignette_record(v, now), now)["disposition"]
        for key in (v["family"], "ALL"):
            f = fam[key]
            if v["expect"] == "emergency":
                f["emergency"][1] += 1
                f["emergency"][0] += got == "emergency"
            if rank(v["expect"]) >= rank("urgent"):
                f["urgent+"][1] += 1
                f["urgent+"][0] += rank(got) >= rank("urgent")
                f["review+"][1] += 1
                f["review+"][0] += rank(got) >= rank("review")
            if _benign(v):
                f["benign_over"][1] += 1
                f["benign_over"][0] += rank(got) >= rank("urgent")
        if rank(got) < rank(v["expect"]) or (_benign(v) and rank(got) >= rank("urgent")):
            misses.append({"id": v["id"], "expect": v["expect"], "got": got})
    return {"families": dict(fam), "misses": misses, "n": len(vignettes)}


def _cell(pair: list[int]) -> str:
    n, d = pair
    return f"{n}/{d} ({n / d:.0%})" if d else "—"


def show(name: str, result: dict, *, list_misses: bool = True) -> None:
    print(f"\n## {name}: {result['n']} vignettes")
    print(
        f"{'family':<26}{'emergency sens.':>18}{'urgent+ sens.':>18}{'review+':>16}"
        f"{'benign over-triage':>22}"
    )
    fams = sorted(k for k in result["families"] if k != "ALL") + ["ALL"]
    for k in fams:
        f = result["families"][k]
        print(
            f"{k:<26}{_cell(f['emergency']):>18}{_cell(f['urgent+']):>18}"
            f"{_cell(f['review+']):>16}{_cell(f['benign_over']):>22}"
        )
    if not list_misses:
        print(
            f"misses: {len(result['misses'])} (ids not printed: sealed; --sealed-misses lists them)"
        )
        return
    print("misses (under-triage, or benign control at urgent+):")
    for m in result["misses"]:
        print(f"  {m['id']}: expect {m['expect']}, got {m['got']}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", help="write the figures to this file (sealed: totals only)")
    ap.add_argument(
        "--sealed-misses",
        action="store_true",
        help="also list the sealed misses by id (for the closing report, never for tuning)",
    )
    ap.add_argument(
        "--dev-only",
        action="store_true",
        help="score only the development files (old, r3, r4, windows); nothing about the sealed sets",
    )
    args = ap.parse_args()
    if args.dev_only:
        dev = {
            "development": score(load_vignettes(VIGNETTES)),
            "development_r3": score(load_vignettes(VIGNETTES_R3)),
            "development_r4": score(load_vignettes(VIGNETTES_R4)),
            "development_windows": score(load_vignettes(VIGNETTES_WINDOWS)),
        }
        show("development set (tests/followup/followup_vignettes.yaml)", dev["development"])
        show(
            "development set r3 (tests/followup/followup_vignettes_r3.yaml)", dev["development_r3"]
        )
        show(
            "development set r4 (tests/followup/followup_vignettes_r4.yaml)", dev["development_r4"]
        )
        show(
            "development set windows (tests/followup/followup_vignettes_windows.yaml)",
            dev["development_windows"],
        )
        if args.json:
            Path(args.json).write_text(json.dumps(dev, ensure_ascii=False, indent=1), "utf-8")
        return 0
    out = {
        "development": score(load_vignettes(VIGNETTES)),
        "sealed": score(load_vignettes(SEALED)),
        "sealed_r2": score(load_vignettes(SEALED_R2)),
    }
    show("development set (tests/followup/followup_vignettes.yaml)", out["development"])
    show(
        "SEALED set (tests/followup/sealed/vignettes.yaml)",
        out["sealed"],
        list_misses=args.sealed_misses,
    )
    show(
        "SEALED set r2 (tests/followup/sealed/vignettes_r2.yaml)",
        out["sealed_r2"],
        list_misses=args.sealed_misses,
    )
    if args.json:
        if not args.sealed_misses:
            for key in ("sealed", "sealed_r2"):
                out[key] = {**out[key], "misses": len(out[key]["misses"])}
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
