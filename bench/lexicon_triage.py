"""Do real patient utterances with a red flag reach a clinician? (issues #15 and #23)

``bench/lexicon_eval.py`` measures whether the symptom lexicon names the labelled concepts. What a
patient needs is weaker and more important: that a red flag written in words the lexicon does not
know still reaches a person, through a concept read at its level or through the safety net
(unread words go to a clinician within 24 h). This script answers that on the same labelled
utterances, part by part, with totals only (no ids, no texts; sealed parts stay sealed):

- each utterance becomes one free-text follow-up survey answer of a neutral adult (50 years,
  no conditions, no medicines, no surgery: the words alone decide) and goes through the
  follow-up engine in memory;
- ``red flag → urgent+``: utterances with a labelled urgent/emergency concept whose disposition
  is urgent or emergency;
- ``emergency → emergency``: utterances with a labelled emergency-level concept that got
  emergency (what the lexicon's reading adds over the safety net);
- ``none → urgent+``: utterances with no labelled red-flag concept that were still sent to be
  seen within 24 h (real questions are long and often unread; a cost, not a miss);
- ``none → urgent+ by length``: the same, by the utterance's length (≤ 40, 41–80, > 80
  characters): survey answers are short, consultations long;
- ``red flag → review+`` and ``none → review+``: the same, counting the ``review`` disposition
  (#15: words nothing reads; the care team reads them and contacts the patient within 24 h) as
  reaching a clinician.

    python bench/lexicon_triage.py            # every part present
    python bench/lexicon_triage.py --json OUT
    python bench/lexicon_triage.py --misses dev_r3   # emergency → emergency misses of one
                                                     # development part (dev, heldout, dev_r3)
    python bench/lexicon_triage.py --parts dev_r5 dev_r6a   # development parts only: what a
                                                     # rule costs, without printing sealed totals
    python bench/lexicon_triage.py --parts dev_r5 --cost    # and list its none → urgent+ rows
                                                     # with the facts that sent them

``--misses`` and ``--cost`` accept only the development parts (``lexicon_eval.OPEN_PARTS``); the
sealed parts are never listed. ``--parts`` also takes the transfer checks (dev_r6b to dev_r11b:
totals only, as ``lexicon_eval.py --parts``), never ``sealed`` or ``heldout_r3``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "followup"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ammed_fhir.settings")

import lexicon_eval  # noqa: E402

# Post-discharge survey answers are shorter than online consultations; the cost of a safety net
# that reads every clause grows with length, so none → urgent+ is also given by the length of the
# utterance (characters after whitespace collapsing; utterances are clipped at 120).
LENGTHS = ("≤40", "41-80", ">80")
# Parts that --parts may total: the development parts and the transfer checks (dev_r6b to
# dev_r11b, totals only, never listed); the sealed half and heldout_r3 are left to a full run.
TOTALS_PARTS = tuple(p for p in lexicon_eval.PARTS if p not in ("sealed", "heldout_r3"))


def _length_bucket(text: str) -> str:
    n = len(text)
    return LENGTHS[0] if n <= 40 else LENGTHS[1] if n <= 80 else LENGTHS[2]


def run(
    misses_of: str | None = None, parts: tuple[str, ...] | None = None, cost: bool = False
) -> dict[str, dict[str, list[int]]]:
    import django

    django.setup()
    from django.utils import timezone
    from followup_vignette_builder import vignette_record

    from clinical.followup.services.engine import assess_record
    from clinical.followup.services.ruledata import rank
    from clinical.knowledge import symptoms

    texts = lexicon_eval.utterances()
    now = timezone.now()
    out: dict[str, dict[str, list[int]]] = defaultdict(
        lambda: {
            "red_flag_urgent": [0, 0],
            "emergency": [0, 0],
            "none_urgent": [0, 0],
            **{f"none_urgent_{b}": [0, 0] for b in LENGTHS},
            "red_flag_review": [0, 0],
            "none_review": [0, 0],
        }
    )
    rows = lexicon_eval._labels()
    for i, row in enumerate(rows, 1):
        text = texts.get(row["id"])
        if text is None or (parts is not None and row["split"] not in parts):
            continue
        want = {c for c in lexicon_eval._set(row["present"]) if not symptoms.is_context(c)}
        for word in lexicon_eval._set(row["other"]):
            want |= {c for c in symptoms.present(word) if not symptoms.is_context(c)}
        v = {"id": f"u{i}", "age": 50, "survey": [["今日感受", text, 1]]}
        result = assess_record(vignette_record(v, now), now)
        disp = result["disposition"]
        got = rank(disp)
        part = out[row["split"]]
        if any(symptoms.at_least(c, "urgent") for c in want):
            part["red_flag_urgent"][1] += 1
            part["red_flag_urgent"][0] += got >= rank("urgent")
            part["red_flag_review"][1] += 1
            part["red_flag_review"][0] += got >= rank("review")
        else:
            part["none_urgent"][1] += 1
            part["none_urgent"][0] += got >= rank("urgent")
            bucket = f"none_urgent_{_length_bucket(text)}"
            part[bucket][1] += 1
            part[bucket][0] += got >= rank("urgent")
            if cost and got >= rank("urgent"):
                why = [f"{r['code']}:{r['disposition']}" for r in result["reasons"]]
                why = [w for w in why if w.endswith(("urgent", "emergency"))]
                print(f"  cost {row['id']}: {sorted(want)} → {disp} {why} | {text[:140]}")
            part["none_review"][1] += 1
            part["none_review"][0] += got >= rank("review")
        if any(symptoms.at_least(c, "emergency") for c in want):
            part["emergency"][1] += 1
            part["emergency"][0] += got >= rank("emergency")
            if misses_of in lexicon_eval.OPEN_PARTS and row["split"] == misses_of:
                if got < rank("emergency"):
                    print(f"  miss {row['id']}: {sorted(want)} → {disp} | {text[:140]}")
        if i % 100 == 0:
            print(f"  {i}/{len(rows)} utterances", file=sys.stderr)
    return dict(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--misses", choices=lexicon_eval.OPEN_PARTS)
    parser.add_argument("--parts", nargs="+", choices=TOTALS_PARTS)
    parser.add_argument(
        "--cost", action="store_true", help="list none → urgent+ rows (needs --parts)"
    )
    args = parser.parse_args()
    if args.cost and not args.parts:
        parser.error("--cost lists rows, so it needs --parts (development parts only)")
    if args.cost and not set(args.parts) <= set(lexicon_eval.OPEN_PARTS):
        parser.error("--cost lists rows: development parts only (a transfer check is totals only)")
    if not lexicon_eval.SHARED.is_dir():
        print(f"skipped: {lexicon_eval.SHARED} is not here (the corpora are not shipped)")
        return 0
    parts = tuple(args.parts) if args.parts else None
    if args.misses and parts is not None and args.misses not in parts:
        parts += (args.misses,)
    stats = run(args.misses, parts, args.cost)
    for part in lexicon_eval.PARTS:
        if part not in stats:
            continue
        s = stats[part]
        cells = [
            f"{name} {a}/{b} ({a / b:.0%})" if b else f"{name} -"
            for name, (a, b) in (
                ("red flag → urgent+", s["red_flag_urgent"]),
                ("emergency → emergency", s["emergency"]),
                ("none → urgent+", s["none_urgent"]),
                ("red flag → review+", s["red_flag_review"]),
                ("none → review+", s["none_review"]),
            )
        ]
        print(f"{part}: " + " | ".join(cells))
        by_length = [
            f"{b} chars {a}/{n} ({a / n:.0%})" if n else f"{b} chars -"
            for b in LENGTHS
            for a, n in (s[f"none_urgent_{b}"],)
        ]
        print(f"{' ' * len(part)}  none → urgent+ by length: " + " | ".join(by_length))
    if args.json:
        args.json.write_text(json.dumps(stats, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
