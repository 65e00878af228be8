"""One runner for the agent's development message sets (#15): each YAML set is said to the agent
through the whole conversation (API → understanding → route → monitor → care-team alert), one
test per message, judged by the set's judge; a known miss is a strict xfail with its reason (a
fix makes the test say so), never deleted. Each set's shape (its size, its transfer third, the
sets it may not repeat) is data in ``SETS``, checked by one test per set. Behaviour tests of a
round's mechanisms stay in the round's own file (test_agent_r4.py, test_agent_r5.py, test_agent_r6.py).

The sets (what each is about is in its YAML header):

- ``r4``: crisis, red flags and benign messages of round 4 (tests/agent/agent_messages_r4.yaml),
  written before the rules change; its transfer third is run message by message as recorded
  then, the transfer misses named apart in ``_R4_MISSES``.
- ``r5``: round 5 (agent_messages_r5.yaml): crisis in English, pinyin and mixed script, a
  relative's head injury on an anticoagulant, red flags told by relatives, die/dead idioms.
  Its transfer third is checked as a total only (``transfer_floor``); which ones miss is never
  listed.
- ``r6``: round 6 (agent_messages_r6.yaml): crisis precision, true crisis in English, pinyin and
  mixed script beside their look-alikes (took all my pills today, cut myself shaving, bu xiang huo
  guo, zisha hu, hi inside this); its transfer third is checked as a total only.
- ``followup_benign_r3``: the follow-up r3 development set (tests/followup/followup_vignettes_benign_r3.yaml),
  its first survey answer said to the agent: everyday messages are answered, look-alikes hiding a
  red flag reach the care team. The follow-up set's own known over-triages (``known_over_triage``)
  are not said (``skip``): they are that set's strict xfails in test_followup_sets.py.
- ``r10``: round 10 (agent_messages_r10.yaml), written before its rules: red flags hidden in a
  medicine or diet question, indirect crisis, both in traditional, full-width, zero-width, English,
  mixed, pinyin and homophone-typo forms, beside benign twins; its transfer third a total only.

Registering a new set is one line in ``SETS``::

    "r6": MessageSet("agent/agent_messages_r6.yaml", transfer_floor=25, at_least={"all": 80}),

``rows`` names how a file is read (``ROWS``): ``messages`` (an ``agent_messages_*.yaml`` file:
id, group, text, route, alert, must, must_not, transfer; checked well-formed) or ``followup``
(a follow-up vignette file: the first survey answer is the message, ``benign`` its group, else
``redflag``). ``judge`` names how a reply is checked (``JUDGES``):

- ``expected``: crisis → the crisis route, released, the hotlines 12356 and 120, at least the
  alert level given; redflag → never the greeting, the route given, at least the alert level;
  benign → never the hotline wording, at most the alert level given (a reply request to the care
  team is allowed); every message its ``must`` / ``must_not`` words of the reply;
- ``answered``: benign → answered, never held, never the "within 24 h" safety-net wording, handed
  to a person only as a medicine question or an acknowledgement; redflag → not answered, or an
  alert to the care team.

Shape fields: ``at_least`` (group → least messages; groups ``all``, ``crisis``, ``redflag``,
``benign``); ``transfer_third`` (each group of ``at_least`` has a third, rounded either way,
marked ``transfer: true``); ``disjoint_from`` (sets whose texts it may not repeat). Transfer
messages are never tuned to: with ``transfer_floor`` they are said in one conversation and only
the number that pass is looked at; without it they run one by one like the rest. ``rewrites``
also checks every message not known missed in traditional characters, full width and with
zero-width characters: a crisis is still a crisis, a red flag keeps its urgent-or-worse concepts,
a benign message is never a crisis. Every set must have unique ids, its known misses among them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from clinical.agent.services import GENERIC_TEXT, HELD_TEXT
from clinical.knowledge import discourse
from clinical.monitor import gate
from tests.agent.test_agent_conversation import say
from tests.agent.test_agent_crisis_and_safety_net import alerts

TESTS = Path(__file__).resolve().parent.parent
LEVELS = {"none": 0, "reply": 1, "urgent": 2, "emergency": 3}
ROUTES = {"crisis", "followup", "medication", "diet", "adherence", "general"}
MESSAGE_FIELDS = {"id", "group", "text", "route", "alert", "must", "must_not", "transfer"}

Row = dict[str, Any]


@dataclass(frozen=True)
class Message:
    """One message of a set: its id, its group (crisis, redflag, benign), what is said and the
    row it comes from (for the judge's expectations)."""

    id: str
    group: str
    text: str
    row: Row

    @property
    def transfer(self) -> bool:
        return bool(self.row.get("transfer"))


def _messages(path: Path) -> list[Message]:
    rows = yaml.safe_load(path.read_text("utf-8"))["messages"]
    return [Message(r["id"], r["group"], r["text"], r) for r in rows]


def _followup(path: Path) -> list[Message]:
    rows = yaml.safe_load(path.read_text("utf-8"))
    return [
        Message(v["id"], "benign" if v["benign"] else "redflag", str(v["survey"][0][1]), v)
        for v in rows
    ]


def _routes(row: Row) -> list[str]:
    return row["route"] if isinstance(row["route"], list) else [row["route"]]


def _message_is_well_formed(m: Message) -> None:
    assert set(_routes(m.row)) <= ROUTES and m.row["alert"] in LEVELS, m.id
    assert set(m.row) <= MESSAGE_FIELDS, m.id


ROWS: dict[str, tuple[Callable[[Path], list[Message]], Callable[[Message], None] | None]] = {
    "messages": (_messages, _message_is_well_formed),
    "followup": (_followup, None),
}


def level(reason: str) -> int:
    """The alert level of a care-team alert reason (agent-crisis:emergency,
    agent-followup:urgent, agent-medication:emergency, agent-escalation:general:…)."""
    if reason.endswith(":emergency"):
        return LEVELS["emergency"]
    if reason.endswith(":urgent"):
        return LEVELS["urgent"]
    return LEVELS["reply"] if reason else LEVELS["none"]


def _expected(m: Message, out: dict[str, Any], reasons: list[str]) -> None:
    got = max((level(r) for r in reasons), default=0)
    want = LEVELS[m.row["alert"]]
    reply = out["reply"]
    seen = (out["route"], out["outcome"], out["status"], reasons, reply)
    assert reply != GENERIC_TEXT or m.group == "benign", seen
    assert out["route"] in _routes(m.row), seen
    if m.group == "benign":
        assert got <= want, seen
        assert "12356" not in reply, seen
    else:
        assert got >= want, seen
    if m.group == "crisis":
        assert out["status"] == "released", seen
        assert "12356" in reply and "120" in reply, seen
    for word in m.row.get("must", []):
        assert word in reply, (word, seen)
    for word in m.row.get("must_not", []):
        assert word not in reply, (word, seen)


def _answered(m: Message, out: dict[str, Any], reasons: list[str]) -> None:
    if m.group != "benign":
        answered = (
            out["status"] == "released"
            and out["outcome"] != "escalated"
            and out["reply"] != HELD_TEXT
        )
        assert not answered or alerts("demo-surgery"), out
        return
    if out["route"] == "medication":
        # A reply about a medicine (开塞露 for a relative) may be held by the output monitor for
        # a clinician's check: the monitor's medicine rules, not words nobody understood.
        assert "24小时" not in out["reply"], out
        return
    assert out["status"] == "released" and out["reply"] != HELD_TEXT, out
    assert "24小时" not in out["reply"], out
    if out["outcome"] == "escalated":
        assert out["route"] == "medication" or discourse.acknowledgement(m.text), out


JUDGES: dict[str, Callable[[Message, dict[str, Any], list[str]], None]] = {
    "expected": _expected,
    "answered": _answered,
}


@dataclass(frozen=True)
class MessageSet:
    """One agent development set: its file (under tests/), how its rows are read and judged, its
    known misses (id → why), how its transfer part is checked, and its shape (see the module
    docstring)."""

    file: str
    rows: str = "messages"
    judge: str = "expected"
    known_misses: Mapping[str, str] = field(default_factory=dict)
    transfer_floor: int | None = None
    skip: tuple[str, ...] = ()
    at_least: Mapping[str, int] = field(default_factory=dict)
    transfer_third: bool = False
    disjoint_from: tuple[str, ...] = ()
    rewrites: bool = False

    def messages(self) -> list[Message]:
        return ROWS[self.rows][0](TESTS / self.file)

    def said(self, m: Message) -> bool:
        """Whether a message is said one by one (not a total-only transfer one, not skipped)."""
        if m.transfer and self.transfer_floor is not None:
            return False
        return not any(m.row.get(key) for key in self.skip)


# id → why it is still missed (strict: a fix turns the xfail into a failure to clean up).
_R4_MISSES = {
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

# round 10 tuning misses at baseline (id → why); transfer rows are never listed. The eight of
# the baseline pass since the round-10 rules (crisis farewells, giving away, an English lethal
# amount; English calf swelling; a red flag before 能喝…吗 and a drug name over 多少; a product
# question; see test_agent_r10.py).
_R10_MISSES: dict[str, str] = {}

SETS: dict[str, MessageSet] = {
    "r4": MessageSet(
        "agent/agent_messages_r4.yaml",
        known_misses=_R4_MISSES,
        at_least={"all": 90, "crisis": 25, "redflag": 30, "benign": 25},
        transfer_third=True,
        rewrites=True,
    ),
    # the transfer part's recorded total after the round-5 rules (of 30): a floor, never tuned to
    "r5": MessageSet(
        "agent/agent_messages_r5.yaml",
        transfer_floor=27,
        at_least={"all": 80, "crisis": 25, "redflag": 25, "benign": 25},
        transfer_third=True,
        disjoint_from=("r4",),
    ),
    # round 6, crisis precision (the transfer part's recorded total after its rules, of 14)
    "r6": MessageSet(
        "agent/agent_messages_r6.yaml",
        transfer_floor=14,
        at_least={"all": 40, "crisis": 15, "redflag": 6, "benign": 15},
        transfer_third=True,
        disjoint_from=("r4", "r5"),
    ),
    "followup_benign_r3": MessageSet(
        "followup/followup_vignettes_benign_r3.yaml",
        rows="followup",
        judge="answered",
        skip=("known_over_triage",),
    ),
    # round 10, written before its rules (the transfer part's total, of 21: 18 at baseline, 19
    # after the round-10 rules)
    "r10": MessageSet(
        "agent/agent_messages_r10.yaml",
        known_misses=_R10_MISSES,
        transfer_floor=19,
        at_least={"all": 63, "crisis": 21, "redflag": 21, "benign": 21},
        transfer_third=True,
        disjoint_from=("r4", "r5", "r6"),
    ),
}
MESSAGES = {name: s.messages() for name, s in SETS.items()}


def _groups(messages: list[Message]) -> dict[str, list[Message]]:
    groups: dict[str, list[Message]] = {"all": messages}
    for m in messages:
        groups.setdefault(m.group, []).append(m)
    return groups


@pytest.mark.parametrize("name", SETS)
def test_the_set_has_its_shape(name: str) -> None:
    spec, messages = SETS[name], MESSAGES[name]
    ids = [m.id for m in messages]
    assert len(ids) == len(set(ids)) and set(spec.known_misses) <= set(ids)
    groups = _groups(messages)
    for group, least in spec.at_least.items():
        assert len(groups.get(group, [])) >= least, (group, len(groups.get(group, [])))
        if spec.transfer_third and group != "all":
            members = groups[group]
            transfer = sum(m.transfer for m in members)
            assert len(members) // 3 <= transfer <= len(members) // 3 + 1, group
    well_formed = ROWS[spec.rows][1]
    for m in messages if well_formed else []:
        well_formed(m)
    for other in spec.disjoint_from:
        assert not {m.text for m in messages} & {m.text for m in MESSAGES[other]}, other


def _id(name: str, m: Message) -> str:
    return f"{name}/{m.id}{'-transfer' if m.transfer else ''}"


def _params() -> list[Any]:
    """Every message said one by one, as (set name, message) named set/id (``-transfer`` for a
    transfer one); a known miss a strict xfail with its reason."""
    out = []
    for name, spec in SETS.items():
        for m in MESSAGES[name]:
            if not spec.said(m):
                continue
            why = spec.known_misses.get(m.id)
            marks = [pytest.mark.xfail(strict=True, reason=why)] if why else []
            out.append(pytest.param(name, m, marks=marks, id=_id(name, m)))
    return out


def _spy_alerts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The reasons of the care-team alerts raised from now on."""
    reasons: list[str] = []
    real = gate.alert_care_team

    def spy(*args: Any, **kw: Any) -> Any:
        reasons.append(str(kw.get("reason", "")))
        return real(*args, **kw)

    monkeypatch.setattr(gate, "alert_care_team", spy)
    return reasons


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "msg"), _params())
def test_message(patient_client, monkeypatch, name: str, msg: Message) -> None:
    reasons = _spy_alerts(monkeypatch)
    out = say(patient_client, msg.text)
    JUDGES[SETS[name].judge](msg, out, reasons)


@pytest.mark.django_db
@pytest.mark.parametrize("name", [name for name, s in SETS.items() if s.transfer_floor is not None])
def test_transfer_total(patient_client, monkeypatch, name: str) -> None:
    """The transfer part as a total: each message in the same conversation, judged as above;
    only the number that pass is looked at."""
    spec = SETS[name]
    reasons = _spy_alerts(monkeypatch)
    transfer = [m for m in MESSAGES[name] if m.transfer]
    passed = 0
    for msg in transfer:
        reasons.clear()
        try:
            out = say(patient_client, msg.text)
            JUDGES[spec.judge](msg, out, list(reasons))
        except AssertionError:
            continue
        passed += 1
    assert spec.transfer_floor is not None
    assert passed >= spec.transfer_floor, f"transfer {passed}/{len(transfer)}"


def _rewrite_params() -> list[Any]:
    return [
        pytest.param(m, id=_id(name, m))
        for name, spec in SETS.items()
        if spec.rewrites
        for m in MESSAGES[name]
        if m.id not in spec.known_misses
    ]


@pytest.mark.parametrize("msg", _rewrite_params())
def test_a_rewritten_message_reads_the_same(msg: Message) -> None:
    """Metamorphic (#15): in traditional characters, full width and with zero-width characters
    a crisis message is still a crisis, a red-flag message keeps its urgent-or-worse concepts
    and a benign message is never a crisis."""
    from clinical.agent.understanding.rules import understand
    from clinical.knowledge import symptoms
    from tests.monitor.paraphrase import full_width, traditional, zero_width

    def flags(text: str) -> set[str]:
        return {c for c in symptoms.present(text) if symptoms.at_least(c, "urgent")}

    want = flags(msg.text) if msg.group == "redflag" else set()
    for rewrite in (traditional, full_width, zero_width):
        text = rewrite(msg.text)
        if msg.group == "crisis":
            assert understand(text).crisis_concepts, text
        elif msg.group == "redflag":
            assert want <= flags(text), text
        else:
            assert understand(text).crisis_concepts == [], msg.text
