"""No urine over a part of the day (#15, the lead's probes): 一晚上没尿出来 was unread while 一天没尿
was retention, so a 70-year-old man with 一晚上没尿出来，小肚子胀得鼓鼓的 got "urgent" where 憋着尿
就是尿不出来，肚子下面胀 was the retention emergency (EAU 2023; NICE CG97)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.knowledge.symptoms import present
from tests.followup.followup_vignette_builder import assess_vignette, assess_words

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
HERNIA = {
    "id": "aur",
    "age": 74,
    "sex": "male",
    "surgery": {"days_ago": 3, "text": "腹股沟疝修补术"},
}


@pytest.mark.parametrize(
    "text", ["一晚上没尿出来", "一夜没小便", "上午没排尿", "整晚都没解小便", "一晚上没尿出來"]
)
def test_no_urine_over_a_part_of_the_day_is_retention(text: str) -> None:
    assert "urinary_retention" in present(text)


def test_with_a_distended_lower_belly_it_is_the_retention_emergency() -> None:
    v = {"id": "aur", "age": 70, "sex": "male"}
    v["survey"] = [["症状描述", "一晚上没尿出来，小肚子胀得鼓鼓的", 2]]
    assert assess_vignette(v, NOW)["disposition"] == "emergency"


@pytest.mark.parametrize("text", ["晚上没尿频了", "晚上没尿痛了", "昨天晚上没尿床"])
def test_a_word_that_goes_on_after_the_urine_is_no_retention(text: str) -> None:
    assert "urinary_retention" not in present(text)


# The lead's probes, second round: the same durations with the other verbs, up to now, and urine
# that comes only in drops.
@pytest.mark.parametrize(
    "text",
    ["半天没解小便了", "一天没排尿", "从早上到现在没有尿", "几个小时没尿出来", "到现在也没尿"],
)
def test_no_urine_for_a_while_or_up_to_now_is_retention(text: str) -> None:
    assert "urinary_retention" in present(text)


def test_half_a_day_without_urine_and_a_tight_lower_belly_is_an_emergency() -> None:
    out = assess_words("半天没解小便了，小腹胀得要命", NOW, label="症状描述", **HERNIA)
    assert out["disposition"] == "emergency", out["reasons"]


@pytest.mark.parametrize("text", ["尿了好几次都只有几滴", "小便就几滴", "尿尿只能一滴一滴的"])
def test_urine_in_drops_is_difficult_voiding(text: str) -> None:
    assert "voiding_difficulty" in present(text) or "urinary_retention" in present(text)


def test_drops_with_a_painful_belly_after_surgery_are_an_emergency() -> None:
    out = assess_words("尿了好几次都只有几滴，肚子胀得痛", NOW, label="症状描述", **HERNIA)
    assert out["disposition"] == "emergency", out["reasons"]


@pytest.mark.parametrize("text", ["鼻血只有几滴", "伤口渗了几滴血"])
def test_drops_of_something_else_are_not_voiding(text: str) -> None:
    found = present(text)
    assert "voiding_difficulty" not in found and "urinary_retention" not in found
