"""Hypothetical and conditional symptoms (#15, #23 task B) on their development set
(tests/followup/followup_vignettes_hypothetical.yaml).

Usage: .venv/bin/python bench/followup_hypothetical.py [--misses]

Runs the follow-up engine in memory (the records the tests push through /fhir) and prints:

- over-triaged: hypothetical questions (``benign: true``: the patient asks what to do IF) that got
  ``urgent`` or worse, or a red-flag reason;
- unnoted: hypothetical questions with no ``patient-question`` note for the care team;
- under-read: look-alikes (``benign: false``: the symptom is also present) that got less than
  their ``plain`` complaint alone in the same record.

Development material only (no sealed file is read).
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

CASES = ROOT / "tests" / "followup" / "followup_vignettes_hypothetical.yaml"


def with_answer(v: dict, answer: str) -> dict:
    """``v`` with its (single) survey answer replaced by ``answer``."""
    (question, _, days) = v["survey"][0]
    return {**v, "id": v["id"] + "-plain", "survey": [[question, answer, days]]}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--misses", action="store_true", help="list every miss with its reasons")
    args = parser.parse_args()
    now = timezone.now()
    over = unnoted = under = benign = looks = 0
    misses: list[str] = []
    for v in load_vignettes(CASES):
        out = assess_record(vignette_record(v, now), now)
        got = out["disposition"]
        codes = [r["code"] for r in out["reasons"]]
        if v["benign"]:
            benign += 1
            if rank(got) >= rank("urgent"):
                over += 1
                misses.append(f"over  {v['id']}: {got} {codes}")
            if not any(n["code"] == "patient-question" for n in out["notes"]):
                unnoted += 1
                misses.append(f"note  {v['id']}: no patient-question note")
        else:
            looks += 1
            plain = assess_record(vignette_record(with_answer(v, v["plain"]), now), now)
            if rank(got) < rank(plain["disposition"]):
                under += 1
                misses.append(f"under {v['id']}: {got} < {plain['disposition']} {codes}")
    print(f"hypothetical questions over-triaged (urgent or worse): {over}/{benign}")
    print(f"hypothetical questions without a patient-question note: {unnoted}/{benign}")
    print(f"look-alikes under-read (below the complaint alone): {under}/{looks}")
    if args.misses:
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
