"""A respiratory rate written as a count (呼吸28次) is read (#15 sepsis, the lead's probes).

A nurse's and a carer's shorthand for the rate per minute is 呼吸28次, as 心跳120次 is the heart
rate. The reader asked a bare 呼吸 for a minute (so that 呼吸困难3天 is no reading), and the
measurement-shaped clause was neither read nor sent to a clinician: after colon surgery
体温38.5，脉搏120，呼吸28次 was urgent although a rate ≥ 25 with a fever is a NICE NG51 high-risk
criterion. Twins: a count of episodes with words between, a duration.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.knowledge import readings
from tests.followup.followup_vignette_builder import assess_words

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "value"), [("呼吸28次", 28.0), ("呼吸：30次", 30.0), ("呼吸二十六次", 26.0)]
)
def test_a_rate_written_as_a_count_is_read(text: str, value: float) -> None:
    found, _ = readings.read_vitals(text)
    assert [(r.kind, r.values) for r in found] == [("rr", [value])]


@pytest.mark.parametrize("text", ["呼吸困难3天", "呼吸不畅2次", "呼吸停了3次", "深呼吸10次就好"])
def test_an_episode_count_or_a_duration_is_no_rate(text: str) -> None:
    found, _ = readings.read_vitals(text)
    assert [r for r in found if r.kind == "rr"] == []


def test_with_a_fever_after_surgery_it_is_the_sepsis_high_risk_rule() -> None:
    out = assess_words(
        "体温38.5，脉搏120，呼吸28次",
        NOW,
        id="rr",
        age=72,
        surgery={"days_ago": 6, "text": "腹腔镜结肠癌根治术"},
    )
    assert out["disposition"] == "emergency", out["reasons"]
