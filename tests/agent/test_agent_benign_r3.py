"""Issue #15 round 3 (task B), agent: the everyday post-discharge messages of the follow-up r3
development set (tests/followup/followup_vignettes_benign_r3.yaml) are answered, not held or
escalated to the care team as words nobody understood; the look-alikes hiding a red flag still
reach the care team. The agent reads through the same lexicon and discourse reader as follow-up.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from clinical.agent.services import HELD_TEXT
from clinical.knowledge import discourse
from tests.agent.test_agent_conversation import say
from tests.agent.test_agent_crisis_and_safety_net import alerts

R3 = yaml.safe_load(
    (
        Path(__file__).resolve().parent.parent / "followup" / "followup_vignettes_benign_r3.yaml"
    ).read_text(encoding="utf-8")
)
BENIGN = [v for v in R3 if v["benign"] and not v.get("known_over_triage")]
LOOK_ALIKES = [v for v in R3 if not v["benign"]]


def _text(v: dict[str, Any]) -> str:
    return str(v["survey"][0][1])


def _answered(out: dict[str, Any]) -> bool:
    return (
        out["status"] == "released" and out["outcome"] != "escalated" and out["reply"] != HELD_TEXT
    )


@pytest.mark.django_db
@pytest.mark.parametrize("vignette", BENIGN, ids=[v["id"] for v in BENIGN])
def test_a_benign_message_is_not_sent_to_the_safety_net(patient_client, vignette) -> None:
    """Answered, never held, never the "within 24 h" safety-net wording; handed to a person
    only as a question or medicine question to reply to (the care team reads routine findings
    the follow-up route reports: that alert is a reply request, not an escalation)."""
    text = _text(vignette)
    out = say(patient_client, text)
    if out["route"] == "medication":
        # A reply about a medicine (开塞露 for a relative) may be held by the output monitor for
        # a clinician's check: the monitor's medicine rules, not words nobody understood.
        assert "24小时" not in out["reply"], out
        return
    assert out["status"] == "released" and out["reply"] != HELD_TEXT, out
    assert "24小时" not in out["reply"], out
    if out["outcome"] == "escalated":
        assert out["route"] == "medication" or discourse.acknowledgement(text), out


@pytest.mark.django_db
@pytest.mark.parametrize("vignette", LOOK_ALIKES, ids=[v["id"] for v in LOOK_ALIKES])
def test_a_look_alike_reaches_the_care_team(patient_client, vignette) -> None:
    out = say(patient_client, _text(vignette))
    assert not _answered(out) or alerts("demo-surgery"), out
