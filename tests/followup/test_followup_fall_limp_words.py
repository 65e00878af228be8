"""After a fall in an 85-year-old: a fall told with 过, a limp, lying unable to get up, a leg
without strength, the side of the buttock (#15 falls, the lead's probes).

老人家摔了，现在走路一瘸一拐 and 前天摔过，这两天腿越来越疼 were *review*: no concept read a limp
(一瘸一拐) and 摔过 (fell, with the experiential 过) was no fall. 摔倒后躺在床上起不来 and
摔了一跤，腿使不上劲 were urgent only as unread words naming the body; 屁股旁边那块骨头疼 (over the
greater trochanter) was buttock pain. NICE CG124 Hip fracture (2011, updated 2023): an older
person who cannot get up or bear weight after a fall is a hip fracture until imaged; a limp or a
hip pain after a fall needs imaging the same day (occult fracture, §1.2). Twins: a fall years
ago, a limp of an old knee without a fall, getting up late.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.knowledge.symptoms import find_symptoms, present
from tests.followup.followup_vignette_builder import assess_words

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
OLD = {"age": 85, "sex": "female"}


@pytest.mark.parametrize("text", ["前天摔过", "昨天在家摔过一跤", "前天摔過一跤"])
def test_a_recent_fall_told_with_guo_is_a_fall(text: str) -> None:
    assert "fall" in present(text)


def test_a_fall_years_ago_is_past() -> None:
    falls = [m for m in find_symptoms("以前摔过一跤") if m.concept == "fall"]
    assert falls and all(m.past or m.negated for m in falls)


@pytest.mark.parametrize("text", ["走路一瘸一拐", "腿瘸了", "走路有点跛", "走路一拐一拐的"])
def test_a_limp_is_read(text: str) -> None:
    assert "limp" in present(text)


@pytest.mark.parametrize("text", ["摔倒后躺在床上起不来", "倒在地上起不来", "摔了一跤，腿使不上劲"])
def test_unable_to_get_up_or_to_use_the_leg_after_a_fall_is_unable_to_bear_weight(
    text: str,
) -> None:
    assert "unable_to_bear_weight" in present(text)


def test_the_side_of_the_buttock_is_the_hip() -> None:
    assert "hip_pain" in present("屁股旁边那块骨头疼")


@pytest.mark.parametrize(
    "text",
    ["老人家摔了，现在走路一瘸一拐", "前天摔过，这两天腿越来越疼，走路一瘸一拐的"],
)
def test_a_limp_after_a_fall_is_at_least_urgent(text: str) -> None:
    assert assess_words(text, NOW, **OLD)["disposition"] in ("urgent", "emergency")


@pytest.mark.parametrize(
    "text", ["摔倒后躺在床上起不来", "摔了一跤，腿使不上劲", "摔了一下，屁股旁边那块骨头疼"]
)
def test_unable_to_get_up_or_a_hip_pain_after_a_fall_is_an_emergency(text: str) -> None:
    assert assess_words(text, NOW, **OLD)["disposition"] == "emergency"


@pytest.mark.parametrize("text", ["早上起不来，想多睡会儿", "走路一瘸一拐好几年了，老毛病了"])
def test_getting_up_late_or_an_old_limp_is_no_fall_injury(text: str) -> None:
    out = assess_words(text, NOW, **OLD)
    assert out["disposition"] in ("self-care", "routine", "review"), out["reasons"]
