"""Mottled skin and little urine in a patient's words (#15 sepsis, the lead's probes).

NICE NG51 (2016, updated 2024): mottled or ashen skin and not passing urine are high-risk
criteria; with a fever after an operation they send the patient to hospital
(``syndrome-sepsis-mottled``). The probes found 身上起了花斑 (mottled skin in a carer's words)
unread, and little urine said as a count of voids (一天就尿了一次) or with 很少 after a colour
(尿很黄很少) unread or half read: after colon surgery with a fever each stayed urgent. Twins:
tinea versicolor (花斑癣); a face with patches; urine passed often.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.knowledge.symptoms import present
from tests.followup.followup_vignette_builder import assess_words

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
COLON = {"id": "sep", "age": 72, "surgery": {"days_ago": 6, "text": "腹腔镜结肠癌根治术"}}


@pytest.mark.parametrize(
    "text", ["身上起了花斑", "腿上一片一片的花斑", "膝盖那里有花斑", "皮膚上起了花斑"]
)
def test_mottling_in_a_carers_words_is_mottled_skin(text: str) -> None:
    assert "mottled_skin" in present(text)


@pytest.mark.parametrize("text", ["身上长了花斑癣", "脸上有花斑，是晒的"])
def test_tinea_or_a_face_with_patches_is_not_mottling(text: str) -> None:
    assert "mottled_skin" not in present(text)


@pytest.mark.parametrize("text", ["一天就尿了一次", "一整天只尿了一次", "尿很黄很少", "小便特别少"])
def test_little_urine_is_oliguria(text: str) -> None:
    assert "oliguria" in present(text)


def test_frequent_urine_is_no_oliguria() -> None:
    assert "oliguria" not in present("一天尿了十几次，每次很少")


@pytest.mark.parametrize(
    "text", ["发烧，身上起了花斑，手脚凉", "烧到40度，一天就尿了一次，尿很黄很少"]
)
def test_with_a_fever_after_surgery_they_are_an_emergency(text: str) -> None:
    out = assess_words(text, NOW, **COLON)
    assert out["disposition"] == "emergency", out["reasons"]
