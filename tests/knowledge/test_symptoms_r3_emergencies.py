"""Round 3 of #15 (task A): the lexicon rows grown from the r3 development vignettes reach their
concept in paraphrases the vignettes do not contain (traditional characters, other verbs, word
order), and look-alikes do not."""

from __future__ import annotations

import pytest

from clinical.knowledge import symptoms


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("拉出來都是黑色的", "melena"),  # traditional
        ("拉出来是黑的", "melena"),
        ("解出来的大便黑乎乎", "melena"),
        ("一滴尿也解不出", "urinary_retention"),
        ("尿排不出来", "urinary_retention"),
        ("喉咙被堵住了", "anaphylaxis"),
        ("喉嚨像被堵住了", "anaphylaxis"),
        ("拉了很多血", "rectal_bleeding_heavy"),
        ("马桶里都是血", "rectal_bleeding_heavy"),
        ("身上发花，手脚冰凉", "mottled_skin"),
        ("牙关 咬得紧紧的", "seizure"),
        ("喝了糖水还是没上来", "hypoglycaemia_not_correcting"),
        ("把安眠藥都攢起來了", "overdose_intent"),
        ("吃了海鲜全身通红", "rash"),
    ],
)
def test_r3_paraphrases_reach_their_concept(text: str, concept: str) -> None:
    assert concept in symptoms.present(text)


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("嗓子有点堵得慌", "anaphylaxis"),  # globus, not a blocked airway
        ("胃窦粘膜花斑样改变", "mottled_skin"),  # a gastroscopy report
        ("大便不黑，颜色正常", "melena"),
        ("小便能解出来了", "urinary_retention"),
    ],
)
def test_r3_look_alikes_do_not(text: str, concept: str) -> None:
    assert concept not in symptoms.present(text)
