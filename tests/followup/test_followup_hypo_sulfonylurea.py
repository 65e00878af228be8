"""A level-2 low on a sulfonylurea (#15 hypoglycaemia, the lead's reading of the guidelines).

A sulfonylurea's hypoglycaemia lasts and recurs for 24–72 h after the first low is treated
(中国2型糖尿病防治指南2020 低血糖的诊治: 磺脲类所致低血糖持续时间较长, 需长时间葡萄糖输注并观察;
JBDS-IP hospital management of hypoglycaemia 2023; JRCALC glycaemic emergencies: convey to
hospital). An 80-year-old on gliclazide with 2.6 mmol/L who felt better after a sweet was urgent.
Twins: the same low on insulin (treated and better: urgent), a level-1 low on gliclazide, a low
on metformin alone.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.followup.services.ruledata import rank
from tests.followup.followup_vignette_builder import assess_words, reason_codes

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
RULE = "syndrome-hypoglycaemia-sulfonylurea"


def _assess(text: str, med: str) -> dict:
    return assess_words(text, NOW, id="su", age=80, conditions=["diabetes"], meds=[med])


@pytest.mark.parametrize("text", ["早上测血糖2.6，吃了块糖现在好些了", "血糖2.8，出冷汗，手抖"])
def test_a_level_2_low_on_a_sulfonylurea_is_an_emergency(text: str) -> None:
    out = _assess(text, "gliclazide")
    assert out["disposition"] == "emergency", out["reasons"]
    assert RULE in reason_codes(out)


def test_the_same_low_on_insulin_is_not_this_rule() -> None:
    out = _assess("早上测血糖2.6，吃了块糖现在好些了", "insulin")
    assert RULE not in reason_codes(out)
    assert rank(out["disposition"]) >= rank("urgent")


def test_a_level_1_low_on_a_sulfonylurea_is_not_this_rule() -> None:
    out = _assess("血糖3.4，有点心慌", "gliclazide")
    assert RULE not in reason_codes(out)


def test_metformin_alone_is_not_this_rule() -> None:
    out = _assess("血糖2.8，出冷汗", "metformin")
    assert RULE not in reason_codes(out)
