"""How long the shared readers take per patient message (#15/#23): the symptom lexicon, the
one unread reader (``clinical.knowledge.unread.unread``, what goes to a clinician) and
follow-up's view of it (``clinical.followup.services.lexicon.unread_parts``).

    PYTHONPATH=. .venv/bin/python bench/unread_speed.py [--rounds 3]

The texts are the survey answers of the development vignette files (``tests/followup/
followup_vignettes*.yaml``; never a sealed file). The tables are loaded first (a few unrelated
messages); before every timed pass the per-text memo caches of the knowledge layer
(``lru_cache`` with more than one entry: matching forms, mentions, amounts, folds) are cleared,
so each pass reads every text as new, as a live message is. Prints the median per message (ms)
of each reader over ``--rounds`` passes and the number of texts, as one JSON object. Put
``bench/box_speed.py``'s readings beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ammed_fhir.settings")


def texts() -> list[str]:
    """Every survey answer of the development vignette files, in file order."""
    out: list[str] = []
    for path in sorted((ROOT / "tests" / "followup").glob("followup_vignettes*.yaml")):
        for v in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            for answer in v.get("survey") or []:
                if len(answer) > 1 and isinstance(answer[1], str):
                    out.append(answer[1])
    return out


WARM_UP = ("头痛", "伤口有点红，今天37.8度", "我爸说话不清楚", "吃了布洛芬好点了")


def clear_text_caches() -> None:
    """Clear the per-text memo caches of the knowledge layer (``lru_cache`` with maxsize > 1),
    keeping the tables (maxsize 1, or ``functools.cache``)."""
    for name, module in list(sys.modules.items()):
        if not name.startswith("clinical."):
            continue
        for value in vars(module).values():
            params = getattr(value, "cache_parameters", None)
            if params is not None and (params().get("maxsize") or 0) > 1:
                value.cache_clear()


def per_message_ms(read: Callable[[str], object], corpus: list[str], rounds: int) -> float:
    for t in WARM_UP:  # load the tables and compile the patterns
        read(t)
    runs = []
    for _ in range(rounds):
        clear_text_caches()
        start = time.perf_counter()
        for t in corpus:
            read(t)
        runs.append((time.perf_counter() - start) * 1000 / len(corpus))
    return round(statistics.median(runs), 3)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    import django

    django.setup()
    from clinical.followup.services import lexicon
    from clinical.knowledge import symptoms, unread

    corpus = texts()
    print(f"{len(corpus)} texts, {args.rounds} rounds", file=sys.stderr)
    result = {
        "texts": len(corpus),
        "find_symptoms_ms": per_message_ms(symptoms.find_symptoms, corpus, args.rounds),
        "unread_ms": per_message_ms(unread.unread, corpus, args.rounds),
        "followup_unread_parts_ms": per_message_ms(lexicon.unread_parts, corpus, args.rounds),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
