"""Indigestion with a cold sweat, and a heart squeezed, in an older diabetic woman (#15 ACS, the
lead's probes).

NICE CG95 (2016) and ESC 2023: myocardial ischaemia may be described as indigestion, and in
diabetics, women and the elderly often presents without chest pain; with sweating it is an
emergency. 胃那里不舒服，烧心，吃了胃药不管用，还出虚汗 was review, and 心脏那里像被人攥住一样
was unread. Twins: heartburn after a meal without a sweat; a young man's heartburn with sweat.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.followup.services.ruledata import rank
from clinical.knowledge.symptoms import present
from tests.followup.followup_vignette_builder import assess_words

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
OLD_DM = {"id": "acs", "age": 72, "sex": "female", "conditions": ["diabetes", "hypertension"]}


def test_indigestion_with_a_cold_sweat_is_atypical_acs() -> None:
    out = assess_words("胃那里不舒服，烧心，吃了胃药不管用，还出虚汗", NOW, **OLD_DM)
    assert out["disposition"] == "emergency", out["reasons"]


def test_heartburn_after_a_meal_without_a_sweat_is_not_an_emergency() -> None:
    out = assess_words("吃完饭有点烧心，喝点水就好了", NOW, **OLD_DM)
    assert rank(out["disposition"]) < rank("emergency"), out["reasons"]


def test_a_young_mans_heartburn_with_a_sweat_is_not_this_rule() -> None:
    out = assess_words("烧心，出汗", NOW, id="acs", age=28, sex="male")
    assert "syndrome-acs-atypical" not in {r["code"] for r in out["reasons"]}


@pytest.mark.parametrize(
    "text", ["心脏那里像被人攥住一样", "心口像被什么东西抓住了", "心脏被捏住一样难受"]
)
def test_a_heart_squeezed_is_chest_tightness(text: str) -> None:
    assert "chest_tightness" in present(text) or "chest_pain" in present(text)
