"""Issue #15, agent round 5: the fresh development set tests/agent/agent_messages_r5.yaml
(crisis, red flags, benign look-alikes), written before the rules change, through the whole
conversation (API → understanding → route → monitor → care-team alert). It aims at the families
the lead's probes found weak: crisis statements in English, pinyin and mixed script; a
relative's head injury on an anticoagulant or antiplatelet (NICE NG232: at least urgent); red
flags told by relatives; red flags hidden in a medicine question; and benign look-alikes
(English questions, pinyin greetings, die/dead/killing idioms, 累死了, 想死你了).

The checks are those of test_agent_r4.py (``check``): crisis → the crisis route, released,
hotlines, an EMERGENCY alert; redflag → never the greeting, the route, at least the alert
level, the reply's required words; benign → never the crisis route or the hotline wording,
at most the alert level given.

Messages marked ``transfer: true`` are a transfer check: rules are never tuned to them. Known
misses are strict xfails with a reason (``KNOWN_MISSES``), never deleted; transfer misses are
reported as totals only (their reason names no message).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from clinical.agent.services import GENERIC_TEXT
from clinical.monitor import gate
from tests.agent.test_agent_conversation import say
from tests.agent.test_agent_r4 import LEVELS, ROUTES, level

SET = Path(__file__).parent / "agent_messages_r5.yaml"
MESSAGES: list[dict[str, Any]] = yaml.safe_load(SET.read_text("utf-8"))["messages"]

# id → why it is still missed (strict: a fix turns the xfail into a failure to clean up).
KNOWN_MISSES: dict[str, str] = {}


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
    assert len(ids) == len(set(ids)) and len(ids) >= 80
    for group, least in (("crisis", 25), ("redflag", 25), ("benign", 25)):
        members = [m for m in MESSAGES if m["group"] == group]
        assert len(members) >= least, group
        transfer = sum(bool(m.get("transfer")) for m in members)
        assert len(members) // 3 <= transfer <= len(members) // 3 + 1, group
    for m in MESSAGES:
        routes = m["route"] if isinstance(m["route"], list) else [m["route"]]
        assert set(routes) <= ROUTES and m["alert"] in LEVELS, m["id"]
        assert set(m) <= {"id", "group", "text", "route", "alert", "must", "must_not", "transfer"}


def test_no_message_repeats_round_4() -> None:
    r4 = yaml.safe_load((Path(__file__).parent / "agent_messages_r4.yaml").read_text("utf-8"))
    assert not {m["text"] for m in MESSAGES} & {m["text"] for m in r4["messages"]}


def check(out: dict[str, Any], reasons: list[str], msg: dict[str, Any]) -> None:
    """The expectations of one development message (see the module docstring)."""
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


@pytest.mark.django_db
@pytest.mark.parametrize("msg", _params())
def test_r5_message(patient_client, monkeypatch, msg: dict[str, Any]) -> None:
    reasons: list[str] = []
    real = gate.alert_care_team

    def spy(*args: Any, **kw: Any) -> Any:
        reasons.append(str(kw.get("reason", "")))
        return real(*args, **kw)

    monkeypatch.setattr(gate, "alert_care_team", spy)
    check(say(patient_client, msg["text"]), reasons, msg)
