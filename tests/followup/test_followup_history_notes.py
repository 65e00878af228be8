"""History mentions (去年胸痛过, 以前有过黑便) are not complaints now: they stay out of triage
(the concept is absent), and the clinician gets a note quoting them (``symptom-history``),
never the patient (no reason, no patient text, no timeframe)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from clinical.agent.routes.followup import assessment_text
from tests.followup.followup_vignette_builder import assess_vignette

NOW = datetime(2026, 11, 29, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # fixed: no today


def _assess(words: str) -> dict[str, Any]:
    v = {"id": "history", "age": 61, "obs": [["hr", 74, 2]], "survey": [["今日感受", words, 2]]}
    return assess_vignette(v, NOW)


def _history_notes(a: dict[str, Any]) -> list[str]:
    return [n["text"] for n in a["notes"] if n["code"] == "symptom-history"]


@pytest.mark.parametrize(
    ("words", "quoted"),
    [
        ("去年胸痛过", "去年胸痛过"),
        ("去年胸疼过", "去年胸疼过"),  # 疼/痛
        ("去年胸痛過", "去年胸痛過"),  # traditional: quoted as written
        ("去年晕倒过一次", "去年晕倒过一次"),
        ("以前有过黑便", "以前有过黑便"),
    ],
)
def test_a_history_mention_is_out_of_triage_and_noted_for_the_clinician(
    words: str, quoted: str
) -> None:
    a = _assess(words)
    assert a["disposition"] == "self-care", a["reasons"]
    (note,) = _history_notes(a)
    assert f"“{quoted}”" in note
    assert a["uncertainty"]["level"] == "low"  # history is not missing or unread data
    reply = assessment_text(a)
    assert quoted not in reply and "既往" not in reply  # for the clinician, not the patient
    assert all(quoted not in r["patient_text"] for r in a["reasons"])


def test_the_history_is_noted_next_to_a_complaint_now() -> None:
    a = _assess("去年胸痛过，最近头晕")
    codes = {r["code"] for r in a["reasons"]}
    assert "redflag-chest-pain" not in codes and "symptom-dizziness" in codes
    (note,) = _history_notes(a)
    assert "“去年胸痛过”" in note and "头晕" not in note


def test_the_same_symptom_now_still_counts() -> None:
    a = _assess("去年胸痛过，今天又胸痛")
    assert a["disposition"] == "emergency"
    assert "redflag-chest-pain" in {r["code"] for r in a["reasons"]}
    (note,) = _history_notes(a)
    assert "“去年胸痛过”" in note


def test_no_history_no_note() -> None:
    a = _assess("今天有点头晕")
    assert _history_notes(a) == []
