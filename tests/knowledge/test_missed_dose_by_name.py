"""A dose missed of a medicine named by its name or class is a missed dose (#15/#23, the lead's
probes).

The lexicon read 忘了吃药 and 漏吃, but not the medicine named in place of 药: 昨天忘了吃华法林,
华法林昨天忘了吃, 降压药忘吃了两天, 早上的胰岛素忘打了 were unread (review by the safety net),
so a missed anticoagulant never reached the critical-medicine adherence row (华法林抗凝治疗的中国
专家共识 2013: a missed warfarin dose is checked by a clinician, never doubled). A forgetting
verb (忘了吃, 忘打了, 漏了一次) in a clause that names a medicine of the one drug vocabulary (or
a class word: 降压药) is ``missed_dose``. Twins: a meal forgotten, a verb without a medicine, a
leak.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.knowledge import symptoms
from tests.followup.followup_vignette_builder import assess_words, reason_codes

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)

MISSED = [
    "昨天忘了吃华法林",
    "华法林昨天忘了吃",
    "降压药忘吃了两天",
    "忘了吃降压药",
    "早上的胰岛素忘打了",
    "昨天漏了一次阿司匹林",
    "昨天忘记吃氯吡格雷了",
    "一直在吃华法林，昨天忘了吃",  # the medicine in the clause before
    "昨天忘了吃華法林",  # traditional characters
    "昨天忘了吃华\u200b法林",  # a zero-width space
]


@pytest.mark.parametrize("text", MISSED)
def test_a_named_medicine_forgotten_is_a_missed_dose(text: str) -> None:
    assert "missed_dose" in symptoms.present(text)


NOT_MISSED = [
    "忘了吃早饭",
    "早上忘记吃饭了",
    "忘了吃",  # nothing named
    "伤口漏了一次液",
    "华法林一直按时吃，没忘过",
    "没有忘了吃华法林",
    "吃了布洛芬，忘了吃饭",  # the meal is what was forgotten
]


@pytest.mark.parametrize("text", NOT_MISSED)
def test_a_meal_a_leak_or_a_denial_is_no_missed_dose(text: str) -> None:
    assert "missed_dose" not in symptoms.present(text)


def test_a_missed_anticoagulant_said_by_name_reaches_the_critical_row() -> None:
    out = assess_words(
        "昨天忘了吃华法林", NOW, age=72, sex="male", conditions=["af"], meds=["warfarin"]
    )
    assert "adherence-missed-critical" in reason_codes(out)
    assert "symptom-unrecognised" not in reason_codes(out)
