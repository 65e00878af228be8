"""Name-resolution accuracy of the medication KB over common Chinese pharmacy names.

    DATABASE_URL=... .venv/bin/python bench/name_resolution.py [-v]

Cases: bench/data/name_resolution_cases.csv (332 product, brand, generic, English and
traditional-character names; the expected active ingredients were written by hand, not
derived from the KB). A case is correct when ``api.resolve(name)`` returns a product whose
curated ingredient set equals the expected set exactly (an empty expected set means a
herbal product with no curated active, which must still resolve to a product).

Latin names and abbreviations (SMZ-TMP, MTX, 5-FU; #23 task h6) are also looked for in a
sentence (``请按时吃{name}，每次1片``) through ``api.find_mentions``, the finder orders, the agent
and the monitor read text with: the second line counts those found with the expected set.
"""

from __future__ import annotations

import csv
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ammed_fhir.settings")

CASES = ROOT / "bench" / "data" / "name_resolution_cases.csv"


def load_cases() -> list[tuple[str, set[str]]]:
    with open(CASES, encoding="utf-8", newline="") as f:
        return [(r["name"], {k for k in r["expected"].split("|") if k}) for r in csv.DictReader(f)]


def evaluate() -> tuple[int, int, list[str]]:
    """(correct, total, failure lines)."""
    from clinical.medkb import api

    correct = 0
    failures: list[str] = []
    cases = load_cases()
    for name, expected in cases:
        product = api.resolve(name)
        got = set(product.ingredient_keys) if product else None
        if got == expected:
            correct += 1
        else:
            failures.append(
                f"{name}: expected {sorted(expected)} got "
                f"{'unresolved' if got is None else sorted(got)}"
                + (f" via {product.name}" if product else "")
            )
    return correct, len(cases), failures


def evaluate_in_text() -> tuple[int, int, list[str]]:
    """(found, total, failure lines) for the Latin names of the cases, inside a sentence."""
    from clinical.medkb import api

    found = 0
    failures: list[str] = []
    cases = [(n, e) for n, e in load_cases() if n.isascii() and e]
    for name, expected in cases:
        sentence = f"请按时吃{name}，每次1片"
        keys = {k for m in api.find_mentions(sentence) for k in api.ingredients_of(m.surface)}
        if keys == expected:
            found += 1
        else:
            failures.append(f"in text {name}: expected {sorted(expected)} got {sorted(keys)}")
    return found, len(cases), failures


def main() -> None:
    import django

    django.setup()
    from clinical.medkb.kb import get_kb

    get_kb()
    t0 = time.perf_counter()
    correct, total, failures = evaluate()
    ms = (time.perf_counter() - t0) * 1000
    print(f"name resolution: {correct}/{total} = {correct / total:.1%} ({ms / total:.3f} ms/name)")
    in_text, latin, text_failures = evaluate_in_text()
    print(f"Latin names in a sentence: {in_text}/{latin} = {in_text / latin:.1%}")
    failures += text_failures
    if "-v" in sys.argv or failures:
        for line in failures:
            print("  MISS", line)


if __name__ == "__main__":
    main()
