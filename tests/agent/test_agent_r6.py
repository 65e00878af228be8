"""Issue #15, agent round 6: crisis precision, the fresh development set
tests/agent/agent_messages_r6.yaml (true crisis in English, pinyin and mixed script, their benign
look-alikes, red flags told with the look-alike words), written before the rules change, through
the whole conversation (API → understanding → route → monitor → care-team alert). The families are
the last session's false positives: an adherence report read as an overdose (I took all my pills
today), an accidental cut read as self-harm (cut myself shaving), the pinyin of 火锅 (bu xiang
huo guo) and of 紫砂 (zisha hu) read as crisis words, greeting words and Latin terms found inside
other English words (this, okay, rash in crashed).

The checks are round 5's (``test_agent_r5.check``): crisis → the crisis route, released,
hotlines, an EMERGENCY alert; redflag → never the greeting, the route, at least the alert level;
benign → never the crisis route or the hotline wording, at most the alert level given.

Messages marked ``transfer: true`` are a transfer check: rules are never tuned to them and their
results are read as a total only (``test_r6_transfer_total``: at least ``TRANSFER_FLOOR`` of them
pass; which ones miss is never listed). Known misses of the tuning part are strict xfails with a
reason (``KNOWN_MISSES``), never deleted.

Scores (round 6, main 09034b9 → this branch): tuning 20/29 → 29/29, transfer 10/14 → 14/14.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from clinical.monitor import gate
from tests.agent.test_agent_conversation import say
from tests.agent.test_agent_r4 import LEVELS, ROUTES
from tests.agent.test_agent_r5 import check

SET = Path(__file__).parent / "agent_messages_r6.yaml"
MESSAGES: list[dict[str, Any]] = yaml.safe_load(SET.read_text("utf-8"))["messages"]

# id → why it is still missed (strict: a fix turns the xfail into a failure to clean up).
KNOWN_MISSES: dict[str, str] = {}
# The transfer part's recorded total after the round-6 rules (of 14): a floor, never tuned to.
TRANSFER_FLOOR = 14


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
    assert len(ids) == len(set(ids)) and len(ids) >= 40
    for group, least in (("crisis", 15), ("redflag", 6), ("benign", 15)):
        members = [m for m in MESSAGES if m["group"] == group]
        assert len(members) >= least, group
        transfer = sum(bool(m.get("transfer")) for m in members)
        assert len(members) // 3 <= transfer <= len(members) // 3 + 1, group
    for m in MESSAGES:
        routes = m["route"] if isinstance(m["route"], list) else [m["route"]]
        assert set(routes) <= ROUTES and m["alert"] in LEVELS, m["id"]
        assert set(m) <= {"id", "group", "text", "route", "alert", "must", "must_not", "transfer"}


def test_no_message_repeats_an_earlier_round() -> None:
    here = Path(__file__).parent
    earlier = set()
    for name in ("agent_messages_r4.yaml", "agent_messages_r5.yaml"):
        earlier |= {m["text"] for m in yaml.safe_load((here / name).read_text("utf-8"))["messages"]}
    assert not {m["text"] for m in MESSAGES} & earlier


def _spied(monkeypatch: Any) -> list[str]:
    reasons: list[str] = []
    real = gate.alert_care_team

    def spy(*args: Any, **kw: Any) -> Any:
        reasons.append(str(kw.get("reason", "")))
        return real(*args, **kw)

    monkeypatch.setattr(gate, "alert_care_team", spy)
    return reasons


@pytest.mark.django_db
@pytest.mark.parametrize("msg", _params())
def test_r6_message(patient_client, monkeypatch, msg: dict[str, Any]) -> None:
    reasons = _spied(monkeypatch)
    check(say(patient_client, msg["text"]), reasons, msg)


@pytest.mark.django_db
def test_r6_transfer_total(patient_client, monkeypatch) -> None:
    """The transfer part as a total: each message in the same conversation, checked as above;
    only the number that pass is looked at."""
    reasons = _spied(monkeypatch)
    transfer = [m for m in MESSAGES if m.get("transfer")]
    passed = 0
    for msg in transfer:
        reasons.clear()
        try:
            check(say(patient_client, msg["text"]), list(reasons), msg)
        except AssertionError:
            continue
        passed += 1
    print(f"r6 transfer {passed}/{len(transfer)}")
    assert passed >= TRANSFER_FLOOR, f"transfer {passed}/{len(transfer)}"


# ---- the mechanisms the round added (examples of their own, not the development rows) ----------


@pytest.mark.parametrize(
    ("text", "crisis"),
    [
        # blockers (symptom_blockers.csv): the look-alike as a whole phrase names no crisis
        ("my husband took all my pills for today out of the box", False),
        ("cut myself while shaving again", False),
        ("wo ma xi huan bu xiang huo guo", False),
        ("zisha bei hao kan", False),
        # ... and never hides the crisis said around it
        ("I took all my pills today all at once", True),
        ("bu xiang huo guo ming tian", True),
        ("I cut myself on purpose again", True),
        ("wo xiang zisha", True),
        ("woxiangzisha", True),  # pinyin run together: the grammar, no word edge needed
        ("I overdosed on my sleeping pills", True),  # an inflected Latin term is still whole
        ("zisha huo zhe mei yi si", True),  # zisha hu… only as whole words blocks
    ],
)
def test_blockers_and_word_edges_keep_every_crisis(text: str, crisis: bool) -> None:
    from clinical.agent.understanding.rules import understand

    assert bool(understand(text).crisis_concepts) is crisis, text


@pytest.mark.parametrize(
    ("text", "concept", "found"),
    [
        ("I crashed my car", "rash", False),
        ("a rash on my arm", "rash", True),
        ("rashes all over", "rash", True),
        ("my son had seizures", "seizure", True),
    ],
)
def test_a_latin_term_is_a_whole_word(text: str, concept: str, found: bool) -> None:
    from clinical.knowledge import symptoms

    assert any(m.concept == concept for m in symptoms.find_symptoms(text)) is found, text


@pytest.mark.parametrize(
    ("text", "greeting"),
    [("hi", True), ("ok thanks", True), ("hi 你好", True), ("this", False), ("book", False)],
)
def test_a_latin_pleasantry_is_a_whole_word(text: str, greeting: bool) -> None:
    from clinical.agent.understanding.rules import greeting_only

    assert greeting_only(text) is greeting, text


def test_latin_word_edges() -> None:
    from clinical.knowledge.symptoms import latin_word, matching_form

    form = matching_form("I crashed it")[0]
    assert not latin_word("I crashed it", form.find("rash"), form.find("rash") + 4)
    form = matching_form("药疹rash")[0]  # a Chinese neighbour is an edge
    assert latin_word("药疹rash", 2, 6)
    assert latin_word("rashes", 0, 4) and not latin_word("rashes", 0, 4, endings=False)
