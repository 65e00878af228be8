"""A hypothetical or conditional mention (#15, #23 task B) is a third status of a mention in the
one lexicon: asked about, not reported ("如果伤口流脓怎么办"). It is ``hypothetical`` and
``negated`` (not present now), never a crisis statement, its scope is the conditional clause only,
and a reading in such a clause is none. Look-alikes read as before: a cue inside a longer word
(主要是), the consequence of 如果…就… (如果不吃药就头晕), a word of now (如果还是一直咳血), a
question-bound cue outside a question (有点不舒服，比如头痛)."""

from __future__ import annotations

import pytest

from clinical.knowledge import discourse, readings, symptoms, unread


def _status(text: str) -> dict[str, tuple[bool, bool]]:
    return {m.concept: (m.negated, m.hypothetical) for m in symptoms.find_symptoms(text)}


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("如果伤口流脓怎么办", "wound_pus"),
        ("万一出现胸痛要怎么处理", "chest_pain"),
        ("要是发烧了能吃布洛芬吗", "fever"),
        ("术后会不会出现腿肿", "leg_edema"),
        ("需要注意哪些情况，比如黑便吗", "melena"),
        ("吃这个药会不会引起出血", "bleeding"),
        ("術後如果胸口痛怎麼辦", "chest_pain"),  # traditional
        ("要系出血咗点算好", "bleeding"),  # Cantonese
        ("一旦出现呕血应该怎么处理", "hematemesis"),
        ("术后会出现腿肿吗", "leg_edema"),  # question-bound cue in a question
        ("要是呕血的话就要去医院吗", "hematemesis"),  # inside 的话
        ("如何避免术后出现便秘", "constipation"),  # prevention with its object
    ],
)
def test_a_symptom_asked_about_is_hypothetical_and_not_present(text: str, concept: str) -> None:
    assert _status(text)[concept] == (True, True)
    assert concept not in symptoms.present(text)


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("主要是胸口痛", "chest_pain"),  # 要是 inside 主要是
        ("比如有时候头痛", "headache"),  # 如有 across 比如
        ("有点不舒服，比如头痛", "headache"),  # 比如 outside a question
        ("走路会出现胸痛正常吗", "chest_pain"),  # the question is about something else
        ("如果不吃药就头晕", "dizziness"),  # the consequence of 如果…就…
        ("一旦停药就胸闷", "chest_tightness"),
        ("如果还是一直咳血怎么办", "hemoptysis"),  # a word of now
        ("如果继续便血要不要住院", "rectal_bleeding"),
        ("要是胸口一直痛怎么办", "chest_pain"),  # a word of now inside the mention
        ("如果我现在胸痛怎么办", "chest_pain"),
        ("会不会是出血了", "bleeding"),  # 会不会是: the patient suspects it now
        ("我胸口痛，怎么办", "chest_pain"),
        ("如果走快了胸口痛", "chest_pain"),  # a conditional that asks nothing is a report
        ("如果走快了胸口痛正常吗", "chest_pain"),  # a question about what is felt
        ("如出现胸痛请立即就医", "chest_pain"),  # (our safety net: the monitor reads it so)
        ("吃药预防血栓腿肿了怎么办", "leg_edema"),  # prevention takes only its object
    ],
)
def test_a_look_alike_is_read_as_before(text: str, concept: str) -> None:
    assert concept in symptoms.present(text), symptoms.find_symptoms(text)
    assert not any(m.hypothetical for m in symptoms.find_symptoms(text))


def test_the_scope_is_the_conditional_clause_only() -> None:
    text = "如果胸痛是不是要打120？我现在就胸痛"
    found = [(m.concept, m.hypothetical) for m in symptoms.find_symptoms(text)]
    assert found == [("chest_pain", True), ("chest_pain", False)]
    assert symptoms.present("我现在发烧38度5，如果继续烧怎么办") == ["fever"]


def test_an_enumeration_stays_hypothetical() -> None:
    for text in ("如果胸痛、呼吸困难怎么办", "如果胸痛或者呼吸困难怎么办", "万一胸痛和呼吸困难呢"):
        assert _status(text) == {"chest_pain": (True, True), "dyspnea": (True, True)}, text
    # a word of now between them: the second is reported
    assert _status("如果胸痛我现在呼吸困难怎么办") == {
        "chest_pain": (True, True),
        "dyspnea": (False, False),
    }


def test_an_intensity_word_in_a_hypothetical_adds_no_red_flag() -> None:
    assert symptoms.present("如果头痛得厉害要吃什么药") == []
    assert "severe_headache" in symptoms.present("头痛得厉害要吃什么药")


def test_a_crisis_statement_is_never_set_aside_as_hypothetical() -> None:
    crisis = symptoms.crisis_grammar().concepts
    said = [m for m in symptoms.find_symptoms("如果我想自杀怎么办") if m.concept in crisis]
    assert said and not any(m.negated or m.hypothetical for m in said)


def test_a_reading_asked_about_is_none() -> None:
    assert readings.fever_readings("如果烧到39度怎么办") == []
    assert [r.values[0] for r in readings.fever_readings("现在烧到39度，怎么办")] == [39]


def test_a_hypothetical_clause_is_a_question_not_unread() -> None:
    for text in ("如果伤口流脓怎么办", "吃这个药会不会引起出血", "如果胸口疼得厉害点算"):
        assert unread.unread(text) == [], text
        assert all(discourse.is_discourse(c) for c in discourse.clauses(text)), text
    # an unknown word beside it still goes to a clinician (一跳一跳的, the first example, is
    # understood now as a throbbing manner: tests/knowledge/test_benign_residue_words.py)
    assert unread.unread("如果伤口流脓还往外冒泡怎么办")
