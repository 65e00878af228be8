"""An ordinary residue (#15 residue cost, task h-cost2): beside a recognised complaint, leftover
words that say nothing of its danger (a duration, a frequency, a hedge, a question for the care
team, a treatment request: discourse.yaml ``ordinary_residue``) are still quoted for a
clinician, but marked ``ordinary`` (follow-up: review, not urgent). A leftover that may be the
red flag (a colour, a spread, a likeness, a consequence, worsening) is never ordinary.
"""

from __future__ import annotations

import pytest

from clinical.knowledge import discourse, unread

ORDINARY = [
    "头痛断断续续快一个月了",
    "胃痛一般在半夜发作",
    "头晕该挂哪个科",
    "腰痛做理疗有没有用",
    "失眠吃中药调理行不行",
    "头痛每个星期都有那么一两回",
]

DANGER = [
    "咳嗽带咖啡色的渣子",
    "胸口痛往左胳膊上窜",
    "肚子痛疼到后背去了",
    "拉肚子拉的像米汤一样",
    "呕吐吐出来黑乎乎的东西",
    "关节疼阴雨天就加重",
    "头痛断断续续的越来越重",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_an_ordinary_residue_is_quoted_but_not_bodily(text: str) -> None:
    parts = unread.unread(text)
    assert parts and all(u.partial and u.words for u in parts), parts
    assert all(u.ordinary and not u.bodily for u in parts), parts


@pytest.mark.parametrize("text", DANGER)
def test_a_residue_that_may_be_the_red_flag_is_never_ordinary(text: str) -> None:
    parts = unread.unread(text)
    assert any(u.partial and not u.ordinary and u.bodily for u in parts), parts


@pytest.mark.parametrize(
    "word", ["到", "往", "像", "更", "窜", "串", "去", "来", "一样", "加重", "越来越"]
)
def test_no_direction_likeness_or_worsening_word_is_ordinary(word: str) -> None:
    ordinary = discourse.ordinary_residue_words()
    # a single character is never ordinary alone (疼到后背去了: 到 is the spread); a longer word
    # never inside an ordinary one (一到冬天就犯 holds 到 as a time phrase, not a spread)
    assert word not in ordinary
    if len(word) > 1:
        assert not any(word in w for w in ordinary)
