"""Development set r3 (#15 round 3): its vignettes and shape are run by test_followup_sets.py
(set ``r3``); here, the rule of the round that a reassurance subject ("别的都挺好", "其他还行")
never covers a complaint in another clause."""

from __future__ import annotations

import pytest
from django.utils import timezone
from followup_vignette_builder import assess_vignette

from clinical.followup.services.ruledata import rank


def _assess_words(text: str, **extra: object) -> dict:
    now = timezone.now()
    v = {"id": "r3w", "age": 70, "survey": [["今日感受", text, 1]], **extra}
    return assess_vignette(v, now)


@pytest.mark.parametrize(
    ("text", "at_least"),
    [
        ("别的都挺好，就是胸口疼", "emergency"),  # reassurance in one clause, a red flag in another
        ("哪都疼", "routine"),  # "anywhere" with a complaint is no reassurance
        ("其他还行，大便发黑", "urgent"),
        ("心情不好，不想活了", "emergency"),
    ],
)
def test_r3_reassurance_subjects_never_cover_a_complaint(text: str, at_least: str) -> None:
    assert rank(_assess_words(text)["disposition"]) >= rank(at_least)
