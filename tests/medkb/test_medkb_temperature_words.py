"""A temperature in the patient's words is the fever statement for guidance, as for follow-up
(``readings.fever_readings``, one threshold: 37.3 ℃), labelled or not (#15/#23 round 6: 昨晚三十八度五
is read as a temperature; guidance must then read the fever, not drop the words)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "words",
    ["昨晚三十八度五", "体温38.5", "烧了三十九度二", "昨晚三十九度二，头疼", "體溫３８．５"],
)
def test_a_temperature_in_words_is_the_fever(ask, words: str) -> None:
    a = ask(["泰诺林"], symptoms=[words])
    assert "fever" in a["symptom_concepts"], a["symptom_concepts"]
    assert "fever" in a["symptoms_understood"]
    assert a["see_doctor"]["unrecognised"] == []


@pytest.mark.parametrize("words", ["体温36.8", "昨晚三十六度五", "今天三十八度好热"])
def test_a_normal_temperature_or_the_weather_is_no_fever(ask, words: str) -> None:
    a = ask(["泰诺林"], symptoms=[words])
    assert "fever" not in a["symptom_concepts"], a["symptom_concepts"]


def test_a_fever_in_words_with_a_warning_sign_still_raises(ask) -> None:
    # the fever from the words completes a syndrome exactly as 发烧 does (RLQ pain + fever)
    said = ask(["布洛芬"], symptoms=["右下腹疼，昨晚三十八度五"])
    plain = ask(["布洛芬"], symptoms=["右下腹疼，发烧"])
    assert said["see_doctor"]["urgency"] == plain["see_doctor"]["urgency"]
    assert said["see_doctor"]["needed"] is True
