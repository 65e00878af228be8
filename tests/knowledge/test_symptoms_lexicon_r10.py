"""#23 lexicon round 10: the draw and its split, registered before any rule of the round.

- ``dev_r10a`` (tuning, 80 rows) and ``dev_r10b`` (transfer check, 40 rows) were drawn by
  ``bench/lexicon_eval.py --draw-r10`` and labelled before the lexicon was run on them
  (docs/lexicon_labelling.md, "Round 10").
- ``--misses`` is refused for every part never read for tuning: the sealed half, ``heldout_r3`` and
  the transfer checks of rounds 6 to 10. The refusal comes before any corpus is read, so it holds
  without ``../shared/data``. Checks print ids and counts only, never a row's labels or text."""

from __future__ import annotations

import csv
import hashlib
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench import lexicon_eval  # noqa: E402

NEVER_LISTED = ("sealed", "heldout_r3", "dev_r6b", "dev_r7b", "dev_r8b", "dev_r9b", "dev_r10b")


@pytest.mark.parametrize("part", NEVER_LISTED)
def test_misses_of_a_part_never_read_for_tuning_are_refused(part: str) -> None:
    run = subprocess.run(
        [sys.executable, "bench/lexicon_eval.py", "--misses", part],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2, run.returncode
    assert run.stdout == ""
    assert f"refused: the {part} part is sealed" in run.stderr


def test_round10_parts_are_registered_tuning_open_and_transfer_closed() -> None:
    assert {"dev_r10a", "dev_r10b"} <= set(lexicon_eval.PARTS)
    assert "dev_r10a" in lexicon_eval.OPEN_PARTS
    assert not set(NEVER_LISTED) & set(lexicon_eval.OPEN_PARTS)
    assert set(NEVER_LISTED) <= set(lexicon_eval.PARTS)


def _ids(part: str) -> list[tuple[str, str]]:
    """(id, group) of a round-10 file: the first two columns only."""
    with (lexicon_eval.DATA / f"lexicon_{part}.csv").open(encoding="utf-8", newline="") as fh:
        return [(r["id"], r["group"]) for r in csv.DictReader(fh)]


def test_round10_split_is_by_the_hash_of_the_id_before_labelling() -> None:
    tune, transfer = _ids("dev_r10a"), _ids("dev_r10b")
    assert Counter(g for _, g in tune) == {"random": 40, "enriched": 40}
    assert Counter(g for _, g in transfer) == {"random": 20, "enriched": 20}
    for group in ("random", "enriched"):
        low = max(lexicon_eval._split_key("r10", u) for u, g in tune if g == group)
        high = min(lexicon_eval._split_key("r10", u) for u, g in transfer if g == group)
        assert low < high, group
    # the split key is sha1("r10:" + id), not a key of an earlier round
    uid = tune[0][0]
    assert lexicon_eval._split_key("r10", uid) == hashlib.sha1(f"r10:{uid}".encode()).hexdigest()


def test_nothing_is_drawn_twice() -> None:
    """Every labelled id is in one label file row only (round 10 outside all earlier files)."""
    counts = Counter(r["id"] for r in lexicon_eval._labels())
    twice = sum(1 for n in counts.values() if n > 1)
    assert twice == 0, f"{twice} ids are labelled more than once"


@pytest.mark.shared_data
def test_round10_parts_join_the_corpora() -> None:
    if not lexicon_eval.SHARED.is_dir():
        pytest.skip(f"{lexicon_eval.SHARED} is not here")
    stats = lexicon_eval.evaluate(parts=("dev_r10a", "dev_r10b"))
    sizes = {part: (s["utterances"], s["missing"]) for part, s in stats.items()}
    assert sizes == {"dev_r10a": (80, 0), "dev_r10b": (40, 0)}


@pytest.mark.parametrize(
    "args",
    [
        ("--parts", "sealed"),
        ("--parts", "heldout_r3"),
        ("--misses", "dev_r10b"),
        ("--parts", "dev_r10b", "--cost"),
        ("--parts", "dev_r10a", "dev_r10b", "--cost"),
    ],
)
def test_triage_lists_no_row_of_and_totals_no_sealed_part(args: tuple[str, ...]) -> None:
    """lexicon_triage.py --parts totals a transfer check (as lexicon_eval.py --parts) but lists
    none of its rows (--cost, --misses), and never totals sealed or heldout_r3 on request."""
    run = subprocess.run(
        [sys.executable, "bench/lexicon_triage.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2, run.returncode
    assert run.stdout == ""
    assert "error:" in run.stderr
