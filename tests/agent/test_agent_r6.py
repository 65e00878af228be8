"""Issue #15, agent round 6: crisis precision. The round's messages
(tests/agent/agent_messages_r6.yaml: true crisis in English, pinyin and mixed script, their benign
look-alikes, red flags told with the look-alike words; written before the rules change, a third
the transfer check) run in the agent set runner, tests/agent/test_agent_sets.py (set ``r6``).
The families are the last session's false positives: an adherence report read as an overdose (I
took all my pills today), an accidental cut read as self-harm (cut myself shaving), the pinyin of
火锅 (bu xiang huo guo) and of 紫砂 (zisha hu) read as crisis words, greeting words and Latin terms
found inside other English words (this, okay, rash in crashed).

This file holds the mechanisms the round added, on examples of their own (not the set's rows).

Scores (round 6, main 09034b9 → this round): tuning 20/29 → 29/29, transfer 10/14 → 14/14.
"""

from __future__ import annotations

import pytest

# ---- the mechanisms the round added (examples of their own, not the development rows) ----------


@pytest.mark.parametrize(
    ("text", "crisis"),
    [
        # blockers (symptom_blockers.csv): the look-alike as a whole phrase names no crisis
        ("my husband took all my pills for today out of the box", False),
        ("cut myself while shaving again", False),
        ("wo ma xi huan bu xiang huo guo", False),
        ("zisha bei hao kan", False),
        # ... and never hides the crisis said around it
        ("I took all my pills today all at once", True),
        ("bu xiang huo guo ming tian", True),
        ("I cut myself on purpose again", True),
        ("wo xiang zisha", True),
        ("woxiangzisha", True),  # pinyin run together: the grammar, no word edge needed
        ("I overdosed on my sleeping pills", True),  # an inflected Latin term is still whole
        ("zisha huo zhe mei yi si", True),  # zisha hu… only as whole words blocks
    ],
)
def test_blockers_and_word_edges_keep_every_crisis(text: str, crisis: bool) -> None:
    from clinical.agent.understanding.rules import understand

    assert bool(understand(text).crisis_concepts) is crisis, text


@pytest.mark.parametrize(
    ("text", "concept", "found"),
    [
        ("I crashed my car", "rash", False),
        ("a rash on my arm", "rash", True),
        ("rashes all over", "rash", True),
        ("my son had seizures", "seizure", True),
    ],
)
def test_a_latin_term_is_a_whole_word(text: str, concept: str, found: bool) -> None:
    from clinical.knowledge import symptoms

    assert any(m.concept == concept for m in symptoms.find_symptoms(text)) is found, text


@pytest.mark.parametrize(
    ("text", "greeting"),
    [("hi", True), ("ok thanks", True), ("hi 你好", True), ("this", False), ("book", False)],
)
def test_a_latin_pleasantry_is_a_whole_word(text: str, greeting: bool) -> None:
    from clinical.agent.understanding.rules import greeting_only

    assert greeting_only(text) is greeting, text


def test_latin_word_edges() -> None:
    from clinical.knowledge.symptoms import latin_word, matching_form

    form = matching_form("I crashed it")[0]
    assert not latin_word("I crashed it", form.find("rash"), form.find("rash") + 4)
    form = matching_form("药疹rash")[0]  # a Chinese neighbour is an edge
    assert latin_word("药疹rash", 2, 6)
    assert latin_word("rashes", 0, 4) and not latin_word("rashes", 0, 4, endings=False)
