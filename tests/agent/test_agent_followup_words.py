"""The agent keeps the patient's words for follow-up when the one lexicon reads something in them
(#23: the agent reads symptoms through ``clinical.knowledge.symptoms``, not follow-up's internals).
"""

from __future__ import annotations

import pytest

from clinical.agent.routes.followup import holds_symptom_words
from clinical.knowledge import readings, symptoms


@pytest.mark.parametrize(
    "text",
    [
        "伤口有点红肿",  # a symptom
        "没有发烧",  # a denied symptom answers a question too
        "嗓子不疼",
        "頭痛",  # traditional
        "胸\u200b口痛",  # zero width
        "体温38.5",  # a temperature at fever level: a fever statement
        "烧到三十八度五",
        "体温37.3度",
    ],
)
def test_words_follow_up_reads_are_kept(text):
    assert holds_symptom_words(text)


@pytest.mark.parametrize("text", ["体温36.8", "谢谢医生", "血压130/80", "体温50度"])
def test_words_with_nothing_to_read_are_not(text):
    assert not holds_symptom_words(text)


def test_every_term_of_the_shared_lexicon_is_kept():
    missed = [term for term, _concept in symptoms.concept_terms() if not holds_symptom_words(term)]
    assert missed == []


def test_follow_up_reads_the_same_fever_threshold():
    from clinical.followup.services import lexicon

    for text in ("体温37.2", "体温37.3", "体温42.9", "体温43.1"):
        fever = "fever" in [m.concept for m in lexicon.match(text)]
        assert fever is bool(readings.fever_readings(text)), text


@pytest.mark.parametrize("text", ["血酮0.1", "尿酮阴性", "尿酮++", "昨晚三十八度五"])
def test_ketone_readings_and_an_unlabelled_fever_are_kept_as_words(text):
    # #23 round 6: follow-up reads ketones only from the patient's words (no coded Observation
    # here) and a temperature without 体温 at fever level is a fever statement
    assert holds_symptom_words(text)
