"""Review h5 items 2 and 3: a past history of a known disease (以前得过脑梗) is read as
history — a clinician-only note, neither a complaint now nor unread words — and a plain denial
(没有出血) is understood, whatever concept it denies. None of these texts comes from a sealed
set."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from clinical.agent.routes.followup import assessment_text
from clinical.followup.services import lexicon
from tests.followup.followup_vignette_builder import assess_vignette

NOW = datetime(2026, 11, 29, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # fixed: no today


def _assess(words: str) -> dict[str, Any]:
    v = {"id": "h5", "age": 66, "obs": [["hr", 74, 2]], "survey": [["今日感受", words, 2]]}
    return assess_vignette(v, NOW)


def _history_notes(a: dict[str, Any]) -> list[str]:
    return [n["text"] for n in a["notes"] if n["code"] == "symptom-history"]


HISTORY = [
    ("以前得过脑梗", "脑"),
    ("以前得过脑梗塞", "脑"),
    ("以前得過腦梗", "脑"),  # traditional
    ("我爸以前得过脑梗", "脑"),
    ("前年得过心梗", "冠心病"),
    ("以前得过心梗", "冠心病"),
    ("几年前患过胃出血", "消化性溃疡"),
    ("有糖尿病史", "糖尿病"),
    ("有高血压病史", "高血压"),
    ("以前中过风", "脑"),
]


@pytest.mark.parametrize(("words", "named"), HISTORY)
def test_a_disease_history_is_read_and_noted_for_the_clinician(words: str, named: str) -> None:
    assert lexicon.unread_clauses(words) == []
    a = _assess(words)
    assert a["disposition"] == "self-care", a["reasons"]
    (note,) = _history_notes(a)
    assert f"“{words}”" in note and named in note
    reply = assessment_text(a)
    assert words not in reply and "既往" not in reply  # for the clinician, not the patient


@pytest.mark.parametrize("words", ["脑梗又犯了", "今天又脑梗了", "又中风了", "脑梗"])
def test_a_disease_now_is_not_history(words: str) -> None:
    # 又/今天 end a history; a bare disease name is not understood as history either
    assert _history_notes(_assess(words)) == []


DENIALS = ["没有出血", "没出血", "没见出血", "无出血", "不出血了", "伤口没有出血", "没有再出血"]


@pytest.mark.parametrize("words", DENIALS)
def test_a_plain_denial_is_understood(words: str) -> None:
    assert lexicon.unread_clauses(words) == []
    a = _assess(words)
    assert a["disposition"] == "self-care", a["reasons"]
    assert not [n for n in a["notes"] if "未匹配" in n["text"] or "未能识别" in n["text"]]


@pytest.mark.parametrize("words", ["出血", "伤口出血", "一直出血", "又出血了"])
def test_bleeding_stated_still_goes_to_a_clinician(words: str) -> None:
    assert lexicon.unread_clauses(words) or lexicon.match(words)
    a = _assess(words)
    assert a["disposition"] != "self-care", a["reasons"]


@pytest.mark.parametrize(
    "words",
    [
        "没出血，但是肚子里有个东西在跳",
        "没有出血，肚子里咕咚咕咚",
        "不出血了但是那里怪怪的",
        "没有出血可是老觉得不对劲",
    ],
)
def test_a_denial_does_not_read_the_next_clause(words: str) -> None:
    assert lexicon.unread_clauses(words)
