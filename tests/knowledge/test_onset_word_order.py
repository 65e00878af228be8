"""Onset and frequency words inside a complaint (#15 paraphrase families: word order).

突然眼睛看不清 was read (blurred vision, sudden onset: the stroke rule) and 眼睛突然看不清 was not
(sudden onset alone), so the same words in another order went from emergency to urgent. The
onset words (突然, 忽然, 突发, 一下子) and the short frequency adverbs 老 and 总 may now stand inside
a term as 老是, 一直 and 有点 could (``symptoms._INSERTS``); the onset is still named
(``_inner_onset``), and a term read across one never takes the place of an exact term it
overlaps (头突然晕倒: syncope, not dizziness). A red flag read from a term of its own also names
the complaint it escalates (肚子疼得打滚: abdominal pain and severe abdominal pain), as 剧烈头痛
already did. Written before the change, from the lead's probes; the pool of unlabelled
development utterances was compared before and after (docs/benchmarks.md).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.followup.services.ruledata import rank
from clinical.knowledge.symptoms import present
from tests.followup.followup_vignette_builder import assess_vignette

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)

# (onset first, onset inside): the same concepts either way
ORDERS = [
    ("突然眼睛看不清", "眼睛突然看不清"),
    ("突然呼吸困难", "呼吸突然困难"),
    ("突然走路往一边偏", "走路突然往一边偏"),
    ("忽然眼前一黑", "眼前忽然一黑"),
    ("突然嗓子发紧", "嗓子突然发紧"),
]


@pytest.mark.parametrize(("first", "inside"), ORDERS)
def test_the_onset_word_reads_the_same_before_or_inside_the_complaint(
    first: str, inside: str
) -> None:
    assert sorted(present(first)) == sorted(present(inside))
    assert "sudden_onset" in present(inside)


@pytest.mark.parametrize(("first", "inside"), ORDERS[:3])
def test_and_triage_does_not_depend_on_the_order(first: str, inside: str) -> None:
    def level(text: str) -> int:
        v = {"id": "order", "age": 74, "conditions": ["hypertension"]}
        v["survey"] = [["症状描述", text, 2]]
        return rank(assess_vignette(v, NOW)["disposition"])

    assert level(inside) == level(first)


def test_a_term_across_an_onset_word_never_displaces_the_exact_one() -> None:
    assert "syncope" in present("头突然晕倒了")
    assert "dizziness" not in present("头突然晕倒了")


@pytest.mark.parametrize(
    ("text", "concept"),
    [("走路老往一边偏", "ataxia"), ("走路总往一边偏", "ataxia"), ("伤口老流水", "wound_pus")],
)
def test_the_short_frequency_adverbs_stand_inside_a_term(text: str, concept: str) -> None:
    assert concept in present(text)


@pytest.mark.parametrize("text", ["眼睛老花了", "老人家挺好的", "老伴陪着呢"])
def test_old_as_a_word_of_its_own_is_kept(text: str) -> None:
    assert present(text) == []


@pytest.mark.parametrize(
    ("text", "base", "flag"),
    [
        ("肚子疼得打滚", "abdominal_pain", "abdominal_pain_severe"),
        ("头疼得厉害", "headache", "severe_headache"),
        ("剧烈头痛", "headache", "severe_headache"),
    ],
)
def test_a_red_flag_term_names_the_complaint_it_escalates(text: str, base: str, flag: str) -> None:
    assert {base, flag} <= set(present(text))


def test_a_denied_red_flag_term_names_no_complaint() -> None:
    assert present("肚子没有疼得打滚") == []


@pytest.mark.parametrize(
    "text", ["一下子喘不上气", "突发喘不上气", "一下子呼吸困难", "呼吸突然困难"]
)
def test_every_onset_word_before_or_inside_makes_breathlessness_sudden(text: str) -> None:
    """The onset word is its own mention (sudden_onset) and still makes the breathlessness after
    it sudden: a context statement does not bound the intensity grammar's search."""
    assert {"dyspnea_sudden", "sudden_onset"} <= set(present(text))
