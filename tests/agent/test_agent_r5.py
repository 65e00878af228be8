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

Messages marked ``transfer: true`` are a transfer check: rules are never tuned to them and
their results are read as a total only (``test_r5_transfer_total``: at least ``TRANSFER_FLOOR``
of them pass; which ones miss is never listed). Known misses of the tuning part are strict
xfails with a reason (``KNOWN_MISSES``), never deleted.

Scores (round 5, main 89ed38c → this branch): tuning 46/61 → 61/61, transfer 22/30 → 27/30.
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
# The transfer part's recorded total after the round-5 rules (of 30): a floor, never tuned to.
TRANSFER_FLOOR = 27


def _id(m: dict[str, Any]) -> str:
    return f"{m['id']}-{'transfer' if m.get('transfer') else 'tune'}"


def _params() -> list[Any]:
    out = []
    for m in MESSAGES:
        if m.get("transfer"):
            continue
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


@pytest.mark.django_db
def test_r5_transfer_total(patient_client, monkeypatch) -> None:
    """The transfer part as a total: each message in the same conversation, checked as above;
    only the number that pass is looked at."""
    reasons: list[str] = []
    real = gate.alert_care_team

    def spy(*args: Any, **kw: Any) -> Any:
        reasons.append(str(kw.get("reason", "")))
        return real(*args, **kw)

    monkeypatch.setattr(gate, "alert_care_team", spy)
    transfer = [m for m in MESSAGES if m.get("transfer")]
    passed = 0
    for msg in transfer:
        reasons.clear()
        try:
            check(say(patient_client, msg["text"]), list(reasons), msg)
        except AssertionError:
            continue
        passed += 1
    assert passed >= TRANSFER_FLOOR, f"transfer {passed}/{len(transfer)}"


# ---- the mechanisms the round added (examples of their own, not the development rows) ----------


@pytest.mark.parametrize(
    ("text", "crisis"),
    [
        # English: intent + filler words + act (C-SSRS), standalone burden/hopelessness forms
        ("I wish I could just die", True),
        ("I'd rather be dead", True),
        ("they would all be better off without me", True),
        ("I can't go on anymore", True),
        ("I am thinking of ending my life", True),
        ("she swallowed a handful of her tablets", True),
        # English idioms and denials: no crisis
        ("I'm dying to see my grandson", False),
        ("the dumplings were to die for", False),
        ("I was dead tired yesterday", False),
        ("I want to spend it on a holiday", False),
        ("I don't want to die, I want to get better", False),
        ("I would never kill myself", False),
        ("everyone would be better without meat", False),
        ("can't go on holiday this year", False),
        ("I'm on a diet, want to diet properly", False),
        # pinyin: the Chinese crisis words run together, 死 only as a last syllable
        ("wo zhen de xiang si", True),
        ("ta shuo huo gou le", True),
        ("zhen xiang yi si le zhi", True),
        ("wo bu hui zi sha de", False),
        ("wo bu xiang si", False),
        ("xiang si ni le", False),
        ("wo xiang qu si chuan", False),
        ("lei si le", False),
        ("chi le yi ge wan fan", False),
        # mixed script: a Chinese intent with the act in English or pinyin
        ("我好想kill myself", True),
        ("有时候真想zi sha", True),
        ("我不想die，我想好起来", False),
        ("Amei想死", True),  # no bare bu/mei denial: a name before 想死 denies nothing
    ],
)
def test_the_crisis_grammar_reads_english_and_pinyin(text: str, crisis: bool) -> None:
    from clinical.agent.understanding.rules import understand

    assert bool(understand(text).crisis_concepts) is crisis, text


def test_every_figurative_and_negation_row_is_read() -> None:
    """symptom_crisis.csv holds one figurative and one negation row per script; the grammar
    reads them all as alternatives (a later row does not replace an earlier one)."""
    from clinical.knowledge.symptoms import crisis_grammar

    g = crisis_grammar()
    assert g.figurative.search("想死你了") and g.figurative.search("imdyingtoknow")
    assert g.negation.search("我不会") and g.negation.search("iwouldnever")
    assert g.negation.search("wobuhui")


@pytest.mark.parametrize(
    ("text", "concept", "past"),
    [
        ("五年前摔跤磕到过头", "fall_head_injury", True),
        ("十年前晕倒过一次", "syncope", True),
        ("今天摔跤磕到头了", "fall_head_injury", False),
        ("两年前开始头晕，一直没好", "dizziness", False),  # an onset that goes on (开始)
    ],
)
def test_years_ago_is_history(text: str, concept: str, past: bool) -> None:
    """ConText historical triggers (symptom_negation.csv past_cue): N年前 before a mention in
    its clause is history, unless a termination word (开始, 一直) says it goes on."""
    from clinical.knowledge import symptoms

    mentions = [m for m in symptoms.find_symptoms(text) if m.concept == concept]
    assert mentions and all(m.past is past for m in mentions), mentions


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    ["wo jue de hen nan shou", "my tummy feels funny since lunch", "ni hao, zhe ge zen me ban"],
)
def test_unread_latin_script_goes_to_a_clinician(patient_client, text: str) -> None:
    """What the system does not understand goes to a human: a Latin-script message read as no
    pleasantry is handed on, never answered with the greeting."""
    out = say(patient_client, text)
    assert out["reply"] != GENERIC_TEXT
    assert (out["route"], out["outcome"]) == ("general", "escalated"), out


def test_one_public_normaliser_path() -> None:
    """The agent's understanding and its medication route read text through the knowledge
    layer's fold (``clinical.knowledge.text.fold_visible``); no private alias is imported."""
    import clinical.agent.routes.medication as medication
    import clinical.agent.understanding.rules as rules
    from clinical.knowledge import text

    assert medication.fold_visible is text.fold_visible is rules.fold_visible
    assert not hasattr(rules, "_normalise")
    source = Path(medication.__file__).read_text("utf-8")
    assert "import _" not in source and "_normalise" not in source


def test_a_place_of_medicines_is_no_medicine_question() -> None:
    from clinical.agent.understanding.rules import understand

    assert understand("烦死了，药房又排了好长的队").intent != "medication_question"
    assert understand("药店买的药能和降压药一起吃吗").intent == "medication_question"
