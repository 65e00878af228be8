"""The agent reads a symptom the patient only asks about (#15, #23 task B: "如果伤口流脓怎么办")
through the shared lexicon: no symptom is reported, the words still go to follow-up (which notes
the question for the care team), and the assessment raises no red flag; a present one beside the
question is reported as before."""

from __future__ import annotations

from typing import Any

import pytest

from clinical.agent.routes.followup import holds_symptom_words
from clinical.agent.understanding.rules import understand
from clinical.monitor import gate
from tests.agent.test_agent_conversation import say


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("如果伤口流脓怎么办", []),
        ("万一出现胸痛要怎么处理", []),
        ("伤口流脓了，会不会感染", ["伤口流脓/渗液"]),
        ("如果胸痛是不是要打120？我现在就胸痛", ["胸痛"]),
    ],
)
def test_a_symptom_asked_about_is_not_reported(text: str, said: list[str]) -> None:
    u = understand(text)
    assert u.symptoms == said
    assert holds_symptom_words(text)  # follow-up still reads the words (and notes the question)


@pytest.mark.django_db
def test_a_hypothetical_chest_pain_question_raises_no_red_flag(patient_client, monkeypatch):
    seen: list[gate.OutgoingMessage] = []
    real = gate.submit

    def spy(msg: gate.OutgoingMessage) -> Any:
        seen.append(msg)
        return real(msg)

    monkeypatch.setattr(gate, "submit", spy)
    out = say(patient_client, "万一出现胸痛要怎么处理？")
    assert out["route"] == "followup"
    (assessment,) = [m.structured["assessment"] for m in seen if "assessment" in m.structured]
    assert assessment["disposition"] not in ("urgent", "emergency"), assessment["reasons"]
    notes = [n["code"] for n in assessment.get("notes", [])]
    assert "patient-question" in notes, assessment
