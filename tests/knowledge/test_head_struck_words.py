"""A head struck, with what struck it between the verb and its place (#15, the lead's probes).

NICE NG232 (2023): a head injury on an anticoagulant or an antiplatelet needs a CT within 8 hours.
The lexicon read 头撞到门上了 but not 脑袋撞门框上了 or 脑门撞门框上了 (the object stands between the
verb and 上), nor a head struck by something falling (后脑勺被掉下来的东西砸了一下): on warfarin
the first was only urgent, as a 'wound haematoma'. Twins: the head words in a headache and a
head touched, not struck.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.knowledge.symptoms import present
from tests.followup.followup_vignette_builder import assess_words

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)

STRUCK = [
    "脑袋撞门框上了",
    "脑门撞门框上了，鼓了个大包",
    "额头磕桌角上了",
    "后脑勺被掉下来的东西砸了一下",
    "头顶被柜门砸了",
    "腦門撞門框上了",  # traditional characters
]


@pytest.mark.parametrize("text", STRUCK)
def test_a_head_struck_is_a_head_injury(text: str) -> None:
    assert "fall_head_injury" in present(text)


def test_on_warfarin_it_is_an_emergency() -> None:
    out = assess_words(STRUCK[1], NOW, id="hd", age=76, meds=["warfarin"])
    assert out["disposition"] == "emergency", out["reasons"]


@pytest.mark.parametrize("text", ["头有点疼，像被什么压着", "额头碰着有点烫", "头发剪短了"])
def test_a_head_not_struck_is_no_head_injury(text: str) -> None:
    assert "fall_head_injury" not in present(text)


def test_a_pain_that_makes_one_want_to_hit_the_wall_is_no_head_injury() -> None:
    # 疼得想撞墙 is a degree of the headache (the intensity grammar reads a severe one)
    found = present("头疼得想撞墙")
    assert "fall_head_injury" not in found and "headache" in found
    assert "fall_head_injury" in present("脑袋撞墙上了")


def test_the_first_day_is_no_head() -> None:
    # 头一天 (the day before): a bare 头 is no subject of the impact verb
    assert "fall_head_injury" not in present("头一天磕了一下腿")
