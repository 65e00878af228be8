"""Issue #15, agent round 4: the fresh development set tests/agent/agent_messages_r4.yaml
(crisis, red flags, benign), written before the rules change, through the whole conversation
(API → understanding → route → monitor → care-team alert).

- crisis: the crisis route, released, the hotlines 12356 and 120, an EMERGENCY alert, and no
  word about the medicine the message names;
- redflag: never the greeting, the expected route, at least the expected alert level, and the
  reply's required words (120 for an emergency concept);
- benign: never the crisis route or the hotline wording, and at most the alert level given (a
  reply request to the care team is allowed; urgent or emergency is not).

Messages marked ``transfer: true`` are a transfer check: rules are never tuned to them. Known
misses are strict xfails with a reason (``KNOWN_MISSES``), never deleted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from clinical.agent.services import GENERIC_TEXT
from clinical.monitor import gate
from tests.agent.test_agent_conversation import say

SET = Path(__file__).parent / "agent_messages_r4.yaml"
MESSAGES: list[dict[str, Any]] = yaml.safe_load(SET.read_text("utf-8"))["messages"]
LEVELS = {"none": 0, "reply": 1, "urgent": 2, "emergency": 3}
ROUTES = {"crisis", "followup", "medication", "diet", "adherence", "general"}

# id → why it is still missed (strict: a fix turns the xfail into a failure to clean up).
KNOWN_MISSES: dict[str, str] = {
    # transfer-check misses (never tuned to; reported apart)
    "R4-C09": (
        "transfer: English stockpiling wording (saving up my sleeping pills … take them all at "
        "once) is not in the shared lexicon: handed to a clinician as unread, no crisis alert"
    ),
    "R4-R33": (
        "transfer: a head injury on warfarin (NICE NG232) is a combination, no urgent concept "
        "of the lexicon: the question about the prescribed medicine is handed on at reply level"
    ),
    "R4-B27": (
        "transfer: 会按时吃药的 is read as a medication question (route medication, handed to the "
        "prescriber), not a thanks or an adherence statement"
    ),
}


def level(reason: str) -> int:
    """The alert level of a care-team alert reason (agent-crisis:emergency,
    agent-followup:urgent, agent-medication:emergency, agent-escalation:general:…)."""
    if reason.endswith(":emergency"):
        return LEVELS["emergency"]
    if reason.endswith(":urgent"):
        return LEVELS["urgent"]
    return LEVELS["reply"] if reason else LEVELS["none"]


def _id(m: dict[str, Any]) -> str:
    return f"{m['id']}-{'transfer' if m.get('transfer') else 'tune'}"


def _params() -> list[Any]:
    out = []
    for m in MESSAGES:
        marks = []
        if m["id"] in KNOWN_MISSES:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[m["id"]]))
        out.append(pytest.param(m, id=_id(m), marks=marks))
    return out


def test_the_set_is_well_formed() -> None:
    ids = [m["id"] for m in MESSAGES]
    assert len(ids) == len(set(ids)) and len(ids) >= 90
    for group, least in (("crisis", 25), ("redflag", 30), ("benign", 25)):
        members = [m for m in MESSAGES if m["group"] == group]
        assert len(members) >= least, group
        transfer = sum(bool(m.get("transfer")) for m in members)
        assert len(members) // 3 <= transfer <= len(members) // 3 + 1, group
    for m in MESSAGES:
        routes = m["route"] if isinstance(m["route"], list) else [m["route"]]
        assert set(routes) <= ROUTES and m["alert"] in LEVELS, m["id"]
        assert set(m) <= {"id", "group", "text", "route", "alert", "must", "must_not", "transfer"}


@pytest.mark.django_db
@pytest.mark.parametrize("msg", _params())
def test_r4_message(patient_client, monkeypatch, msg: dict[str, Any]) -> None:
    reasons: list[str] = []
    real = gate.alert_care_team

    def spy(*args: Any, **kw: Any) -> Any:
        reasons.append(str(kw.get("reason", "")))
        return real(*args, **kw)

    monkeypatch.setattr(gate, "alert_care_team", spy)
    out = say(patient_client, msg["text"])
    got = max((level(r) for r in reasons), default=0)
    want = LEVELS[msg["alert"]]
    routes = msg["route"] if isinstance(msg["route"], list) else [msg["route"]]
    reply = out["reply"]
    seen = (out["route"], out["outcome"], out["status"], reasons, reply)
    assert reply != GENERIC_TEXT or msg["group"] == "benign", seen
    assert out["route"] in routes, seen
    if msg["group"] == "benign":
        assert got <= want, seen
        assert "12356" not in reply, seen
    else:
        assert got >= want, seen
    if msg["group"] == "crisis":
        assert out["status"] == "released", seen
        assert "12356" in reply and "120" in reply, seen
    for word in msg.get("must", []):
        assert word in reply, (word, seen)
    for word in msg.get("must_not", []):
        assert word not in reply, (word, seen)


# ---- the mechanisms the round added (no database) ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "present"),
    [
        ("医生说要是有黑便就马上来医院，我记住了", set()),
        ("护士交代如果伤口渗液就回来复查", set()),
        ("医生说要是胸痛就打120，现在胸口很痛", {"chest_pain"}),
        ("医生说我这两天拉黑便", {"melena"}),
        ("要是有黑便就马上来医院", {"melena"}),  # no instruction, no question: a report
    ],
)
def test_a_repeated_instruction_is_no_report(text: str, present: set[str]) -> None:
    from clinical.knowledge import symptoms

    said = {m.concept for m in symptoms.find_symptoms(text) if not m.negated}
    assert present <= said and not ({"melena", "chest_pain"} - present) & said, said


@pytest.mark.parametrize(
    ("text", "flags"),
    [
        ("头孢吃了以后喉咙发紧，还能吃吗", {"anaphylaxis"}),
        ("降压药早上吃还是晚上吃", set()),
        ("没有胸痛，阿司匹林饭前还是饭后吃", set()),
        ("感冒灵能和降压药一起吃吗", set()),  # 感冒灵 is a product, not 感冒
    ],
)
def test_red_flags_of_a_medication_question(text: str, flags: set[str]) -> None:
    from clinical.agent.routes.medication import red_flags

    assert flags <= set(red_flags(text))
    if not flags:
        assert red_flags(text) == []


@pytest.mark.django_db
def test_a_hand_off_without_a_red_flag_stays_a_hand_off(patient_client) -> None:
    """The triage-first path only runs for a red flag: a plain class question is still the
    prescriber's, at the level of a reply request."""
    out = say(patient_client, "降压药早上吃还是晚上吃")
    assert (out["route"], out["outcome"]) == ("medication", "escalated")


def _family_params(group: str) -> list[Any]:
    return [
        pytest.param(m, id=_id(m))
        for m in MESSAGES
        if m["group"] == group and m["id"] not in KNOWN_MISSES
    ]


@pytest.mark.parametrize("msg", _family_params("crisis") + _family_params("redflag"))
def test_r4_family_reads_the_same(msg: dict[str, Any]) -> None:
    """Metamorphic (#15): in traditional characters, full width and with zero-width characters
    a crisis message is still a crisis and a red-flag message keeps its urgent-or-worse
    concepts."""
    from clinical.agent.understanding.rules import understand
    from clinical.knowledge import symptoms
    from tests.monitor.paraphrase import full_width, traditional, zero_width

    def flags(text: str) -> set[str]:
        return {c for c in symptoms.present(text) if symptoms.at_least(c, "urgent")}

    want = flags(msg["text"])
    for rewrite in (traditional, full_width, zero_width):
        text = rewrite(msg["text"])
        if msg["group"] == "crisis":
            assert understand(text).crisis_concepts, text
        else:
            assert want <= flags(text), text


@pytest.mark.parametrize("msg", _family_params("benign"))
def test_r4_benign_family_is_never_a_crisis(msg: dict[str, Any]) -> None:
    from clinical.agent.understanding.rules import understand
    from tests.monitor.paraphrase import full_width, traditional, zero_width

    for rewrite in (traditional, full_width, zero_width):
        assert understand(rewrite(msg["text"])).crisis_concepts == [], msg["text"]
