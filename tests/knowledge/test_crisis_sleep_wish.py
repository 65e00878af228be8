"""The wish to fall asleep and not wake up, said before the sleep (#15, the lead's probes).

C-SSRS item 1 asks "wished you could go to sleep and not wake up?"; 想睡过去就别醒了 was unread
(review) while 睡过去不醒了也好 was an emergency. Twins: a wish for unbroken sleep, deep sleep.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.knowledge.symptoms import present
from tests.followup.followup_vignette_builder import assess_vignette

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)

WISH = [
    "想睡过去就别醒了",
    "真希望一觉睡过去再也不醒",
    "有时候想睡着了就永远别醒",
    "巴不得睡过去不醒来",
    "想睡過去就別醒了",  # traditional characters
    "想睡过去就别\u200b醒了",  # a zero-width character
]


@pytest.mark.parametrize("text", WISH)
def test_the_wish_before_the_sleep_is_a_death_wish(text: str) -> None:
    assert "suicidal" in present(text)


def test_it_reaches_the_care_team_as_an_emergency() -> None:
    v = {"id": "sleepwish", "age": 67, "survey": [["症状描述", WISH[0], 2]]}
    assert assess_vignette(v, NOW)["disposition"] == "emergency"


NOT_A_WISH = [
    "想睡着了就别醒，一觉到天亮",  # unbroken sleep
    "一睡过去就不醒了，睡得很沉",  # deep sleep, no wish word
    "晚上想睡也睡不着，老是醒",  # insomnia
    "孩子刚睡着，别叫醒他",
]


@pytest.mark.parametrize("text", NOT_A_WISH)
def test_sleep_without_a_wish_to_die_is_no_crisis(text: str) -> None:
    assert "suicidal" not in present(text)
