"""Passive death wishes in an older person's idiom (#15 crisis route, the lead's probes).

C-SSRS item 1 (wish to be dead) includes the passive forms: life as a burden or pointless, a
wish to be taken, to join the dead, to sleep and not get up, the family better off without one.
The probes found most of them unread (review), and 活着太累了 read as fatigue at *self-care*.
Twins: a tiring day's work, a literal visit, a good night's sleep, a rhetorical complaint about
the weather.
"""

from __future__ import annotations

import pytest

from clinical.knowledge.symptoms import present

WISHES = [
    "活着太累了",
    "有时候觉得活着真累",
    "我这样活着就是遭罪",
    "人活着有什么意思",
    "想早点去找老伴",
    "老天爷怎么还不把我收走",
    "阎王爷怎么还不收我",
    "真想一觉睡下去再也别起来",
    "我要是走了，你们就轻松了",
    "我不如早点走了好",
    "活著太累了",  # traditional 著
]


@pytest.mark.parametrize("text", WISHES)
def test_a_passive_death_wish_is_suicidal(text: str) -> None:
    assert "suicidal" in present(text)


NOT_WISHES = [
    "今天干活太累了",
    "明天去找老伴，她在女儿家",
    "昨晚一觉睡到天亮，都不想起来",
    "我要是走了，谁给孩子做饭",
    "天太热了，这日子怎么过",
    "我早点走了，路上不堵",
    "他活着回来了，真好",
]


@pytest.mark.parametrize("text", NOT_WISHES)
def test_tiredness_a_visit_a_sleep_or_a_complaint_is_no_wish(text: str) -> None:
    assert "suicidal" not in present(text)


# Treatment refused with a plea to be let go (不想再治了，让我走吧: C-SSRS item 1, passive wish to
# be dead; the probes found it unread at review). Twins: a plea to leave the ward, a walk.
@pytest.mark.parametrize(
    "text",
    ["不想再治了，让我走吧", "别治了，就让我去吧", "不要再救我了，让我走", "受够了，放我走吧"],
)
def test_a_plea_to_be_let_go_with_treatment_refused_is_suicidal(text: str) -> None:
    assert "suicidal" in present(text)


@pytest.mark.parametrize(
    "text", ["让我走吧，我要回家吃饭", "医生说不用再治了，让我出院", "不想再排队了，让我先走"]
)
def test_a_plea_to_leave_or_a_discharge_is_no_wish(text: str) -> None:
    assert "suicidal" not in present(text)
