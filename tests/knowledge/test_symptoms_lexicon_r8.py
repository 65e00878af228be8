"""#23 lexicon round 8: two mechanisms from the round-7 miss analysis (not word rows), each
checked on phrasings written from clinical knowledge and on the look-alikes it must not reach,
and the round-8 floors on the tuning part ``dev_r8a`` and the transfer check ``dev_r8b`` (totals
only: a failure prints figures, never rows).

- Zero anaphora (``symptoms._anaphoric_predicate``): a clause that is only a predicate takes the
  subject of the clause before it in the same sentence (脸色也不好，黄黄的 is a yellow face).
- A whole body trembling (全身都在颤) is a convulsion only in a sentence of a fit or a collapse and
  of no fever or cold (``symptoms._BODY_TREMBLE``).
- A bare 抽 with a motor complement or a frequency word (``symptoms._MOTOR_SEIZURE``) is a
  convulsion (时不时抽一下, 抽得很厉害, 突然抽起来), never where its sentence names what is drawn
  or smoked (抽血, 抽烟) or its clause a cramping pain (胃一抽一抽地疼)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from clinical.knowledge.symptoms import present

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("concept", "text"),
    [
        # zero anaphora: the colour, the blood, the vomiting of the next clause
        ("jaundice", "脸色也不如以前了，感觉黄黄的"),
        ("jaundice", "眼白最近，有点发黄"),
        ("jaundice", "臉色不好，黃黃的。"),
        ("melena", "拉的大便，黑黑的"),
        ("hemoptysis", "早上咳的痰，有血丝"),
        ("vomiting", "一吃东西，就吐"),
        # a bare 抽 with a motor complement or a frequency word
        ("seizure", "女儿时不时抽一下，是不是癫痫"),
        ("seizure", "儿子最近老是抽一下，一下一下的"),
        ("seizure", "孩子昨晚突然抽起来了，叫不醒"),
        ("seizure", "喝水的时候突然抽起来"),
        ("seizure", "他抽得很厉害，牙关紧咬"),
        ("seizure", "宝宝一抽一抽的，眼睛往上翻"),
        ("seizure", "经常出现规律性的抽"),
        # a whole body trembling in a sentence of a fit (not of a fever)
        ("seizure", "他突然昏倒，全身都在颤"),
        ("seizure", "我有癫痫，走路时全身发颤"),
        ("seizure", "孩子口吐白沫，四肢颤动"),
    ],
)
def test_round8_readings(concept: str, text: str) -> None:
    assert concept in present(text)


@pytest.mark.parametrize(
    ("concept", "text"),
    [
        # a clause with a noun of its own takes no subject from the clause before
        ("melena", "大便正常，黑眼圈很重"),
        ("jaundice", "脸色还好，黄豆吃多了"),
        # the predicate must close its clause
        ("jaundice", "脸色不好，黄色的衣服不适合"),
        # a known epilepsy's bare recurrence is left to label policy (no anaphora there)
        ("seizure", "癫痫好多年了，又复发了"),
        # across a sentence end nothing is carried
        ("jaundice", "脸色不好。黄黄的"),
        # 抽 of drawing, smoking, spare time, a cramp, a cramping pain
        ("seizure", "我去抽血，抽得很厉害"),
        ("seizure", "他抽烟抽得厉害"),
        ("seizure", "抽一下血看看"),
        ("seizure", "帮我抽一下时间"),
        ("seizure", "抽空去医院"),
        ("seizure", "腿抽筋抽得厉害"),
        ("seizure", "胃一抽一抽的疼"),
        ("seizure", "他经常抽烟"),
        ("seizure", "没有抽过"),
        # rigors with a fever, a trembling body with no fit, a hand's tremor
        ("seizure", "发烧，全身发颤"),
        ("seizure", "癫痫的孩子昨天发烧了，浑身发颤"),
        ("seizure", "全身发颤"),
        ("seizure", "手在颤"),
    ],
)
def test_round8_readings_do_not_reach(concept: str, text: str) -> None:
    assert concept not in present(text)


MISSED = pytest.mark.xfail(strict=True, reason="still missed after #23 lexicon round 8")


@pytest.mark.parametrize(
    ("concept", "text"),
    [
        # 颤 with no body word (发颤之后): shivering as often as a fit
        pytest.param("seizure", "他突然倒地，一直在颤", marks=MISSED, id="bare-tremble"),
        # (a strong degree word on an abdominal pain, 每次都非常疼, is read since round 9:
        # tests/knowledge/test_symptoms_lexicon_r9.py)
    ],
)
def test_round8_known_misses(concept: str, text: str) -> None:
    assert concept in present(text)


# Round-8 floors (#23). Before the round's lexicon change (813e48b, labels committed alone):
# dev_r8a recall 0.725, precision 0.881, red-flag recall 0.833 (10/12); dev_r8b recall 0.776,
# precision 0.884, red-flag recall 0.500 (3/6). After: dev_r8a 0.745 / 0.884 / 0.917 (11/12);
# dev_r8b unchanged. A failure prints totals only.
FLOORS = {
    "dev_r8a": {"recall": 0.74, "precision": 0.88, "red_flag_recall": 0.91},
    "dev_r8b": {"recall": 0.77, "precision": 0.88, "red_flag_recall": 0.5},
}


@pytest.mark.shared_data
def test_round8_floors() -> None:
    sys.path.insert(0, str(ROOT))
    from bench import lexicon_eval

    if not lexicon_eval.SHARED.is_dir():
        pytest.skip(f"{lexicon_eval.SHARED} is not here")
    stats = lexicon_eval.evaluate(parts=tuple(FLOORS))
    for part, floors in FLOORS.items():
        s = stats[part]
        totals = {k: round(s[k], 3) for k in ("recall", "precision", "red_flag_recall")}
        assert s["utterances"] == 40 and s["missing"] == 0, (part, s["utterances"], s["missing"])
        for key, floor in floors.items():
            assert s[key] >= floor, (part, key, totals)
