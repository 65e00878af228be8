"""A degree that is denied is understood (#15 benign controls, the lead's probes).

伤口疼得不是很厉害 was read in full while 伤口疼得不厉害 left 厉害 unread beside the wound pain,
so a mild complaint went to the care team as *urgent* residue (the safety net's "partly
understood" rule). A denied degree word (不厉害, 不怎么厉害, 不太严重, 没那么严重) says the complaint
is not severe: it is understood, and it never makes the complaint a red flag. Twins: the degree
said without a denial stays severe, and a denial of something else stays unread.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.followup.services.ruledata import rank
from clinical.knowledge.symptoms import present
from clinical.knowledge.unread import unread
from tests.followup.followup_vignette_builder import assess_words

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)

DENIED = [
    ("伤口疼得不厉害", "wound_pain"),
    ("肚子疼得不怎么厉害，一会儿就好了", "abdominal_pain"),
    ("头疼得不厉害", "headache"),
    ("腿肿得没那么严重", "leg_edema"),
    ("头晕不算厉害", "dizziness"),
    ("伤口疼得不厲害", "wound_pain"),  # traditional characters
]


@pytest.mark.parametrize(("text", "concept"), DENIED)
def test_a_denied_degree_is_understood_and_not_severe(text: str, concept: str) -> None:
    found = present(text)
    assert concept in found
    assert not any(c.endswith("_severe") or c.startswith("severe_") for c in found)
    assert not [u for u in unread(text) if u.partial], unread(text)


def test_a_mild_headache_is_not_urgent() -> None:
    out = assess_words("头疼得不厉害", NOW, id="deg", age=58)
    assert rank(out["disposition"]) < rank("urgent"), out["reasons"]


@pytest.mark.parametrize(
    ("text", "concept"), [("头疼得厉害", "severe_headache"), ("头疼得很厉害", "severe_headache")]
)
def test_the_degree_said_without_a_denial_stays_severe(text: str, concept: str) -> None:
    assert concept in present(text)


def test_a_denied_degree_with_no_complaint_stays_unread() -> None:
    # the degree is understood only as the degree of a complaint read in its clause
    assert [u.words for u in unread("说是不厉害")] == ["说是不厉害"]
