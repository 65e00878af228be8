"""#23 lexicon round 11: the draw table, the draw and its split, registered before any rule.

- ``dev_r11a`` (tuning, 80 rows) and ``dev_r11b`` (transfer check, 40 rows) were drawn by
  ``bench/lexicon_eval.py --draw r11`` (``DRAW_ROUNDS["r11"]``) and labelled before the lexicon
  was run on them (docs/lexicon_labelling.md, "Round 11").
- The split draws of rounds 7 on are rows of one table; a row is never edited, so every earlier
  draw stays reproducible, and the old ``--draw-rN`` flags are aliases of ``--draw rN``.
- Checks print ids and counts only, never a row's labels or text."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench import lexicon_eval  # noqa: E402

NEVER_LISTED = (
    "sealed",
    "heldout_r3",
    "dev_r6b",
    "dev_r7b",
    "dev_r8b",
    "dev_r9b",
    "dev_r10b",
    "dev_r11b",
)


def test_the_draw_table_keeps_every_earlier_round_as_drawn() -> None:
    """The rows that made the committed label files: editing one would change an old draw."""
    rounds = {name: tuple(spec) for name, spec in lexicon_eval.DRAW_ROUNDS.items()}
    assert rounds == {
        "r7": (2707, 80, None),
        "r8": (2808, 40, None),
        "r9": (2909, 60, 40),
        "r10": (3010, 60, 40),
        "r11": (3111, 60, 40),
    }
    assert lexicon_eval.draw_parts("r11") == ("dev_r11a", "dev_r11b")


def test_misses_of_the_round11_transfer_check_are_refused() -> None:
    run = subprocess.run(
        [sys.executable, "bench/lexicon_eval.py", "--misses", "dev_r11b"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2, run.returncode
    assert run.stdout == ""
    assert "refused: the dev_r11b part is sealed" in run.stderr


def test_round11_parts_are_registered_tuning_open_and_transfer_closed() -> None:
    assert {"dev_r11a", "dev_r11b"} <= set(lexicon_eval.PARTS)
    assert "dev_r11a" in lexicon_eval.OPEN_PARTS
    # the one pinned list of closed parts: every part not open, and nothing else
    assert set(lexicon_eval.PARTS) - set(lexicon_eval.OPEN_PARTS) == set(NEVER_LISTED)
    assert set(lexicon_eval.OPEN_PARTS) <= set(lexicon_eval.PARTS)


def _ids(part: str) -> list[tuple[str, str]]:
    """(id, group) of a round-11 file: the first two columns only."""
    with (lexicon_eval.DATA / f"lexicon_{part}.csv").open(encoding="utf-8", newline="") as fh:
        return [(r["id"], r["group"]) for r in csv.DictReader(fh)]


def test_round11_split_is_by_the_hash_of_the_id_before_labelling() -> None:
    tune, transfer = _ids("dev_r11a"), _ids("dev_r11b")
    assert Counter(g for _, g in tune) == {"random": 40, "enriched": 40}
    assert Counter(g for _, g in transfer) == {"random": 20, "enriched": 20}
    for group in ("random", "enriched"):
        low = max(lexicon_eval._split_key("r11", u) for u, g in tune if g == group)
        high = min(lexicon_eval._split_key("r11", u) for u, g in transfer if g == group)
        assert low < high, group


def test_round11_labels_name_known_symptom_concepts_only() -> None:
    """Every labelled key is a concept of the list, never a context (docs/lexicon_labelling.md)."""
    path = ROOT / "clinical" / "knowledge" / "data" / "symptom_concepts.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        kinds = {r["concept"]: r["kind"] for r in csv.DictReader(fh)}
    bad = 0
    for part in ("dev_r11a", "dev_r11b"):
        with (lexicon_eval.DATA / f"lexicon_{part}.csv").open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                keys = [k for k in f"{row['present']}|{row['negated']}".split("|") if k]
                bad += sum(1 for k in keys if kinds.get(k) != "symptom")
    assert bad == 0, f"{bad} labelled keys are not symptom concepts"


@pytest.mark.shared_data
def test_the_round11_draw_reproduces_its_files_and_the_old_flag_is_an_alias() -> None:
    """ids, parts and groups only (the text column is dropped before any comparison)."""
    if not lexicon_eval.SHARED.is_dir():
        pytest.skip(f"{lexicon_eval.SHARED} is not here")

    def draw(*args: str) -> list[tuple[str, ...]]:
        out = subprocess.run(
            [sys.executable, "bench/lexicon_eval.py", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return [tuple(line.split("\t")[:3]) for line in out.splitlines()]

    drawn = draw("--draw", "r11")
    files = [(u, p, g) for p in ("dev_r11a", "dev_r11b") for u, g in _ids(p)]
    assert sorted(drawn) == sorted(files)
    assert draw("--draw-r10") == draw("--draw", "r10")


@pytest.mark.shared_data
def test_round11_parts_join_the_corpora() -> None:
    if not lexicon_eval.SHARED.is_dir():
        pytest.skip(f"{lexicon_eval.SHARED} is not here")
    stats = lexicon_eval.evaluate(parts=("dev_r11a", "dev_r11b"))
    sizes = {part: (s["utterances"], s["missing"]) for part, s in stats.items()}
    assert sizes == {"dev_r11a": (80, 0), "dev_r11b": (40, 0)}


# Round-11 mechanisms (#23, tuned on the misses of every open tuning part together). Each has a
# dangerous twin (the mechanism reads the red flag) and a benign twin (the same words in a use
# that names nothing, or a denial), in words of our own, not taken from any labelled utterance.
from clinical.knowledge.symptoms import present  # noqa: E402


@pytest.mark.parametrize(
    ("concept", "text"),
    [
        # 的 for 得 before an intensity word; sweating from the pain (symptom_intensity.csv)
        ("abdominal_pain_severe", "今天上腹一阵阵疼，疼的直流汗"),
        ("abdominal_pain_severe", "肚子的疼一天比一天重，越来越厉害"),
        ("severe_headache", "头疼的要命"),
        # a lay lesion noun after a skin subject (symptom_predicates.csv)
        ("rash", "大腿上冒出来一些小颗粒"),
        # 血点 in the mouth or on the skin
        ("petechiae", "牙龈上有几个小血点"),
        # an injury predicate after a head word
        ("fall_head_injury", "昨晚在浴室滑倒，后脑勺撞伤了"),
        # a severity word after the vomiting
        ("persistent_vomiting", "孩子呕吐很严重"),
    ],
)
def test_round11_mechanism_reads_the_dangerous_twin(concept: str, text: str) -> None:
    assert concept in present(text)


@pytest.mark.parametrize(
    ("concept", "text"),
    [
        # everyday sleepiness (容易困, 总感到困) is not the urgent drowsiness red flag (NEWS2's new
        # drowsiness is a level of consciousness): the lead's decision, 2026-12-07; its words stay
        # unread (a clinician reads them) unless another word says more
        ("drowsiness", "这两天他特别容易困，晚上九点就睡了"),
        ("drowsiness", "吃完降糖药后总感到困"),
        # 困 inside a longer word, or an aching quality (酸困), is no sleepiness
        ("drowsiness", "这件事让我很困扰"),
        ("drowsiness", "我感觉困难挺多的"),
        ("drowsiness", "办手续的事一直很困恼我"),
        ("drowsiness", "干完活腰有点酸困"),
        # a degree word alone before 困 is a passing tiredness (a late night), not drowsiness
        ("drowsiness", "好困，昨晚追剧追到三点"),
        # 的 before a place word, a denied or a lessening intensity names nothing more
        ("abdominal_pain_severe", "肚子痛的地方在右边，不厉害"),
        ("abdominal_pain_severe", "肚子疼，越来越轻了"),
        ("abdominal_pain_severe", "跑完步出了一身汗，肚子有点痛"),
        # a lesion noun not of the skin, a figurative 疙瘩
        ("rash", "身体挺好，就是心里有个疙瘩"),
        # a head word without an injury; an injury not of the head
        ("fall_head_injury", "他脑袋很灵光，手指划伤了"),
        ("petechiae", "牙龈刷牙时有点出血"),
        ("persistent_vomiting", "吐了一次，不严重"),
    ],
)
def test_round11_mechanism_spares_the_benign_twin(concept: str, text: str) -> None:
    assert concept not in present(text)
