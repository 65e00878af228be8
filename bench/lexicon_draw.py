"""Draw the round-3 held-out slice of patient utterances for the symptom lexicon (#23).

Reuses ``bench/lexicon_eval.py``'s corpora, clipping and ids (by import, not a copy), and
prints ``id<TAB>group<TAB>clipped text`` for labelling. The texts are research-use only:
write them under /tmp, never into the repository (docs/lexicon_labelling.md).

    python bench/lexicon_draw.py > /tmp/lexicon_r3_draw.tsv

The draw (seed 2323): utterances outside every existing label file, only from the half of
ids with ``sha1("r3:" + id)`` starting 0-7 (another labeller draws from the other half), 100
at random and 100 among the rest that hold a red-flag-ish character or word (``CUES``).
"""

from __future__ import annotations

import csv
import hashlib
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lexicon_eval  # bench/ is not a package: its folder is put on sys.path above

SEED = 2323
RANDOM_N = 100
ENRICHED_N = 100
HALF = "01234567"
# r2's characters, plus 痛 疼 烧 热 (pain, fever) and a few whole words for falls, breathing,
# weakness and self-harm, so that the enriched half holds enough red-flag concepts.
CUES = (
    *"血胸喘憋晕抽昏呕吐麻歪肿黑痛疼烧热摔瘫",
    "说话",
    "气短",
    "发紫",
    "意识",
    "呼吸",
    "无力",
    "自杀",
    "不想活",
)
LABELLED = (lexicon_eval.LABELS, lexicon_eval.HELDOUT)


def in_half(uid: str) -> bool:
    """This labeller's half of the ids (the other half is drawn by another helper)."""
    return hashlib.sha1(f"r3:{uid}".encode()).hexdigest()[0] in HALF


def labelled_ids() -> set[str]:
    """Every id already labelled (only the id column is read)."""
    out: set[str] = set()
    for path in LABELLED:
        with path.open(encoding="utf-8", newline="") as fh:
            out |= {row["id"] for row in csv.DictReader(fh)}
    return out


def draw() -> list[tuple[str, str, str]]:
    """(id, group, clipped text): ``RANDOM_N`` random, then ``ENRICHED_N`` with a cue."""
    taken = labelled_ids()
    pool = sorted(
        (uid, text)
        for uid, text in lexicon_eval.utterances().items()
        if uid not in taken and in_half(uid)
    )
    rng = random.Random(SEED)
    picked = rng.sample(pool, RANDOM_N)
    chosen = {uid for uid, _ in picked}
    cued = [(u, t) for u, t in pool if u not in chosen and any(c in t for c in CUES)]
    enriched = rng.sample(cued, ENRICHED_N)
    return [(u, "random", t) for u, t in picked] + [(u, "enriched", t) for u, t in enriched]


def main() -> int:
    if not lexicon_eval.SHARED.is_dir():
        print(f"skipped: {lexicon_eval.SHARED} is not here (the corpora are not shipped)")
        return 0
    for uid, group, text in draw():
        print(f"{uid}\t{group}\t{text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
