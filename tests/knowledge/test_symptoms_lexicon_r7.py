"""#23 lexicon round 7: the readings added after the miss analysis of ``dev_r7a`` and the earlier
open parts (``bench/lexicon_eval.py``), each checked on phrasings written from clinical knowledge
(traditional characters, word order) and on the benign look-alikes it must not reach; the
round-7 floors on the tuning part ``dev_r7a`` and the transfer check ``dev_r7b`` (totals only:
a failure prints figures, never rows). What the code still reads wrong stays here as a strict
xfail with its reason."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from clinical.knowledge.symptoms import present

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("concept", "text"),
    [
        # a yellow face said with 面 (as 脸发黄, 脸色很黄)
        ("jaundice", "他最近面黄，没精神"),
        ("jaundice", "面黃"),
        # pain pulled by breathing or a cough is pleuritic
        ("pleuritic_pain", "左边胁下疼，呼吸都牵扯着痛"),
        ("pleuritic_pain", "呼吸時牽扯痛"),
        ("pleuritic_pain", "深呼吸牵涉痛"),
        ("pleuritic_pain", "咳嗽牵扯痛"),
        # the corpus's 睡午觉 for 睡觉: wanting to sleep all the time
        ("drowsiness", "老是想睡午觉"),
        ("drowsiness", "非常想睡午觉"),
        # raving speech
        ("confusion", "晚上说疯话"),
        ("confusion", "老人疯言疯语的"),
        # the truncated red-flag phrases of the paraphrased corpus
        ("seizure", "突然倒地口吐白，四肢抽"),
        ("syncope", "昨天突然意识丧，送医"),
        ("syncope", "突然不省人，叫不醒"),
        # everyday words (no red flag)
        ("sweating", "出现自汗"),
        ("hiccups", "老是扯嗝"),
        ("blurred_vision", "最近眼花"),
        ("blurred_vision", "眼睛昏花"),
        ("poor_appetite", "胃口不是很好"),
        ("poor_appetite", "無食欲"),
        ("constipation", "排便不畅"),
    ],
)
def test_round7_readings(concept: str, text: str) -> None:
    assert concept in present(text)


@pytest.mark.parametrize(
    ("concept", "text"),
    [
        # the idiom for undernourishment is weight change, not jaundice
        ("jaundice", "孩子面黄肌瘦"),
        # a yellow tongue coating is no yellow face
        ("jaundice", "舌面黄，舌苔厚"),
        # dazzled by choice, and the dizziness idiom, are no blurred vision
        ("blurred_vision", "商场里东西多得眼花缭乱"),
        ("blurred_vision", "头晕眼花"),
        # a denied nap is no sleepiness
        ("drowsiness", "中午不想睡午觉"),
        # 疯 alone is no confused speech
        ("confusion", "疯狂"),
    ],
)
def test_round7_readings_do_not_reach(concept: str, text: str) -> None:
    assert concept not in present(text)


def test_round7_idiom_is_weight_change() -> None:
    assert present("孩子面黄肌瘦") == ["weight_change"]


MISSED = pytest.mark.xfail(strict=True, reason="still missed after #23 lexicon round 7")


@pytest.mark.parametrize(
    ("concept", "text"),
    [
        # (round 8 read the bare jerk 老是抽一下 and the colour of the next clause 脸色…，感觉黄黄的:
        # tests/knowledge/test_symptoms_lexicon_r8.py)
        # 就 between the cough and the pulled pain (not a word skipped inside a term)
        pytest.param(
            "pleuritic_pain", "一咳嗽就牵扯着痛", marks=MISSED, id="cough-jiu-pulled-pain"
        ),
    ],
)
def test_round7_known_misses(concept: str, text: str) -> None:
    assert concept in present(text)


# Round-7 floors (#23). Before the round's lexicon change (b14a49b): dev_r7a recall 0.752,
# precision 0.882, red-flag recall 0.706 (12/17); dev_r7b recall 0.704, precision 0.835, red-flag
# recall 0.812 (13/16). After (910d5e2): dev_r7a 0.844 / 0.893 / 0.941; dev_r7b unchanged (the
# transfer check was read once, at the end, as totals). A failure prints totals only.
FLOORS = {
    "dev_r7a": {"recall": 0.83, "precision": 0.88, "red_flag_recall": 0.94},
    "dev_r7b": {"recall": 0.69, "precision": 0.82, "red_flag_recall": 0.81},
}


@pytest.mark.shared_data
def test_round7_floors() -> None:
    sys.path.insert(0, str(ROOT))
    from bench import lexicon_eval

    if not lexicon_eval.SHARED.is_dir():
        pytest.skip(f"{lexicon_eval.SHARED} is not here")
    stats = lexicon_eval.evaluate(parts=tuple(FLOORS))
    for part, floors in FLOORS.items():
        s = stats[part]
        totals = {k: round(s[k], 3) for k in ("recall", "precision", "red_flag_recall")}
        assert s["utterances"] == 80 and s["missing"] == 0, (part, s["utterances"], s["missing"])
        for key, floor in floors.items():
            assert s[key] >= floor, (part, key, totals)
