"""An allergic reaction reaching the airway, in a patient's words (#15, the lead's probes).

Resuscitation Council UK (2021) lists the airway problems of anaphylaxis as throat and tongue
swelling, difficulty breathing *and swallowing*, a throat that feels it is closing up and a hoarse
voice. The probes found three of them unread after a new antibiotic: a voice that changed
(说话声音变了, with a face swollen), a throat as if blocked by something (喉咙像被东西堵着, with
hives) and saliva hard to swallow (咽口水都难): each stayed urgent. Twins: a changed voice, a
blocked throat or a hard swallow with no skin sign or exposure stays below an emergency.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.followup.services.ruledata import rank
from clinical.knowledge.symptoms import present
from tests.followup.followup_vignette_builder import assess_words

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
AMOX = {"id": "ana", "age": 45, "meds": ["amoxicillin"]}
PLAIN = {"id": "ana", "age": 45}

WORDS = [
    ("说话声音变了", "hoarseness"),
    ("声音都变了", "hoarseness"),
    ("喉咙像被东西堵着", "throat_tightness"),
    ("嗓子像有东西堵着", "throat_tightness"),
    ("咽口水都难", "unable_to_swallow"),
    ("口水都咽不下去", "unable_to_swallow"),
]


@pytest.mark.parametrize(("text", "concept"), WORDS)
def test_the_airway_words_are_read(text: str, concept: str) -> None:
    assert concept in present(text)


@pytest.mark.parametrize(
    "text",
    [
        "吃了阿莫西林以后脸肿得像猪头，说话声音变了",
        "吃了药身上起风团，喉咙像被东西堵着",
        "吃了药身上起风团，咽口水都难",
        "吃了藥身上起風團，咽口水都難",  # traditional characters
    ],
)
def test_with_a_skin_sign_after_a_drug_they_are_anaphylaxis(text: str) -> None:
    out = assess_words(text, NOW, **AMOX)
    assert out["disposition"] == "emergency", out["reasons"]


@pytest.mark.parametrize("text", ["感冒了，说话声音变了", "咽口水都难，嗓子疼得厉害"])
def test_without_a_skin_sign_or_an_exposure_they_are_not_anaphylaxis(text: str) -> None:
    out = assess_words(text, NOW, **PLAIN)
    assert rank(out["disposition"]) < rank("emergency"), out["reasons"]
