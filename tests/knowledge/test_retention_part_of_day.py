"""No urine over a part of the day (#15, the lead's probes): 一晚上没尿出来 was unread while 一天没尿
was retention, so a 70-year-old man with 一晚上没尿出来，小肚子胀得鼓鼓的 got "urgent" where 憋着尿
就是尿不出来，肚子下面胀 was the retention emergency (EAU 2023; NICE CG97)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.knowledge.symptoms import present
from tests.followup.followup_vignette_builder import assess_vignette

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)


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
