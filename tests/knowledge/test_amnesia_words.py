"""Amnesia after a head injury in a patient's words (#15 head injury, the lead's probes).

NICE NG232 (2023): amnesia for events since (or before) the injury is a CT risk factor. The lexicon
knew 想不起来怎么摔的 and 不记得发生了什么; 磕到头以后有点想不起来当时的事了 was unread (urgent only
as a head injury at 70). Twins: a poor memory in general, forgetting a dose.
"""

from __future__ import annotations

import pytest

from clinical.knowledge.symptoms import present


@pytest.mark.parametrize(
    "text",
    [
        "磕到头以后有点想不起来当时的事了",
        "摔了以后记不得当时的事",
        "磕到头以后想不起來當時的事了",  # traditional characters
    ],
)
def test_events_around_the_injury_forgotten_are_amnesia(text: str) -> None:
    assert "amnesia" in present(text)


@pytest.mark.parametrize("text", ["最近记性不太好", "忘了吃药了", "想不起来药放哪了"])
def test_a_poor_memory_or_a_forgotten_dose_is_not_amnesia(text: str) -> None:
    assert "amnesia" not in present(text)
