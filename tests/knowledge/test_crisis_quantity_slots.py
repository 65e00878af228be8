"""The overdose quantity of the crisis grammar is one list per script (#15/#23 tidy): the Chinese
whole container (一整瓶, 整盒) is the WHOLE slot, named by SUPPLY and by the rules, and the English
at-once words are the ENATONCE slot, named by ENSUPPLY. A slot may name a slot."""

from __future__ import annotations

import pytest

from clinical.knowledge import symptoms
from clinical.knowledge.symptoms import LexiconError, crisis_grammar, present


def _rows() -> list[dict[str, str]]:
    return symptoms._rows("symptom_crisis.csv")


@pytest.mark.parametrize("word", ["一整瓶", "一大瓶", "一整盒", "一整板"])
def test_a_whole_container_is_listed_once(word: str) -> None:
    assert [r["name"] for r in _rows() if word in r["pattern"]] == ["WHOLE"]


@pytest.mark.parametrize("word", ["inonegulp", "atthesametime", "inonemouthful"])
def test_the_english_at_once_words_are_listed_once(word: str) -> None:
    assert [r["name"] for r in _rows() if word in r["pattern"]] == ["ENATONCE"]


def test_every_slot_is_substituted_in_the_compiled_rules() -> None:
    for pattern, _ in crisis_grammar().rules:
        assert "{WHOLE}" not in pattern.pattern
        assert "{ENATONCE}" not in pattern.pattern
        assert "{SUPPLY}" not in pattern.pattern


def test_a_slot_that_names_itself_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [
        {"kind": "slot", "name": "A", "concept": "", "pattern": "x|{B}", "source": "t"},
        {"kind": "slot", "name": "B", "concept": "", "pattern": "y|{A}", "source": "t"},
        {"kind": "rule", "name": "", "concept": "suicidal", "pattern": "{A}", "source": "t"},
    ]
    read = symptoms._rows
    monkeypatch.setattr(
        symptoms, "_rows", lambda name: rows if name == "symptom_crisis.csv" else read(name)
    )
    with pytest.raises(LexiconError, match="names itself"):
        crisis_grammar.__wrapped__()


@pytest.mark.parametrize(
    "text",
    [
        "一整瓶药都吃了",  # the all-of-it rule through WHOLE
        "吞了一整瓶安眠药",  # SUPPLY through WHOLE
        "今天的药都吃了，一整瓶",  # the adherence-report rule through WHOLE
        "took all my pills today, all of them at once",  # ENSUPPLY through ENATONCE
        "I took all my pills this morning, every last one, in one gulp",
    ],
)
def test_an_overdose_quantity_through_a_nested_slot(text: str) -> None:
    assert "overdose_intent" in present(text)


@pytest.mark.parametrize(
    "text",
    ["今天的药都吃了", "今天的药都吃了，一整瓶水也喝了", "I took all my pills today"],
)
def test_an_adherence_report_stays_no_overdose(text: str) -> None:
    assert "overdose_intent" not in present(text)


@pytest.mark.parametrize(
    "text",
    [
        "吞了一整板安眠药",  # a blister strip is a whole container (SUPPLY through WHOLE)
        "一整板药都吃了",  # the all-of-it rule
        "今天的药都吃了，一整板",  # the adherence-report rule, as before
        "刚才吃了整盒安眠药",  # a whole box of a sedative
    ],
)
def test_a_whole_blister_strip_or_box_is_an_overdose(text: str) -> None:
    assert "overdose_intent" in present(text)


@pytest.mark.parametrize("text", ["今天的药一板吃完了，要再开一板", "整板药放在抽屉里了"])
def test_a_strip_used_up_or_kept_is_no_overdose(text: str) -> None:
    assert "overdose_intent" not in present(text)
