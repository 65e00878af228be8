"""``resolved_spontaneously`` (后来自己好了) is read but named by no rule, on purpose (#15/#23 tidy):
the TIA reading of NICE NG128 §1.1.3 is ``transient_focal_deficit`` (symptoms._RESOLVED beside a
sided focal deficit), and a second rule on the context words would be a copy
(test_transient_focal_deficit.test_one_tia_rule). These tests tie the two word lists together:
every resolved word of the concept, after a one-sided deficit, is a suspected TIA."""

from __future__ import annotations

import pytest

from clinical.knowledge import symptoms

_TERMS = sorted(term for term, c in symptoms.concept_terms() if c == "resolved_spontaneously")


def test_the_resolved_words_are_there() -> None:
    assert {"自己好了", "后来自己好了", "自己就好了", "自己缓过来了"} <= set(_TERMS)


@pytest.mark.parametrize("term", _TERMS)
@pytest.mark.parametrize("deficit", ["昨天左手突然没劲，半小时后", "右边脸麻了十分钟，"])
def test_every_resolved_word_after_a_sided_deficit_is_a_suspected_tia(
    deficit: str, term: str
) -> None:
    found = symptoms.present(deficit + term)
    assert "transient_focal_deficit" in found
    assert "resolved_spontaneously" in found


@pytest.mark.parametrize("term", _TERMS)
def test_a_resolved_headache_is_no_tia(term: str) -> None:
    assert "transient_focal_deficit" not in symptoms.present("头疼了一会儿，" + term)
