"""How many orders in our sig corpora stop in review for lack of a KB label maximum.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ammed_i4 .venv/bin/python bench/dose_review.py

Corpora: tests/orders/sig_corpus.yaml, bench/reminders.py SIGS, training/vignettes.py
medications. Each sig is parsed (clinical.knowledge.sigs) and dose-checked (adult, 50 y) exactly
as the planner does; prints totals and the drugs whose issue is "no maximum on file".
"""

from __future__ import annotations

import collections
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ammed_fhir.settings")

import django  # noqa: E402

django.setup()

import yaml  # noqa: E402

from bench.reminders import SIGS  # noqa: E402
from clinical.knowledge.sigs import parse_sig  # noqa: E402
from clinical.orders.services.dose_check import check_dose  # noqa: E402
from training.vignettes import CONDITIONS  # noqa: E402


def sigs() -> list[str]:
    corpus = yaml.safe_load((ROOT / "tests/orders/sig_corpus.yaml").read_text("utf-8"))
    out = [c["text"] for c in corpus if not c.get("review")]
    out += [s for _, s in SIGS]
    out += [m for _, meds in CONDITIONS for m in meds]
    return out


def main() -> None:
    texts = sigs()
    review, no_max, kinds = 0, collections.Counter(), collections.Counter()
    for text in texts:
        parsed = parse_sig(text)
        dosage = parsed.dosage
        if not (dosage.get("timing") or {}).get("repeat") or dosage.get("asNeededBoolean"):
            continue  # prn / no clock: not a scheduled order, the dose check is not the gate
        issues = check_dose(parsed.medication or "", [], dosage, 50)
        if issues:
            review += 1
            for issue in issues:
                kinds[issue.split(": ", 1)[-1].split("(")[0]] += 1
                if "没有说明书最大剂量" in issue:
                    no_max[issue.split(":")[0]] += 1
    print(f"sigs: {len(texts)}  dose-check review: {review}")
    for kind, n in kinds.most_common():
        print(f"  issue x{n}: {kind}")
    for name, n in no_max.most_common():
        print(f"  no maximum on file: {name} x{n}")


if __name__ == "__main__":
    main()
