"""Fast breathing and a low blood pressure in a patient's words (#15 sepsis, the lead's probes).

After a colectomy, 体温39.2，心率118，呼吸很急，血压偏低 was *urgent*: 呼吸很急 (tachypnoea) and
血压偏低 (a low blood pressure a relative measured) were both unread. Alone a low pressure named
without a number stays what it was: a reading without its value, for a clinician within 24 h
(urgent: never assumed normal); mild words (呼吸有点快) are left to the care team. NICE NG51 Suspected sepsis
(2016, updated 2024): a raised respiratory rate and a low systolic pressure are risk criteria; with
an infection two of the moderate-to-high criteria send the patient to hospital
(``syndrome-sepsis-words``). Twins: a respiratory clinic, a pressure taken as normal, a high one,
the diastolic called 低压.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.knowledge.symptoms import present
from tests.followup.followup_vignette_builder import assess_words

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
COLON = {"age": 64, "sex": "male", "surgery": {"days_ago": 6, "text": "腹腔镜结肠切除术"}}


@pytest.mark.parametrize(
    "text",
    ["呼吸很急", "呼吸特别快", "他呼吸好快", "呼吸急促得很", "喘气很急", "呼吸很急，一直出汗"],
)
def test_fast_breathing_is_breathlessness(text: str) -> None:
    assert "dyspnea" in present(text)


@pytest.mark.parametrize("text", ["去呼吸科看了，快好了", "呼吸正常，不快", "呼吸不急"])
def test_a_clinic_or_normal_breathing_is_no_breathlessness(text: str) -> None:
    assert "dyspnea" not in present(text)


@pytest.mark.parametrize(
    "text", ["血压偏低", "量了血压很低", "血压一直往下掉", "血压低得厉害", "血壓偏低"]
)
def test_a_low_blood_pressure_in_words_is_read(text: str) -> None:
    assert "low_blood_pressure" in present(text)


@pytest.mark.parametrize("text", ["血压正常，不低", "血压偏高", "低压90", "血压不低"])
def test_a_normal_or_high_pressure_or_the_diastolic_is_not_low(text: str) -> None:
    assert "low_blood_pressure" not in present(text)


def test_fever_fast_breathing_and_low_pressure_after_surgery_is_an_emergency() -> None:
    out = assess_words("体温39.2，心率118，呼吸很急，血压偏低", NOW, **COLON)
    assert out["disposition"] == "emergency"


def test_a_low_pressure_with_dizziness_is_at_least_urgent() -> None:
    out = assess_words("今天量血压偏低，有点头晕", NOW, **COLON)
    assert out["disposition"] in ("urgent", "emergency")


def test_mild_fast_breathing_after_climbing_stairs_is_not_read() -> None:
    assert "dyspnea" not in present("呼吸有点快，刚爬完楼")


def test_fever_a_low_pressure_and_cold_hands_is_sepsis() -> None:
    out = assess_words("发烧38.5，血压偏低，手脚冰凉", NOW, **COLON)
    assert out["disposition"] == "emergency"
    assert "syndrome-sepsis-words" in {r["code"] for r in out["reasons"]}
