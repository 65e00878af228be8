"""Issue #15, agent round 5: the mechanisms the round added, each with examples of its own (not
the development rows): the crisis grammar in English, pinyin and mixed script, its figurative and
negation rows, N年前 as history, unread Latin script handed to a clinician, the one public
normaliser path. The round's development set (tests/agent/agent_messages_r5.yaml: crisis in
English, pinyin and mixed script; a relative's head injury on an anticoagulant or antiplatelet,
NICE NG232; red flags told by relatives or hidden in a medicine question; benign look-alikes) is
run by the set runner tests/agent/test_agent_sets.py (set ``r5``, its transfer third as a total).

Scores (round 5, main 89ed38c → this branch): tuning 46/61 → 61/61, transfer 22/30 → 27/30.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from clinical.agent.services import GENERIC_TEXT
from tests.agent.test_agent_conversation import say

# ---- the mechanisms the round added (examples of their own, not the development rows) ----------


@pytest.mark.parametrize(
    ("text", "crisis"),
    [
        # English: intent + filler words + act (C-SSRS), standalone burden/hopelessness forms
        ("I wish I could just die", True),
        ("I'd rather be dead", True),
        ("they would all be better off without me", True),
        ("I can't go on anymore", True),
        ("I am thinking of ending my life", True),
        ("she swallowed a handful of her tablets", True),
        # English idioms and denials: no crisis
        ("I'm dying to see my grandson", False),
        ("the dumplings were to die for", False),
        ("I was dead tired yesterday", False),
        ("I want to spend it on a holiday", False),
        ("I don't want to die, I want to get better", False),
        ("I would never kill myself", False),
        ("everyone would be better without meat", False),
        ("can't go on holiday this year", False),
        ("I'm on a diet, want to diet properly", False),
        # pinyin: the Chinese crisis words run together, 死 only as a last syllable
        ("wo zhen de xiang si", True),
        ("ta shuo huo gou le", True),
        ("zhen xiang yi si le zhi", True),
        ("wo bu hui zi sha de", False),
        ("wo bu xiang si", False),
        ("xiang si ni le", False),
        ("wo xiang qu si chuan", False),
        ("lei si le", False),
        ("chi le yi ge wan fan", False),
        # mixed script: a Chinese intent with the act in English or pinyin
        ("我好想kill myself", True),
        ("有时候真想zi sha", True),
        ("我不想die，我想好起来", False),
        ("Amei想死", True),  # no bare bu/mei denial: a name before 想死 denies nothing
    ],
)
def test_the_crisis_grammar_reads_english_and_pinyin(text: str, crisis: bool) -> None:
    from clinical.agent.understanding.rules import understand

    assert bool(understand(text).crisis_concepts) is crisis, text


def test_every_figurative_and_negation_row_is_read() -> None:
    """symptom_crisis.csv holds one figurative and one negation row per script; the grammar
    reads them all as alternatives (a later row does not replace an earlier one)."""
    from clinical.knowledge.symptoms import crisis_grammar

    g = crisis_grammar()
    assert g.figurative.search("想死你了") and g.figurative.search("imdyingtoknow")
    assert g.negation.search("我不会") and g.negation.search("iwouldnever")
    assert g.negation.search("wobuhui")


@pytest.mark.parametrize(
    ("text", "concept", "past"),
    [
        ("五年前摔跤磕到过头", "fall_head_injury", True),
        ("十年前晕倒过一次", "syncope", True),
        ("今天摔跤磕到头了", "fall_head_injury", False),
        ("两年前开始头晕，一直没好", "dizziness", False),  # an onset that goes on (开始)
    ],
)
def test_years_ago_is_history(text: str, concept: str, past: bool) -> None:
    """ConText historical triggers (symptom_negation.csv past_cue): N年前 before a mention in
    its clause is history, unless a termination word (开始, 一直) says it goes on."""
    from clinical.knowledge import symptoms

    mentions = [m for m in symptoms.find_symptoms(text) if m.concept == concept]
    assert mentions and all(m.past is past for m in mentions), mentions


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    ["wo jue de hen nan shou", "my tummy feels funny since lunch", "ni hao, zhe ge zen me ban"],
)
def test_unread_latin_script_goes_to_a_clinician(patient_client, text: str) -> None:
    """What the system does not understand goes to a human: a Latin-script message read as no
    pleasantry is handed on, never answered with the greeting."""
    out = say(patient_client, text)
    assert out["reply"] != GENERIC_TEXT
    assert (out["route"], out["outcome"]) == ("general", "escalated"), out


def test_one_public_normaliser_path() -> None:
    """The agent's understanding and its medication route read text through the knowledge
    layer's fold (``clinical.knowledge.text.fold_visible``); no private alias is imported."""
    import clinical.agent.routes.medication as medication
    import clinical.agent.understanding.rules as rules
    from clinical.knowledge import text

    assert medication.fold_visible is text.fold_visible is rules.fold_visible
    assert not hasattr(rules, "_normalise")
    source = Path(medication.__file__).read_text("utf-8")
    assert "import _" not in source and "_normalise" not in source


def test_a_place_of_medicines_is_no_medicine_question() -> None:
    from clinical.agent.understanding.rules import understand

    assert understand("烦死了，药房又排了好长的队").intent != "medication_question"
    assert understand("药店买的药能和降压药一起吃吗").intent == "medication_question"
