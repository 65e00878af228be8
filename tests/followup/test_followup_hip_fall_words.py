"""A fall from a seat and a leg that will not straighten, in a carer's words (#15, the lead's probes).

NICE CG124 (hip fracture) and CG161 (falls): an older person who falls and then cannot bear
weight, or whose leg is shortened and rotated, is sent to hospital. The probes found a fall from
a chair unread (从椅子上滑下来了: only 从椅子上掉下来 was a fall), and two signs of a fracture
unread after a fall: a leg that cannot be straightened (腿伸不直) and a hip that the patient
dares not put weight on (髋部疼，不敢用力). Twins: sitting down on purpose; a leg that will not
straighten with no fall in a younger man stays below an emergency.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.followup.services.ruledata import rank
from clinical.knowledge.symptoms import present
from tests.followup.followup_vignette_builder import assess_words

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
OLD = {"id": "hip", "age": 85, "sex": "female"}


@pytest.mark.parametrize(
    "text",
    [
        "从椅子上滑下来了",
        "从沙发上出溜下来了",
        "从马桶上滑到地上",
        "一屁股坐到地上了",
        "從椅子上滑下來了",
    ],
)
def test_a_fall_from_a_seat_is_a_fall(text: str) -> None:
    assert "fall" in present(text)


@pytest.mark.parametrize("text", ["坐在椅子上看电视", "晚上在沙发上睡着了", "从床上下来走了走"])
def test_sitting_or_getting_up_is_no_fall(text: str) -> None:
    assert "fall" not in present(text)


@pytest.mark.parametrize(
    "text", ["腿伸不直", "右腿伸不直了", "髋部疼，不敢用力", "那条腿不敢用力踩"]
)
def test_a_leg_that_will_not_straighten_or_take_weight_is_not_bearing_weight(text: str) -> None:
    assert "unable_to_bear_weight" in present(text)


@pytest.mark.parametrize(
    "text",
    [
        "奶奶摔了以后腿伸不直，一动就叫疼",
        "从椅子上滑下来了，起来以后髋部疼，不敢用力",
    ],
)
def test_after_a_fall_in_an_old_woman_it_is_the_hip_fracture_emergency(text: str) -> None:
    out = assess_words(text, NOW, **OLD)
    assert out["disposition"] == "emergency", out["reasons"]


def test_a_leg_that_will_not_straighten_with_no_fall_is_not_an_emergency() -> None:
    out = assess_words("打球以后膝盖有点肿，腿伸不直", NOW, id="hip", age=30, sex="male")
    assert rank(out["disposition"]) < rank("emergency"), out["reasons"]
