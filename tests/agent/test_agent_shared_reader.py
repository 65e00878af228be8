"""The agent's medication route reads a message through the layer's one clause splitter and one
reader of what is not understood (#23: ``clinical.knowledge.discourse``, ``unread``), and class
words through the one class table (``clinical.knowledge.drugs``)."""

from __future__ import annotations

import pytest

from clinical.agent.routes.medication import names_a_class, symptom_clauses, symptom_text


def clauses(text: str) -> list[str]:
    return symptom_clauses(symptom_text(text))


@pytest.mark.parametrize(
    ("text", "said"),
    [
        # unchanged from the agent's own splitter (look-alikes)
        ("医生你好，能吃布洛芬吗", []),
        ("头痛，能吃泰诺林吗", ["头痛"]),
        ("发烧了能吃泰诺林吗", ["发烧了能吃吗"]),
        ("能吃布洛芬吗，走路老打晃", ["走路老打晃"]),
        ("咳嗽带血丝，能吃感冒灵吗", ["咳嗽带血丝"]),
        ("能吃感冒灵吗", []),
        ("请问一下，这个药能吃吗？", []),
        ("在吗，布洛芬能吃吗", []),
        # the question about two medicines and a stated medicine are read (discourse.yaml)
        ("布洛芬和泰诺林能一起吃吗", []),
        ("布洛芬跟感冒灵同时吃行吗", []),
        ("你好，我在吃华法林，能吃布洛芬吗", []),
        # a request for help is courtesy to the shared reader (the agent's splitter quoted it)
        ("我想问一下，嗓子疼吃什么药好", ["嗓子疼吃什么药好"]),
    ],
)
def test_the_guidance_reads_the_complaints_and_not_the_question(text: str, said: list[str]):
    assert clauses(text) == said


@pytest.mark.parametrize(
    ("text", "said"),
    [
        # a clause naming the medicine used to be dropped whole, whatever else it said
        ("吃了布洛芬以后走路老打晃", ["吃了以后走路老打晃"]),
        ("布洛芬吃了没用", ["吃了没用"]),
    ],
)
def test_words_beside_a_medicine_name_are_not_dropped(text: str, said: list[str]):
    """What a clause says besides the medicine's name and the question about it is read by the
    shared reader like any other words: not understood, it reaches a clinician."""
    assert clauses(text) == said


@pytest.mark.parametrize(
    "word", ["头孢", "降压药", "降糖药", "止痛药", "抗生素", "消炎药", "胰岛素", "他汀", "安眠药"]
)
def test_a_class_word_is_a_class_for_the_prescriber(word: str) -> None:
    from clinical.agent.understanding.rules import understand

    (name,) = understand(f"{word}能吃吗").medicines
    assert names_a_class(name)


@pytest.mark.parametrize("word", ["布洛芬", "泰诺林", "感冒灵", "对乙酰氨基酚"])
def test_a_product_or_ingredient_is_no_class(word: str) -> None:
    from clinical.agent.understanding.rules import understand

    (name,) = understand(f"{word}能吃吗").medicines
    assert not names_a_class(name)


def test_chemotherapy_as_context_is_no_medicine() -> None:
    """化疗后 is the shared lexicon's context statement (recent chemotherapy): the message is a
    symptom report, not a question about a class of medicines."""
    from clinical.agent.understanding.rules import understand

    u = understand("化疗后一直恶心")
    assert u.medicines == []
    assert u.intent == "symptom_report"


@pytest.mark.django_db
def test_a_statin_question_goes_to_the_prescriber(patient_client) -> None:
    """他汀 (a class word of classes.csv the agent did not know before #23)."""
    from tests.agent.test_agent_conversation import say

    out = say(patient_client, "他汀能吃吗")
    assert (out["route"], out["outcome"]) == ("medication", "escalated")
