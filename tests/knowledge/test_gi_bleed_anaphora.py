"""GI bleeding said in the clause after the vomit or the stool (#15/#23, the lead's probes).

On aspirin and clopidogrel, 早上吐了，里面有血 (haematemesis: the blood is in the vomit the clause
before names) and 解了一次大便，都是黑水 (a black watery stool: melaena) were *review*;
拉了黑色的稀便 (a black loose stool) was diarrhoea at *routine*; 拉出来是暗红色的 (a dark red stool)
was unread. Chinese drops the subject the clause before named (zero anaphora), and 里面 (in it)
points back to it. NHS "Bleeding from the bottom" (2023): black or dark red poo → urgent; a lot of
blood, such as large clots in the toilet → A&E. Twins: a vomit without blood, another colour,
water in the kettle, a small streak.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.knowledge.symptoms import present
from tests.followup.followup_vignette_builder import assess_words

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
DAPT = {"age": 72, "meds": ["aspirin", "clopidogrel"], "conditions": ["chd"]}

READ = [
    ("早上吐了，里面有血", "hematemesis"),
    ("吐了一次，里面带着血丝", "hematemesis"),
    ("刚才又吐了，里头都是血", "hematemesis"),
    ("解了一次大便，都是黑水", "melena"),
    ("拉了黑色的稀便", "melena"),
    ("拉出来是暗红色的", "rectal_bleeding"),
    ("大便里有血块，量挺多的", "rectal_bleeding_heavy"),
    ("拉出来好几块大血块", "rectal_bleeding_heavy"),
    # other scripts and widths
    ("早上吐了，裏面有血", "hematemesis"),
    ("拉了黑色的稀便\u200b", "melena"),
]


@pytest.mark.parametrize(("text", "concept"), READ)
def test_the_bleed_in_the_next_clause_is_read(text: str, concept: str) -> None:
    assert concept in present(text)


NOT_READ = [
    ("早上吐了，里面没有血", "hematemesis"),
    ("吐了一次，里面是早上吃的面条", "hematemesis"),
    ("拉了黄色的稀便", "melena"),
    ("烧了一壶水，都是黑水垢", "melena"),
    ("大便里有一点血丝，量不多", "rectal_bleeding_heavy"),
]


@pytest.mark.parametrize(("text", "concept"), NOT_READ)
def test_no_blood_another_colour_or_a_streak_is_not_that_bleed(text: str, concept: str) -> None:
    assert concept not in present(text)


@pytest.mark.parametrize(
    "text", ["早上吐了，里面有血", "解了一次大便，都是黑水", "拉出来是暗红色的，还有点心慌"]
)
def test_on_dual_antiplatelets_it_is_an_emergency(text: str) -> None:
    assert assess_words(text, NOW, **DAPT)["disposition"] == "emergency"


def test_a_black_loose_stool_with_belly_pain_is_at_least_urgent() -> None:
    out = assess_words("肚子痛，拉了黑色的稀便", NOW, age=58, sex="female")
    assert out["disposition"] in ("urgent", "emergency")
