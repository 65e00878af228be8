"""What the shared readers do not understand in real patient language, by frequency (#15, #23).

Usage: .venv/bin/python bench/unread_mining.py [--clauses N] [--ngrams N] [--min-count K]

Over the DEVELOPMENT half of the real corpora (``bench/lexicon_eval.py``: ``utterances()``,
``r3_half(uid) == "dev"``), leaving out every id of every ``bench/data/lexicon_*.csv`` file (only
the ``id`` column is read, as ``draw_r4`` does: never a label or a text of a sealed part), it runs
the two "what is not understood" readers the product uses:

- follow-up: ``clinical.followup.services.lexicon.unread_clauses`` (what goes to a clinician);
- guidance: ``clinical.knowledge.unread.unread`` over every concept (what the red-flag gate
  quotes; follow-up's reader is the same one, limited to the concepts its rules name);

and prints the share of utterances with at least one unread clause (per reader and either), the
most frequent unread clauses (normalised form, counted once per utterance) and the most frequent
2-4-character Chinese n-grams inside unread clauses (counted once per utterance), each with its
count, for a person to label into the shared tables (symptom terms, discourse phrases) or to
leave unread on purpose.

The text goes to stdout only and is never committed: several corpora are research-use only (see
each ``../shared/data/*/PROVENANCE.md``). Progress goes to stderr. Without ``../shared/data`` it
says so and exits 0. An utterance is clipped at ``lexicon_eval.CLIP`` characters; the clause cut
by the clip is left out (it is a fragment, not what the patient wrote).
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ammed_fhir.settings")

import lexicon_eval  # noqa: E402

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


def labelled_ids() -> set[str]:
    """Every id of every ``bench/data/lexicon_*.csv`` file; only the ``id`` column is kept."""
    ids: set[str] = set()
    for path in sorted(lexicon_eval.DATA.glob("lexicon_*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            ids.update(row["id"] for row in csv.DictReader(fh))
    return ids


def pool() -> list[tuple[str, str]]:
    """(id, clipped text) of the development half outside every labelled id, sorted."""
    exclude = labelled_ids()
    return sorted(
        (uid, text)
        for uid, text in lexicon_eval.utterances().items()
        if uid not in exclude and lexicon_eval.r3_half(uid) == "dev"
    )


def ngrams(clause: str, low: int = 2, high: int = 4) -> set[str]:
    """The Chinese n-grams (``low``..``high`` characters) of ``clause``, once each."""
    out: set[str] = set()
    for run in _CJK_RUN.findall(clause):
        for n in range(low, high + 1):
            out.update(run[i : i + n] for i in range(len(run) - n + 1))
    return out


def _unclipped(text: str, clauses: list[str], normalise) -> list[str]:
    """``clauses`` without the one the clip cut (the last, when the text is at the clip)."""
    if len(text) < lexicon_eval.CLIP or not clauses:
        return clauses
    tail = normalise(text).rstrip()
    last = clauses[-1]
    return clauses[:-1] if tail.endswith(normalise(last)) else clauses


def mine() -> dict:
    import django

    django.setup()
    from clinical.followup.services.lexicon import normalise, unread_clauses
    from clinical.knowledge import unread

    items = pool()
    n_followup = n_guidance = n_either = 0
    clause_counts: Counter[str] = Counter()
    gram_counts: Counter[str] = Counter()
    for i, (_uid, text) in enumerate(items):
        if i % 200 == 0:
            print(f"  {i}/{len(items)}", file=sys.stderr)
        follow = _unclipped(text, unread_clauses(text), normalise)
        guide = _unclipped(text, [u.words for u in unread.unread(text)], normalise)
        n_followup += bool(follow)
        n_guidance += bool(guide)
        n_either += bool(follow or guide)
        forms = {normalise(c).strip() for c in (*follow, *guide)} - {""}
        clause_counts.update(forms)
        grams: set[str] = set()
        for form in forms:
            grams |= ngrams(form)
        gram_counts.update(grams)
    total = len(items) or 1
    return {
        "utterances": len(items),
        "followup": n_followup / total,
        "guidance": n_guidance / total,
        "either": n_either / total,
        "clauses": clause_counts,
        "grams": gram_counts,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clauses", type=int, default=150, help="how many frequent clauses")
    parser.add_argument("--ngrams", type=int, default=300, help="how many frequent n-grams")
    parser.add_argument("--min-count", type=int, default=2, help="leave out rarer forms")
    parser.add_argument("--summary", action="store_true", help="only the shares (no text)")
    args = parser.parse_args()
    if not lexicon_eval.SHARED.is_dir():
        print(f"skipped: {lexicon_eval.SHARED} is not here (the corpora are not shipped)")
        return 0
    r = mine()
    print(
        f"development half outside every labelled id: {r['utterances']} utterances; "
        f"with >=1 unread clause: follow-up {r['followup']:.1%}, guidance {r['guidance']:.1%}, "
        f"either {r['either']:.1%}"
    )
    if args.summary:
        return 0
    print(f"\n# most frequent unread clauses (utterances; >= {args.min_count})")
    for clause, n in r["clauses"].most_common(args.clauses):
        if n >= args.min_count:
            print(f"{n}\t{clause}")
    print("\n# most frequent 2-4-character n-grams inside unread clauses (utterances)")
    for gram, n in r["grams"].most_common(args.ngrams):
        if n >= args.min_count:
            print(f"{n}\t{gram}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
