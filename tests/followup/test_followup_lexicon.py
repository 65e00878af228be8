"""Symptom matching: synonyms, colloquial phrasing, negation, and what is NOT a negation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinical.followup.services.lexicon import answer_polarity, match


def concepts(text: str) -> dict[str, bool]:
    return {m.concept: not m.negated for m in match(text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("胸口疼", {"chest_pain": True}),
        ("喘不上气", {"dyspnea": True}),
        ("大便发黑", {"melena": True}),
        ("无胸痛", {"chest_pain": False}),
        ("没有发热", {"fever": False}),
        ("无明显胸痛", {"chest_pain": False}),
        ("今天没有再发烧了", {"fever": False}),
        ("不头晕", {"dizziness": False}),
        ("没有胸痛，就是有点咳嗽", {"chest_pain": False, "cough": True}),
        ("否认胸痛、呼吸困难", {"chest_pain": False, "dyspnea": False}),
        ("没有出现黑便但是胸闷", {"melena": False, "chest_tightness": True}),
        ("没吃药胸口疼", {"chest_pain": True}),
        ("说话不清楚", {"slurred_speech": True}),
        ("我不想活了", {"suicidal": True}),
        ("伤口无红肿，无渗液", {"wound_redness": False, "wound_pus": False}),
        ("出冷汗手抖心慌", {"sweating": True, "tremor": True, "palpitations": True}),
        ("冒虚汗，饿得发慌", {"sweating": True, "hunger": True}),
        ("手哆嗦，浑身无力", {"tremor": True, "fatigue": True}),
        ("没有手抖", {"tremor": False}),
        ("没有手抖，但是出冷汗", {"tremor": False, "sweating": True}),
        ("否认心慌、手抖、饥饿感", {"palpitations": False, "tremor": False, "hunger": False}),
    ],
)
def test_match(text: str, expected: dict[str, bool]) -> None:
    assert concepts(text) == expected


def test_bare_answers() -> None:
    assert answer_polarity("有") is True
    assert answer_polarity("没有。") is False
    assert answer_polarity("胸口疼") is None


@pytest.mark.parametrize("text", ["今天无不适", "挺好", "没事。", "一切正常"])
def test_all_well_answers_are_negative(text: str) -> None:
    assert answer_polarity(text) is False


def test_distress_is_a_concept() -> None:
    assert concepts("难受得厉害，快不行了") == {"distress": True}


@given(st.text(alphabet="无没有不胸痛口疼发热黑便，、。喘上气明显再否认就是但", max_size=30))
@settings(max_examples=300, deadline=None)
def test_match_never_raises_and_negation_needs_a_cue(text: str) -> None:
    mentions = match(text)
    for m in mentions:
        if m.negated:
            assert any(cue in text for cue in ("无", "没", "不", "否认"))
