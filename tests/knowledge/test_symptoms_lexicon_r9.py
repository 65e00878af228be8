"""#23 lexicon round 9: two mechanisms from the round-9 red-flag miss analysis (by class, not
word rows), each checked on made-up utterances of its class and on the look-alikes it must not
reach, and the round-9 floors on the tuning part ``dev_r9a`` and the transfer check ``dev_r9b``
(totals only: a failure prints figures, never rows).

- A loss of consciousness told inside a fit is a transient one, syncope (``symptoms._FIT_FAINT``,
  ``symptoms._fit_collapse``): a bare 晕/昏 that is no dizziness, or a 晕迷/没意识/跌倒 that a term
  reads as another concept, in a sentence with a convulsion (``symptoms._FIT_MOTOR``).
- A strong degree word right on an abdominal pain (非常疼, 特别的痛, 十分痛) makes it
  abdominal_pain_severe (symptom_intensity.csv); the bleached 很 and 非常不舒服 do not."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from clinical.knowledge.symptoms import present

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("concept", "text"),
    [
        # a bare 晕 / 昏 in a sentence of a fit
        ("syncope", "我女儿上周突然晕抽，口吐白沫"),
        ("syncope", "孩子有时会莫名其妙地昏，还全身抽"),
        ("syncope", "他全身抽了一阵，之后有短暂的晕"),
        # a loss of consciousness or a collapse a term reads as another concept
        ("syncope", "弟弟抽起来的时候，口吐白沫，没意识"),
        ("syncope", "发作时四肢抽搐，晕迷了几分钟"),
        ("syncope", "我爸昨天突然跌倒，然后手脚抽"),
        # the other reading stays beside it
        ("fall", "我爸昨天突然跌倒，然后手脚抽"),
        ("seizure", "我女儿上周突然晕抽，口吐白沫"),
        # a strong degree word on an abdominal pain
        ("abdominal_pain_severe", "老胃病了，每次发作都非常疼"),
        ("abdominal_pain_severe", "这两天肚子特别的痛"),
        ("abdominal_pain_severe", "胃十分疼，吃不下饭"),
    ],
)
def test_round9_readings(concept: str, text: str) -> None:
    assert concept in present(text)


@pytest.mark.parametrize(
    ("concept", "text"),
    [
        # dizziness in a sentence of a fit, a blood draw, a cramp, no fit at all
        ("syncope", "癫痫发作完以后头晕"),
        ("syncope", "抽血的时候有点晕"),
        ("syncope", "腿抽筋，昏昏沉沉的"),
        ("syncope", "最近总是晕乎乎的"),
        ("syncope", "吃了药有点晕"),
        # a fit and a fainting denied, or only feared
        ("syncope", "他没有晕，也没有抽"),
        ("syncope", "如果抽起来晕过去怎么办"),
        # a collapse or a lost consciousness with no fit: their own concepts only
        ("syncope", "奶奶昨天跌倒了，膝盖破了"),
        ("syncope", "他说话糊涂，没意识到自己在哪"),
        # the bleached 很, discomfort that is no pain, a denied degree, 特别是
        ("abdominal_pain_severe", "胃很疼"),
        ("abdominal_pain_severe", "胃非常不舒服"),
        ("abdominal_pain_severe", "胃不是特别疼"),
        ("abdominal_pain_severe", "特别是吃饭以后胃疼"),
        ("abdominal_pain_severe", "头非常疼"),
    ],
)
def test_round9_readings_do_not_reach(concept: str, text: str) -> None:
    assert concept not in present(text)


MISSED = pytest.mark.xfail(strict=True, reason="still missed after #23 lexicon round 9")


@pytest.mark.parametrize(
    ("concept", "text"),
    [
        # a head injury after a fall, site and predicate apart (no head-injury predicate row)
        # read since #23 round 11 (an injury predicate after a head word, symptom_predicates.csv)
        pytest.param("fall_head_injury", "他从楼梯上摔了一跤，脑子受了伤", id="fall-head-apart"),
        # everyday 困 labelled drowsiness (label policy: read nothing or fatigue)
        # not read, by the lead's decision (2026-12-07): everyday sleepiness is not the urgent
        # drowsiness red flag; the label stays (label policy), so this stays a known miss
        pytest.param("drowsiness", "最近身体乏力，易困", marks=MISSED, id="everyday-sleepy"),
    ],
)
def test_round9_known_misses(concept: str, text: str) -> None:
    assert concept in present(text)


# Round-9 floors (#23). Before the round's lexicon change (18f0fc7, labels committed alone):
# dev_r9a recall 0.697, precision 0.920, red-flag recall 0.667 (16/24); dev_r9b recall 0.574,
# precision 0.818, red-flag recall 0.600 (6/10). After: dev_r9a 0.720 / 0.922 / 0.792 (19/24);
# dev_r9b 0.596 / 0.824 / 0.700 (7/10). A failure prints totals only.
FLOORS = {
    "dev_r9a": {"recall": 0.71, "precision": 0.92, "red_flag_recall": 0.79},
    "dev_r9b": {"recall": 0.59, "precision": 0.82, "red_flag_recall": 0.69},
}


@pytest.mark.shared_data
def test_round9_floors() -> None:
    sys.path.insert(0, str(ROOT))
    from bench import lexicon_eval

    if not lexicon_eval.SHARED.is_dir():
        pytest.skip(f"{lexicon_eval.SHARED} is not here")
    stats = lexicon_eval.evaluate(parts=tuple(FLOORS))
    sizes = {"dev_r9a": 80, "dev_r9b": 40}
    for part, floors in FLOORS.items():
        s = stats[part]
        totals = {k: round(s[k], 3) for k in ("recall", "precision", "red_flag_recall")}
        assert s["utterances"] == sizes[part] and s["missing"] == 0, (part, s["utterances"])
        for key, floor in floors.items():
            assert s[key] >= floor, (part, key, totals)
