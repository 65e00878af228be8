"""Triage accuracy of the follow-up engine on the written vignettes (tests/followup).

Usage: .venv/bin/python bench/followup_accuracy.py

Runs the engine in memory on each vignette (the same bundles the tests push through /fhir)
and prints accuracy per reference disposition, the confusion matrix, and the under-triage rate
(result less urgent than the reference), which must be zero on emergencies.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
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
from clinical.followup.services.ruledata import DISPOSITIONS, rank  # noqa: E402


def main() -> int:
    now = timezone.now()
    vignettes = load_vignettes()
    confusion: Counter[tuple[str, str]] = Counter()
    for v in vignettes:
        got = assess_record(vignette_record(v, now), now)["disposition"]
        confusion[(v["expect"], got)] += 1
    print(f"{len(vignettes)} vignettes; rows = reference, columns = engine")
    print(f"{'':>10} " + " ".join(f"{d:>10}" for d in DISPOSITIONS))
    for ref in DISPOSITIONS:
        print(f"{ref:>10} " + " ".join(f"{confusion[(ref, got)]:>10}" for got in DISPOSITIONS))
    print()
    worst_under = 0.0
    for ref in DISPOSITIONS:
        total = sum(confusion[(ref, g)] for g in DISPOSITIONS)
        right = confusion[(ref, ref)]
        under = sum(confusion[(ref, g)] for g in DISPOSITIONS if rank(g) < rank(ref))
        rate = under / total if total else 0.0
        if ref == "emergency":
            worst_under = rate
        print(
            f"{ref:>10}: accuracy {right}/{total} = {right / total:.1%}, "
            f"under-triage {under}/{total} = {rate:.1%}"
        )
    total = sum(confusion.values())
    right = sum(confusion[(d, d)] for d in DISPOSITIONS)
    under = sum(n for (ref, got), n in confusion.items() if rank(got) < rank(ref))
    over = sum(n for (ref, got), n in confusion.items() if rank(got) > rank(ref))
    print(
        f"   overall: accuracy {right}/{total} = {right / total:.1%}, "
        f"under-triage {under / total:.1%}, over-triage {over / total:.1%}"
    )
    return 1 if worst_under > 0 else 0


if __name__ == "__main__":
    sys.exit(main())
