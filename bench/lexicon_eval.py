"""Symptom lexicon recall and precision on labelled real patient utterances (issue #23).

The utterances are NOT in this repository (several corpora are research-use only, see each
``../shared/data/*/PROVENANCE.md``): ``bench/data/lexicon_labels.csv`` holds only our labels,
keyed by a stable id (corpus, file, row, short hash of the text), and this script joins them
with ``../shared/data`` at run time. Without ``../shared/data`` it says so and exits 0.

    python bench/lexicon_eval.py            # recall/precision on every labelled part
    python bench/lexicon_eval.py --sample   # (re)draw the seeded sample: ids and clipped text
                                            # to stdout for labelling (never commit the text)
    python bench/lexicon_eval.py --misses dev   # what the lexicon misses on the dev half
    python bench/lexicon_eval.py --misses heldout   # ... on the round-2 slice (development now)
    python bench/lexicon_eval.py --misses dev_r3    # ... on the round-3 development draw
    python bench/lexicon_eval.py --draw-r3 dev      # a round-3 draw (dev or heldout): ids, group,
                                                    # text to stdout for labelling (never commit
                                                    # the text)
    python bench/lexicon_eval.py --draw-r4          # the round-4 development draw (same output)
    python bench/lexicon_eval.py --misses dev_r4    # ... misses on the round-4 development draw
    python bench/lexicon_eval.py --draw-r5          # the round-5 development draw (same output)
    python bench/lexicon_eval.py --misses dev_r5    # ... misses on the round-5 development draw
    python bench/lexicon_eval.py --draw r10         # the draw of a split round (r6 and every
                                                    # round of ``DRAW_ROUNDS``): id, part
                                                    # dev_<round>a|dev_<round>b, group, text;
                                                    # never commit the text (--draw-r10 is an
                                                    # alias)
    python bench/lexicon_eval.py --misses dev_r10a  # ... misses on its tuning part (dev_r10b is
                                                    # a transfer check: totals only)
    python bench/lexicon_eval.py --draw r11         # round 11 (dev_r11a tuning, dev_r11b
                                                    # transfer check: totals only)
    python bench/lexicon_eval.py --parts dev_r5,dev_r6a,dev_r6b   # totals of the named parts only
    python bench/lexicon_eval.py --parts dev_r7a dev_r7b          # (commas or spaces)
    python bench/lexicon_eval.py --pool-reads A.json   # per unlabelled development-half id, the
                                                    # concepts read (ids and concept keys only)
    python bench/lexicon_eval.py --pool-compare A.json B.json   # how many unlabelled utterances
                                                    # gain or lose each concept between two
                                                    # commits: how far a change reaches beyond
                                                    # the utterances it was tuned on
    python bench/lexicon_eval.py --mine-red-flags   # unlabelled development-half utterances with
                                                    # a red-flag cue the lexicon reads lower
                                                    # (stdout only, never commit the text)

Parts: dev and sealed (``lexicon_labels.csv``), heldout (round 2), dev_r3 and heldout_r3 (round
3), dev_r4 (round 4), dev_r5 (round 5), dev_r6a and dev_r6b (round 6), dev_r7a and dev_r7b (round
7), dev_r8a and dev_r8b (round 8), dev_r9a and dev_r9b (round 9), dev_r10a and dev_r10b (round
10), dev_r11a and dev_r11b (round 11). ``--misses`` is refused for sealed, heldout_r3, dev_r6b,
dev_r7b, dev_r8b, dev_r9b, dev_r10b and dev_r11b: they are never read for tuning.
Without ``--parts`` every part is printed, sealed ones included; use ``--parts`` to print only
the parts you may see.

Labelling protocol: docs/lexicon_labelling.md.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("AMMED_SHARED_DATA", ROOT.parent / "shared" / "data"))
LABELS = ROOT / "bench" / "data" / "lexicon_labels.csv"
# Round 2 of #15: a fresh slice drawn after round 1 from utterances outside the 420 above
# (seed 1515: 60 at random, 60 among those with a red-flag-ish character), labelled before
# any matching change of that round; scored as one part, "heldout".
HELDOUT = ROOT / "bench" / "data" / "lexicon_heldout_r2.csv"
DATA = ROOT / "bench" / "data"
# Round 3 (#23): utterances outside every earlier file are split by sha1("r3:" + id)[0]; the
# half "89abcdef" is development (``lexicon_dev_r3.csv``, drawn by ``draw_r3``), the other half
# the fresh held-out slice ``lexicon_heldout_r3.csv`` (labelled by someone else, never tuned on).
R3_DEV_HALF = "89abcdef"
R3_SEED = 2303
R3_EACH = 100
# Characters that make a red flag likely: half of each drawn slice contains one of them.
RED_FLAG_ISH = tuple("血 胸 喘 憋 晕 抽 昏 呕 吐 麻 歪 肿 黑 说话 气短 发紫 意识 呼吸 无力".split())
SEED = 23
SIZE = 420
CLIP = 120  # characters of each utterance that are labelled and matched


def _toyhom() -> Iterator[tuple[str, str]]:
    path = (
        SHARED
        / "toyhom-chinese-medical-dialogue"
        / "IM_internal_medicine_sample_5000-6000.utf8.csv"
    )
    with path.open(encoding="utf-8", newline="") as fh:
        for i, r in enumerate(csv.DictReader(fh)):
            yield f"toyhom:{path.name}:{i}", r["ask"]


def _chatmed() -> Iterator[tuple[str, str]]:
    path = SHARED / "chatmed-consult" / "ChatMed-Consult_test.jsonl"
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            q = json.loads(line)["query"]
            q = q.replace("<s>问：", "").split("答：")[0]
            yield f"chatmed:{path.name}:{i}", q


def _huatuogpt() -> Iterator[tuple[str, str]]:
    base = SHARED / "huatuogpt-eval"
    for i, r in enumerate(json.loads((base / "KUAKE-QIC_100.json").read_text("utf-8"))):
        yield f"huatuogpt:KUAKE-QIC_100.json:{i}", r["query"]
    for i, r in enumerate(json.loads((base / "Med-dialog_100.json").read_text("utf-8"))):
        case = r["medical_case"]
        desc = case.split("病情描述：", 1)[-1].split("希望获得的帮助", 1)[0]
        yield f"huatuogpt:Med-dialog_100.json:{i}", desc


def _shennong() -> Iterator[tuple[str, str]]:
    path = SHARED / "shennong-tcm" / "ShenNong-TCM-LLM_test_examples.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        for i, r in enumerate(csv.DictReader(fh)):
            q = r["问题"].replace("<s>问：", "").split("答：")[0]
            yield f"shennong:{path.name}:{i}", q


# Patient-written questions and case descriptions. Left out: huatuo-llama-med-chinese
# (instructions generated by a model in the third person, not patient language).
CORPORA = (_toyhom, _chatmed, _huatuogpt, _shennong)


def _clip(text: str) -> str:
    return " ".join(text.split())[:CLIP]


def utterances() -> dict[str, str]:
    """Stable id → clipped utterance, over every corpus. The id ends with a short hash of the
    clipped text, so a changed corpus file shows up as missing rows, never as wrong labels."""
    out: dict[str, str] = {}
    for corpus in CORPORA:
        for key, text in corpus():
            text = _clip(text)
            if len(text) >= 4:
                out[f"{key}:{hashlib.sha1(text.encode()).hexdigest()[:8]}"] = text
    return out


def split_of(uid: str) -> str:
    """dev or sealed, fixed by the id (about half each)."""
    return "dev" if hashlib.sha1(f"split:{uid}".encode()).digest()[0] % 2 == 0 else "sealed"


def sample() -> list[tuple[str, str]]:
    items = sorted(utterances().items())
    return random.Random(SEED).sample(items, SIZE)


def r3_half(uid: str) -> str:
    """``dev`` or ``heldout`` for round 3, fixed by the id."""
    return "dev" if hashlib.sha1(f"r3:{uid}".encode()).hexdigest()[0] in R3_DEV_HALF else "heldout"


# The two round-3 draws, one per half (each labelled by a different engineer): seed, the
# red-flag-ish words of the enriched hundred, and that hundred's group name. The held-out cues
# widen the development ones with pain, fever, falls, breathing, weakness and self-harm words.
R3_DRAWS: dict[str, tuple[int, tuple[str, ...], str]] = {
    "dev": (R3_SEED, RED_FLAG_ISH, "red_flag_ish"),
    "heldout": (
        2323,
        (*"血胸喘憋晕抽昏呕吐麻歪肿黑痛疼烧热摔瘫", "说话", "气短", "发紫", "意识", "呼吸", "无力")
        + ("自杀", "不想活"),
        "enriched",
    ),
}


def draw_r3(exclude: set[str], half: str = "dev") -> list[tuple[str, str, str]]:
    """A round-3 draw: (id, group, clipped text) for ``R3_EACH`` utterances at random and
    ``R3_EACH`` among the rest with one of the half's red-flag-ish words, from that half
    (``r3_half``) of the utterances outside ``exclude`` (every id labelled before round 3).
    ``dev`` gave ``lexicon_dev_r3.csv``, ``heldout`` ``lexicon_heldout_r3.csv``."""
    seed, cues, group = R3_DRAWS[half]
    pool = sorted(
        (uid, text)
        for uid, text in utterances().items()
        if uid not in exclude and r3_half(uid) == half
    )
    rng = random.Random(seed)
    rand = rng.sample(pool, R3_EACH)
    drawn = {uid for uid, _ in rand}
    red = [(u, t) for u, t in pool if u not in drawn and any(w in t for w in cues)]
    enriched = rng.sample(red, R3_EACH)
    return [(u, "random", t) for u, t in rand] + [(u, group, t) for u, t in enriched]


# Round 4 (#23): a second development draw from the round-3 development half (the held-out half
# stays untouched for fresh held-out slices), with a new seed, outside EVERY labelled id (dev,
# sealed, heldout r2, dev_r3, heldout_r3: the ids are read, never the labels or texts of the
# sealed parts), and the held-out draw's wider cues so that about half hold a red flag.
R4_SEED = 2404


def draw_r4(exclude: set[str]) -> list[tuple[str, str, str]]:
    """The round-4 development draw (``lexicon_dev_r4.csv``): as ``draw_r3`` for the
    development half, with seed ``R4_SEED`` and the held-out draw's cues, outside ``exclude``
    (every id of every label file)."""
    return _draw_dev_half(exclude, R4_SEED)


def _draw_dev_half(exclude: set[str], seed: int, each: int = R3_EACH) -> list[tuple[str, str, str]]:
    """A development draw from the development half (rounds 4 to 6): ``each`` at random and
    ``each`` more with one of the held-out draw's cues, seeded, outside ``exclude``."""
    pool = sorted(
        (uid, text)
        for uid, text in utterances().items()
        if uid not in exclude and r3_half(uid) == "dev"
    )
    rng = random.Random(seed)
    rand = rng.sample(pool, each)
    drawn = {uid for uid, _ in rand}
    cues = R3_DRAWS["heldout"][1]
    red = [(u, t) for u, t in pool if u not in drawn and any(w in t for w in cues)]
    enriched = rng.sample(red, each)
    return [(u, "random", t) for u, t in rand] + [(u, "enriched", t) for u, t in enriched]


# Round 5 (#23): a third development draw from the same development half, with a new seed,
# outside every id of every label file (dev_r4 included), the held-out draw's wider cues.
R5_SEED = 2505


def draw_r5(exclude: set[str]) -> list[tuple[str, str, str]]:
    """The round-5 development draw (``lexicon_dev_r5.csv``): as ``draw_r4`` with seed
    ``R5_SEED``, outside ``exclude`` (every id of every label file, dev_r4 included)."""
    return _draw_dev_half(exclude, R5_SEED)


# Round 6 (#23): a fourth development draw from the same development half, with a new seed,
# outside every id of every label file (dev_r5 included), about 240 utterances (half with the
# held-out draw's wider cues). Before labelling it is split by a hash of the id into a tuning part
# (dev_r6a: its misses may be listed) and a transfer check (dev_r6b: labelled at the same time,
# scored as totals only, never listed), so that a gain tuned on r6a can be seen to transfer or not.
R6_SEED = 2606
R6_EACH = 120
R6_TUNE_DIGITS = "01234567"


def r6_part(uid: str) -> str:
    """``dev_r6a`` (tuning) or ``dev_r6b`` (transfer check, totals only), fixed by the id."""
    digit = hashlib.sha1(f"r6:{uid}".encode()).hexdigest()[0]
    return "dev_r6a" if digit in R6_TUNE_DIGITS else "dev_r6b"


def draw_r6(exclude: set[str]) -> list[tuple[str, str, str, str]]:
    """The round-6 development draw: (id, part, group, clipped text), as ``draw_r5`` with seed
    ``R6_SEED`` and ``R6_EACH`` of each group, each with its ``r6_part``."""
    return [(u, r6_part(u), group, t) for u, group, t in _draw_dev_half(exclude, R6_SEED, R6_EACH)]


def _split_key(prefix: str, uid: str) -> str:
    return hashlib.sha1(f"{prefix}:{uid}".encode()).hexdigest()


def _draw_split(
    exclude: set[str], seed: int, each: int, prefix: str, tune: int | None = None
) -> list[tuple[str, str, str, str]]:
    """A development draw split before labelling (rounds 7 on): ``_draw_dev_half`` with
    ``seed`` and ``each`` of each group; within each group the ``tune`` lowest by
    sha1(prefix + ":" + id) (half the group when ``tune`` is None) are ``dev_<prefix>a``
    (tuning), the others ``dev_<prefix>b`` (transfer check). Returns (id, part, group, text)."""
    drawn = _draw_dev_half(exclude, seed, each)
    part: dict[str, str] = {}
    for group in ("random", "enriched"):
        ids = sorted((u for u, g, _ in drawn if g == group), key=lambda u: _split_key(prefix, u))
        half = len(ids) // 2 if tune is None else tune
        part.update(
            {u: f"dev_{prefix}a" if i < half else f"dev_{prefix}b" for i, u in enumerate(ids)}
        )
    return [(u, part[u], group, t) for u, group, t in drawn]


class DrawRound(NamedTuple):
    """One split development draw (#23): ``_draw_split`` with this seed, ``each`` utterances of
    each group (random, enriched) and ``tune`` of each group to the tuning part ``dev_<round>a``
    (None: half), the rest to the transfer check ``dev_<round>b`` (totals only)."""

    seed: int
    each: int
    tune: int | None = None


# Every split development draw, by round (the prefix of its parts and of its split hash). Each is
# drawn from the round-3 development half, outside every id of every label file but its own (ids
# only, sealed files included), and labelled before any change of its round
# (docs/lexicon_labelling.md). A new round is a new row here; the rows are never edited, so every
# earlier draw stays reproducible (``--draw rN``).
DRAW_ROUNDS: dict[str, DrawRound] = {
    # Round 7: 160 (80 + 80), split in halves by sha1("r7:" + id): 40 + 40 → dev_r7a, the rest → dev_r7b.
    "r7": DrawRound(seed=2707, each=80),
    # Round 8: 80 (40 + 40), split in halves as round 7: 20 + 20 → dev_r8a, 20 + 20 → dev_r8b.
    "r8": DrawRound(seed=2808, each=40),
    # Round 9: 120 (60 + 60), the 40 lowest of each group → dev_r9a (80), the other 20 → dev_r9b (40).
    "r9": DrawRound(seed=2909, each=60, tune=40),
    # Round 10: sized as round 9 (dev_r10a 80, dev_r10b 40).
    "r10": DrawRound(seed=3010, each=60, tune=40),
    # Round 11: sized as round 9 (dev_r11a 80, dev_r11b 40), labelled before any rule of the round.
    "r11": DrawRound(seed=3111, each=60, tune=40),
}


def draw_round(name: str, exclude: set[str]) -> list[tuple[str, str, str, str]]:
    """The development draw of round ``name`` (a key of ``DRAW_ROUNDS``, or ``r6`` with its
    digit split): (id, part, group, clipped text), outside ``exclude``."""
    if name == "r6":
        return draw_r6(exclude)
    spec = DRAW_ROUNDS[name]
    return _draw_split(exclude, spec.seed, spec.each, name, spec.tune)


def draw_parts(name: str) -> tuple[str, str]:
    """The two parts of round ``name``: (tuning, transfer check)."""
    return f"dev_{name}a", f"dev_{name}b"


# Red-flag cues for mining (#23 round 5): words that make an urgent or emergency concept likely,
# each with the lowest level that the cue suggests. A cue only picks utterances to read; it
# decides nothing. Sources: NICE CG95 (chest pain), NICE NG128 / BE-FAST (Aroor et al., Stroke
# 2017: face, arm, speech, eyes, balance), RCP NEWS2 (consciousness), NICE CG141 / BSG 2019 (GI
# bleeding), NICE NG51 (sepsis, meningism with fever), EAU LUTS 2023 (retention), RCUK 2021
# anaphylaxis (face/throat swelling), NICE NG225 / CG16 (self-harm), NICE CG150 (thunderclap
# headache), 诊断学(第9版) (抽搐, 昏迷, 咯血, 呕血, 黄疸).
MINE_CUES: dict[str, tuple[str, ...]] = {
    "emergency": (
        *"胸痛 胸口疼 胸口痛 心口疼 心口痛 胸闷 胸口闷 憋气 憋闷 喘不上气 喘不过气 透不过气 上不来气".split(),
        *"呼吸困难 气短 气促 气急 呼吸急促 昏迷 昏倒 晕倒 晕过去 不省人事 意识 叫不醒 神志".split(),
        *"半身 偏瘫 瘫痪 口齿不清 说话不清 说不出话 说话含糊 嘴歪 口角歪 口眼歪斜 看不见 失明".split(),
        *"抽搐 抽风 口吐白沫 吐血 呕血 黑便 大便黑 便血 咯血 咳血 大出血 出血不止 血流不止".split(),
        *"自杀 不想活 想死 轻生 活着没意思 发紫 发绀 脖子硬 颈项强直 喉咙肿 喉头水肿 嘴唇肿".split(),
        *"剧烈头痛 头痛欲裂".split(),
    ),
    "urgent": (
        *"剧痛 剧烈 疼得厉害 痛得厉害 难忍 受不了 尿不出 排不出尿 尿潴留 脸肿 面部肿 眼睑肿".split(),
        *"黄疸 发黄 视力下降 重影 看不清 麻木 无力 走路不稳 站不稳 高烧 高热 血尿 尿血".split(),
        *"持续呕吐 吐个不停 一直吐 吃不下 喝不下 嗜睡 昏昏沉沉 浮肿 水肿 下肢肿 腿肿".split(),
    ),
}


def mine_red_flags(exclude: set[str]) -> Iterator[tuple[str, str, str, str, str]]:
    """Development-half utterances outside every label file whose cue (``MINE_CUES``)
    suggests a level above the lexicon's reading: (id, cue level, cues, lexicon's red-flag
    concepts, clipped text). For reading only (stdout, never committed)."""
    from clinical.knowledge import symptoms

    levels = ("none", "routine", "urgent", "emergency")
    for uid, text in sorted(utterances().items()):
        if uid in exclude or r3_half(uid) != "dev":
            continue
        hit = [
            (level, cue)
            for level in ("emergency", "urgent")
            for cue in MINE_CUES[level]
            if cue in text
        ]
        if not hit:
            continue
        want = hit[0][0]
        got = [c for c in symptoms.present(text) if symptoms.at_least(c, "urgent")]
        top = max((levels.index(symptoms.red_flag(c)) for c in got), default=0)
        if top < levels.index(want):
            cues = "|".join(sorted({c for _, c in hit}))
            yield uid, want, cues, "|".join(sorted(got)), text


def pool_reads() -> dict[str, list[str]]:
    """Per unlabelled development-half id (outside every label file), the concepts the lexicon
    reads: ids and concept keys only, so two commits can be compared without keeping any text."""
    from clinical.knowledge import symptoms

    every = {r["id"] for r in _labels()}
    return {
        uid: sorted(symptoms.present(text))
        for uid, text in sorted(utterances().items())
        if uid not in every and r3_half(uid) == "dev"
    }


def pool_compare(before: dict[str, list[str]], after: dict[str, list[str]]) -> list[str]:
    """Lines ``concept +gained -lost`` over the ids both runs read, red-flag concepts marked:
    a change tuned on a few misses that gains a red flag on almost no unlabelled utterance is
    unlikely to transfer to a held-out part."""
    from clinical.knowledge import symptoms

    gained: dict[str, int] = {}
    lost: dict[str, int] = {}
    for uid in before.keys() & after.keys():
        for c in set(after[uid]) - set(before[uid]):
            gained[c] = gained.get(c, 0) + 1
        for c in set(before[uid]) - set(after[uid]):
            lost[c] = lost.get(c, 0) + 1
    lines = [f"pool: {len(before.keys() & after.keys())} unlabelled development-half utterances"]
    for c in sorted(gained.keys() | lost.keys()):
        flag = " (red flag)" if symptoms.at_least(c, "urgent") else ""
        lines.append(f"{c}{flag} +{gained.get(c, 0)} -{lost.get(c, 0)}")
    return lines


# Every label file is a part: ``lexicon_labels.csv`` holds two (its ``split`` column: dev and
# sealed), ``lexicon_heldout_r2.csv`` is "heldout" (round 2, development since round 3), any
# other ``lexicon_<part>.csv`` is ``<part>`` (dev_r3, heldout_r3).
PARTS = (
    "dev",
    "heldout",
    "dev_r3",
    "dev_r4",
    "dev_r5",
    "dev_r6a",
    "dev_r6b",
    "dev_r7a",
    "dev_r7b",
    "dev_r8a",
    "dev_r8b",
    "dev_r9a",
    "dev_r9b",
    "dev_r10a",
    "dev_r10b",
    "dev_r11a",
    "dev_r11b",
    "sealed",
    "heldout_r3",
)
# Parts whose misses may be listed (and so read for tuning); the others are scored as totals only
# (dev_r6b, dev_r7b, dev_r8b, dev_r9b, dev_r10b and dev_r11b are rounds 6 to 11's transfer checks:
# labelled with dev_r6a / dev_r7a / dev_r8a / dev_r9a / dev_r10a / dev_r11a, never listed).
OPEN_PARTS = (
    "dev",
    "heldout",
    "dev_r3",
    "dev_r4",
    "dev_r5",
    "dev_r6a",
    "dev_r7a",
    "dev_r8a",
    "dev_r9a",
    "dev_r10a",
    "dev_r11a",
)


def _part_of(path: Path) -> str | None:
    if path == LABELS:
        return None  # per row
    if path == HELDOUT:
        return "heldout"
    return path.stem.removeprefix("lexicon_")


def _labels() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted(DATA.glob("lexicon_*.csv")):
        part = _part_of(path)
        with path.open(encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                rows.append(r if part is None else {**r, "split": part})
    return rows


def _set(cell: str) -> set[str]:
    return {c for c in cell.split("|") if c}


# Concepts added after labelling that read a measurement or a medicine event in words (血压很低,
# 血糖仪显示LO, 胰岛素打多了): the protocol labels no readings and no medicine events
# (docs/lexicon_labelling.md), so they are out of both sides, as context concepts are.
UNLABELLED_KINDS = frozenset(
    {
        "low_blood_pressure",
        "glucose_meter_lo",
        "glucose_lowering_overdose",
        # ingestion events (something swallowed, not a symptom felt): never labelled
        "accidental_ingestion",
        "poison_ingestion",
    }
)


def scored(concept: str) -> bool:
    """Whether ``concept`` is scored against the labels (not context, not unlabelled by protocol)."""
    from clinical.knowledge import symptoms

    return not symptoms.is_context(concept) and concept not in UNLABELLED_KINDS


def evaluate(
    split: str | None = None,
    *,
    show_misses: bool = False,
    parts: tuple[str, ...] | None = None,
) -> dict[str, dict]:
    """Recall and precision of ``find_symptoms`` against the labels (present, not negated).

    Per utterance the lexicon's present concepts are compared with the labelled ones
    (set-wise); ``red_flag`` counts only concepts whose level is urgent or emergency.
    Labelled symptoms with no concept (column ``other``) count as misses in ``recall_all``;
    an ``other`` word that a concept added since reads (打嗝 → hiccups) counts as that concept.
    Context concepts (产后, 卧床: kind ``context``) are not symptoms and are not scored."""
    from clinical.knowledge import symptoms  # pure Python: no Django needed

    texts = utterances()
    stats: dict[str, dict] = {}
    present = {r["split"] for r in _labels()}
    if split is not None:
        chosen = [split]
    else:
        chosen = [p for p in PARTS if p in present and (parts is None or p in parts)]
    for part in chosen:
        tp = fp = fn = other = 0
        rtp = rfp = rfn = 0
        rf_utterances = rf_at_level = 0
        rows = missing = 0
        misses: list[str] = []
        for row in _labels():
            if row["split"] != part:
                continue
            text = texts.get(row["id"])
            if text is None:
                missing += 1
                continue
            rows += 1
            want = {c for c in _set(row["present"]) if scored(c)}
            got = {c for c in symptoms.present(text) if scored(c)}
            # A labelled symptom no concept covered when labelled (column `other`, e.g. 打嗝)
            # that a concept added since covers (the lexicon reads the label word itself as
            # that concept) is a labelled concept now, no longer unmapped.
            unmapped = set()
            for word in _set(row["other"]):
                mapped = [c for c in symptoms.present(word) if scored(c)]
                if mapped:
                    want |= set(mapped)
                else:
                    unmapped.add(word)
            other += len(unmapped)
            tp += len(want & got)
            fp += len(got - want)
            fn += len(want - got)
            red = {c for c in want | got if symptoms.at_least(c, "urgent")}
            rtp += len(want & got & red)
            rfp += len((got - want) & red)
            rfn += len((want - got) & red)
            # Per utterance: is its most serious labelled red flag read at that level or above
            # by SOME concept (a transient loss of consciousness read `unresponsive` where the
            # label says `syncope`)? What the lexicon alone hands triage, not a concept score.
            top = [
                lvl
                for lvl in ("emergency", "urgent")
                if any(symptoms.red_flag(c) == lvl for c in want)
            ]
            if top:
                rf_utterances += 1
                rf_at_level += any(symptoms.at_least(c, top[0]) for c in got)
            if show_misses and (want != got):
                misses.append(
                    f"{row['id']}\tmissed={sorted(want - got)}\textra={sorted(got - want)}\t{text}"
                )
        stats[part] = {
            "utterances": rows,
            "missing": missing,
            "recall": tp / (tp + fn) if tp + fn else 1.0,
            "recall_all": tp / (tp + fn + other) if tp + fn + other else 1.0,
            "precision": tp / (tp + fp) if tp + fp else 1.0,
            "red_flag_recall": rtp / (rtp + rfn) if rtp + rfn else 1.0,
            "red_flag_precision": rtp / (rtp + rfp) if rtp + rfp else 1.0,
            "labelled": tp + fn,
            "red_flag_labelled": rtp + rfn,
            "red_flag_utterances": rf_utterances,
            "red_flag_utterances_at_level": rf_at_level,
            "unmapped": other,
            "misses": misses,
        }
    return stats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", action="store_true")
    parser.add_argument("--draw-r3", choices=tuple(R3_DRAWS))
    parser.add_argument("--draw-r4", action="store_true")
    parser.add_argument("--draw-r5", action="store_true")
    parser.add_argument("--mine-red-flags", action="store_true")
    parser.add_argument("--draw", choices=("r6", *DRAW_ROUNDS), metavar="ROUND")
    for name in ("r6", *DRAW_ROUNDS):  # the old one-flag-per-round spelling, kept as aliases
        parser.add_argument(
            f"--draw-{name}", dest="draw", action="store_const", const=name, help=argparse.SUPPRESS
        )
    parser.add_argument("--pool-reads", metavar="OUT.json")
    parser.add_argument("--pool-compare", nargs=2, metavar=("BEFORE.json", "AFTER.json"))
    parser.add_argument("--misses", choices=PARTS)
    parser.add_argument(
        "--parts",
        nargs="+",
        help="parts to score (totals only), comma- or space-separated, e.g. dev_r5,dev_r6a,dev_r6b",
    )
    args = parser.parse_args()
    parts = tuple(p for p in ",".join(args.parts or ()).split(",") if p) or None
    unknown = sorted(set(parts or ()) - set(PARTS))
    if unknown:
        print(f"unknown parts: {', '.join(unknown)} (known: {', '.join(PARTS)})", file=sys.stderr)
        return 2
    if args.misses and args.misses not in OPEN_PARTS:
        print(
            f"refused: the {args.misses} part is sealed (never read for tuning); misses may be "
            f"listed for {', '.join(OPEN_PARTS)} only. Run without --misses for its totals.",
            file=sys.stderr,
        )
        return 2
    if not SHARED.is_dir():
        print(f"skipped: {SHARED} is not here (the corpora are not shipped)")
        return 0
    sys.path.insert(0, str(ROOT))
    if args.sample:
        for uid, text in sample():
            print(f"{uid}\t{split_of(uid)}\t{text}")
        return 0
    if args.draw_r3:
        earlier = {r["id"] for r in _labels() if r["split"] not in ("dev_r3", "heldout_r3")}
        for uid, group, text in draw_r3(earlier, args.draw_r3):
            print(f"{uid}\t{group}\t{text}")
        return 0
    if args.draw_r4:
        every = {r["id"] for r in _labels() if r["split"] != "dev_r4"}
        for uid, group, text in draw_r4(every):
            print(f"{uid}\t{group}\t{text}")
        return 0
    if args.draw_r5:
        every = {r["id"] for r in _labels() if r["split"] != "dev_r5"}
        for uid, group, text in draw_r5(every):
            print(f"{uid}\t{group}\t{text}")
        return 0
    if args.draw:
        every = {r["id"] for r in _labels() if r["split"] not in draw_parts(args.draw)}
        for uid, part, group, text in draw_round(args.draw, every):
            print(f"{uid}\t{part}\t{group}\t{text}")
        return 0
    if args.pool_reads:
        Path(args.pool_reads).write_text(json.dumps(pool_reads()), encoding="utf-8")
        return 0
    if args.pool_compare:
        before, after = (json.loads(Path(p).read_text("utf-8")) for p in args.pool_compare)
        print("\n".join(pool_compare(before, after)))
        return 0
    if args.mine_red_flags:
        every = {r["id"] for r in _labels()}
        for row in mine_red_flags(every):
            print("\t".join(row))
        return 0
    stats = evaluate(args.misses, show_misses=bool(args.misses), parts=parts)
    for part, s in stats.items():
        print(
            f"{part}: {s['utterances']} utterances ({s['missing']} missing), "
            f"{s['labelled']} labelled concepts ({s['red_flag_labelled']} red-flag), "
            f"{s['unmapped']} unmapped symptoms | recall {s['recall']:.3f} "
            f"(with unmapped {s['recall_all']:.3f}) precision {s['precision']:.3f} | "
            f"red-flag recall {s['red_flag_recall']:.3f} precision {s['red_flag_precision']:.3f} | "
            f"red-flag utterances read at their level {s['red_flag_utterances_at_level']}"
            f"/{s['red_flag_utterances']}"
        )
        for line in s["misses"]:
            print("  ", line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
