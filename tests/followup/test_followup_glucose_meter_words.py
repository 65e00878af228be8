"""A meter that reads LO or HI, a recheck after sugar, a call answered late (#15, the lead's probes).

On insulin: 血糖仪显示LO (a reading below the meter's range, under about 1.1 mmol/L) was *review*
and unread; 血糖测出来是HI (above its range, over 33.3 mmol/L) was *review*; 血糖2.3，吃了糖还是2.5
(a 15/15 recheck still low) was *urgent*; 血糖1.8，叫了好几声才答应 (responds to voice only after
repeated calls: AVPU V, altered consciousness) was *urgent*. Glucose meter instructions (e.g.
Roche Accu-Chek, LifeScan OneTouch): "LO" is below the measuring range, treat at once and seek
help; ADA Standards of Care 2024 §6 (level 3 hypoglycaemia; the 15/15 rule: still low after
treatment → emergency services) and §16 (HHS at ≥33.3 mmol/L). Twins: a recheck that rose, a
call answered at once, LO that is a word of another kind.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.knowledge.symptoms import present
from tests.followup.followup_vignette_builder import assess_words, reason_codes

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
INSULIN = {"age": 68, "sex": "male", "conditions": ["diabetes"], "meds": ["insulin"]}


@pytest.mark.parametrize(
    "text", ["血糖仪显示LO", "测血糖显示Lo", "血糖测出来是LO", "血糖低到测不出来", "血糖仪顯示LO"]
)
def test_a_meter_below_its_range_is_read(text: str) -> None:
    assert "glucose_meter_lo" in present(text)


@pytest.mark.parametrize("text", ["血糖仪显示LO", "血糖低到测不出来，人在出汗"])
def test_a_meter_below_its_range_on_insulin_is_an_emergency(text: str) -> None:
    assert assess_words(text, NOW, **INSULIN)["disposition"] == "emergency"


@pytest.mark.parametrize("text", ["血糖测出来是HI", "血糖仪上显示HI，口渴得厉害"])
def test_a_meter_above_its_range_is_read_and_an_emergency(text: str) -> None:
    assert "glucose_meter_hi" in present(text)
    assert assess_words(text, NOW, **INSULIN)["disposition"] == "emergency"


@pytest.mark.parametrize("text", ["我的手机显示LOW电量", "血糖仪屏幕上显示HELLO"])
def test_other_lo_words_are_no_meter_reading(text: str) -> None:
    assert "glucose_meter_lo" not in present(text)
    assert "glucose_meter_hi" not in present(text)


def test_a_recheck_after_sugar_still_low_is_an_emergency() -> None:
    out = assess_words("血糖2.3，吃了糖还是2.5", NOW, **INSULIN)
    assert out["disposition"] == "emergency", out["reasons"]
    assert "syndrome-hypoglycaemia-persisting" in reason_codes(out)


def test_a_recheck_after_sugar_that_rose_is_no_persisting_low() -> None:
    out = assess_words("血糖2.3，吃了糖以后是5.6，好了", NOW, **INSULIN)
    assert "syndrome-hypoglycaemia-persisting" not in reason_codes(out)


@pytest.mark.parametrize(
    "text", ["叫了好几声才答应", "喊了好几声才应", "叫他好几遍才有反应", "叫了好一会儿才答应"]
)
def test_a_call_answered_only_after_many_calls_is_altered_consciousness(text: str) -> None:
    assert {"confusion", "drowsiness"} & set(present(text))


def test_a_low_glucose_answered_late_is_an_emergency() -> None:
    out = assess_words("早上起来血糖1.8，叫了好几声才答应", NOW, **INSULIN)
    assert out["disposition"] == "emergency", out["reasons"]


@pytest.mark.parametrize("text", ["叫了一声他就答应了", "我叫了好几声出租车才来"])
def test_a_call_answered_at_once_or_a_taxi_is_no_altered_consciousness(text: str) -> None:
    assert not {"confusion", "drowsiness"} & set(present(text))


# Too much insulin or a glucose-lowering tablet taken twice (不小心打了两次胰岛素, 长效打成了短效) was
# *review*: NHS "Insulin" (2023) and Diabetes UK: after too much insulin check the glucose often,
# eat, and get advice the same day (the glucose may fall for hours). Twins: a twice-daily regimen.
@pytest.mark.parametrize(
    "text",
    [
        "不小心打了两次胰岛素，现在还没什么感觉",
        "晚上把长效胰岛素打成了短效的",
        "胰岛素打多了",
        "降糖药多吃了一次",
        "今天多打了一次胰岛素",
    ],
)
def test_too_much_glucose_lowering_medicine_is_read_and_urgent(text: str) -> None:
    assert "glucose_lowering_overdose" in present(text)
    assert assess_words(text, NOW, **INSULIN)["disposition"] in ("urgent", "emergency")


@pytest.mark.parametrize(
    "text", ["胰岛素一天打两次", "今天打了两次胰岛素，早晚各一次", "降糖药按时吃了"]
)
def test_a_twice_daily_regimen_is_no_overdose(text: str) -> None:
    assert "glucose_lowering_overdose" not in present(text)


# Food that did not lift a low glucose (血糖一直在2点多，吃了东西也上不去 was urgent): the 15/15
# rule's failed correction, as after sugar (ADA Standards of Care 2024 §6). Twin: food that did.
def test_food_that_did_not_lift_a_low_glucose_is_an_emergency() -> None:
    out = assess_words("血糖一直在2点多，吃了东西也上不去", NOW, **INSULIN)
    assert out["disposition"] == "emergency", out["reasons"]


def test_food_that_lifted_the_glucose_is_no_persisting_low() -> None:
    out = assess_words("血糖2点多，吃了东西上来了，现在6.1", NOW, **INSULIN)
    assert "syndrome-hypoglycaemia-persisting" not in reason_codes(out)
