"""BE-FAST signs in a family's words (#15 stroke, the lead's probes).

BE-FAST (Aroor et al., Stroke 2017) asks for the face, the arm and speech. Three lay forms were
unread in the probes: a hand that keeps dropping things (右手拿东西老掉), half a face that will
not smile (脸一边笑不起来) and words that will not come (话到嘴边说不出来); in a patient of 68 with
atrial fibrillation the first two were urgent and the third, settled, was review. Twins: a thing
dropped once by accident, a face that does not feel like smiling, a forgotten name.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.followup.services.ruledata import rank
from clinical.knowledge.symptoms import present
from tests.followup.followup_vignette_builder import assess_words

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
AF = {"id": "st", "age": 68, "conditions": ["hypertension", "af"]}

SIGNS = [
    ("右手拿东西老掉", "limb_weakness"),
    ("左手拿东西总往下掉", "limb_weakness"),
    ("脸一边笑不起来", "facial_droop"),
    ("笑的时候半边脸不会动", "facial_droop"),
    ("话到嘴边说不出来", "slurred_speech"),
    ("想说的话说不出来", "slurred_speech"),
    ("右手拿東西老掉", "limb_weakness"),  # traditional characters
]


@pytest.mark.parametrize(("text", "concept"), SIGNS)
def test_the_lay_forms_of_the_signs_are_read(text: str, concept: str) -> None:
    assert concept in present(text)


@pytest.mark.parametrize("text", ["右手拿东西老掉，写字写不成样", "脸一边笑不起来"])
def test_with_af_they_are_an_emergency(text: str) -> None:
    out = assess_words(text, NOW, **AF)
    assert out["disposition"] == "emergency", out["reasons"]


def test_words_that_would_not_come_then_came_are_at_least_urgent() -> None:
    out = assess_words("刚才突然话到嘴边说不出来，一会儿又好了", NOW, **AF)
    assert rank(out["disposition"]) >= rank("urgent"), out["reasons"]


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("手机拿东西的时候掉了一次，摔坏了", "limb_weakness"),
        ("心情不好，笑不起来", "facial_droop"),
        ("想不起来那个人叫什么名字", "slurred_speech"),
    ],
)
def test_an_accident_a_mood_or_a_forgotten_name_is_no_sign(text: str, concept: str) -> None:
    assert concept not in present(text)
