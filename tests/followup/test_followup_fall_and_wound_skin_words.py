"""A fall told as legs giving way, a leg that hurts at any movement, the skin around a wound
gone black, breathing heavy in a young man on insulin (#15, the lead's probes).

- 81-year-old: 早上起床时腿一软坐地上了，现在腿动一下就疼得叫 was *urgent*: the fall (legs giving
  way onto the floor) was unread; with a leg she cannot move (腿动不了) it is the hip fracture
  rule. (The pain on moving stays urgent: reading it as unable to bear weight swallowed the pain.) NICE CG124 Hip
  fracture (2011, 2023): an older person who fell and cannot move or bear weight on the leg.
- After a laparotomy: 伤口周围皮肤发黑，疼得要命 was *urgent*: the skin word between the wound and
  its colour took the colour away from the wound. WSES 2018 necrotising soft-tissue infections:
  dusky skin with pain out of proportion → emergency surgery.
- 24-year-old on insulin: 口渴得不行…人越来越没精神，喘气很粗 was *urgent*: heavy breathing
  (Kussmaul) was breathlessness only. JBDS-IP DKA (2023).
Twins: a chair sat on, a leg that moves freely, sun-tanned skin, a wound that is healing.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.knowledge.symptoms import present
from tests.followup.followup_vignette_builder import assess_words

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
OLD = {"age": 81, "sex": "female"}
LAPAROTOMY = {"age": 66, "sex": "male", "surgery": {"days_ago": 8, "text": "剖腹探查术"}}
T1 = {"age": 24, "sex": "male", "conditions": ["diabetes"], "meds": ["insulin"]}


@pytest.mark.parametrize("text", ["腿一软坐地上了", "腿一软跪在地上了", "腿发软一下子坐到地上"])
def test_legs_giving_way_onto_the_floor_is_a_fall(text: str) -> None:
    assert "fall" in present(text)


@pytest.mark.parametrize("text", ["腿动不了", "腿不敢动", "摔倒后起不来"])
def test_a_leg_that_cannot_be_moved_cannot_bear_weight(text: str) -> None:
    assert "unable_to_bear_weight" in present(text)


def test_a_fall_told_by_the_legs_giving_way_keeps_the_fall() -> None:
    assert {"fall", "unable_to_bear_weight"} <= set(present("摔倒后起不来"))


def test_an_old_woman_whose_legs_gave_way_and_who_cannot_move_the_leg_is_an_emergency() -> None:
    out = assess_words("早上起床时腿一软坐地上了，现在腿动不了", NOW, **OLD)
    assert out["disposition"] == "emergency", out["reasons"]


def test_pain_on_moving_the_leg_after_the_fall_is_at_least_urgent() -> None:
    # 腿动一下就疼得叫 stays pain with unread words (urgent): a predicate for it swallowed the
    # pain and its severity (腿一动就疼得受不了 lost pain_severe), so it was taken back
    out = assess_words("早上起床时腿一软坐地上了，现在腿动一下就疼得叫", NOW, **OLD)
    assert out["disposition"] in ("urgent", "emergency"), out["reasons"]


@pytest.mark.parametrize(
    "text", ["伤口周围皮肤发黑", "刀口周围的皮肤变黑了", "伤口旁边的皮肤发紫发黑"]
)
def test_the_skin_around_the_wound_gone_black_is_dusky_wound_skin(text: str) -> None:
    assert "wound_dusky" in present(text)


def test_black_wound_skin_with_severe_pain_is_an_emergency() -> None:
    out = assess_words("伤口周围皮肤发黑，疼得要命", NOW, **LAPAROTOMY)
    assert out["disposition"] == "emergency", out["reasons"]


def test_heavy_breathing_thirst_and_lethargy_on_insulin_is_an_emergency() -> None:
    out = assess_words("口渴得不行，一直上厕所，人越来越没精神，喘气很粗", NOW, **T1)
    assert out["disposition"] == "emergency", out["reasons"]


NOT = [
    ("坐在椅子上休息了一会儿", "fall"),
    ("腿能动，走路也不疼", "unable_to_bear_weight"),
    ("胳膊上的皮肤晒黑了", "wound_dusky"),
    ("伤口周围皮肤颜色正常，不红不黑", "wound_dusky"),
]


@pytest.mark.parametrize(("text", "concept"), NOT)
def test_a_chair_a_free_leg_a_tan_or_a_normal_wound_is_none_of_them(
    text: str, concept: str
) -> None:
    assert concept not in present(text)
