"""Hypothetical and conditional symptoms (#15, #23 task B): a patient who asks what to do IF a
symptom comes reports none. Development set tests/followup/followup_vignettes_hypothetical.yaml
(written before the rule; bench/followup_hypothetical.py scores it): a hypothetical question
raises no red flag, is not "unrecognised", and is quoted for the care team as a question; the
same question beside a symptom that is present gives at least what the complaint alone gives.
Metamorphic: wrapping a present red-flag clause in "医生，…，怎么办？" never lowers the
disposition, while "如果…怎么办" around it alone gives no red flag."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone
from followup_helpers import vignette_param
from followup_vignette_builder import load_vignettes, vignette_record
from hypothesis import given, settings
from hypothesis import strategies as st

from clinical.followup.services import lexicon
from clinical.followup.services.engine import assess_record
from clinical.followup.services.ruledata import rank

CASES = load_vignettes(Path(__file__).with_name("followup_vignettes_hypothetical.yaml"))
QUESTIONS = [v for v in CASES if v["benign"]]
LOOK_ALIKES = [v for v in CASES if not v["benign"]]
SETTINGS = settings(derandomize=True, deadline=None, max_examples=40, database=None)
# Codes of a reason that says the patient has something now (a red flag, a symptom rule, an
# unread complaint); a hypothetical question may give none of them.
_NOT_NOW = ("redflag-", "syndrome-", "symptom-", "temp-", "news2-")


def _assess(v: dict) -> dict:
    now = timezone.now()
    return assess_record(vignette_record(v, now), now)


def _with_answer(v: dict, answer: str) -> dict:
    (question, _, days) = v["survey"][0]
    return {**v, "survey": [[question, answer, days]]}


def test_the_set_has_enough_questions_and_look_alikes() -> None:
    assert len({v["id"] for v in CASES}) == len(CASES)
    assert len(QUESTIONS) >= 40
    assert len(LOOK_ALIKES) >= 25
    assert all(v.get("plain") for v in LOOK_ALIKES)
    assert sum(bool(v.get("known_over_triage")) for v in QUESTIONS) <= 0.1 * len(QUESTIONS)


@pytest.mark.parametrize(
    "vignette", [vignette_param(v) for v in QUESTIONS], ids=[v["id"] for v in QUESTIONS]
)
def test_a_hypothetical_question_raises_nothing_and_is_noted(vignette: dict) -> None:
    out = _assess(vignette)
    assert rank(out["disposition"]) <= rank("routine"), out["reasons"]
    assert not [r for r in out["reasons"] if r["code"].startswith(_NOT_NOW)], out["reasons"]
    (note,) = [n for n in out["notes"] if n["code"] == "patient-question"]
    assert "请医护人员回复" in note["text"]


@pytest.mark.parametrize("vignette", LOOK_ALIKES, ids=[v["id"] for v in LOOK_ALIKES])
def test_a_present_symptom_beside_the_question_still_raises(vignette: dict) -> None:
    plain = _assess(_with_answer(vignette, vignette["plain"]))["disposition"]
    assert rank(plain) >= rank("routine")  # the look-alike is a real complaint
    out = _assess(vignette)
    assert rank(out["disposition"]) >= rank(plain), out["reasons"]


def test_a_question_put_to_the_patient_still_asks_its_symptom() -> None:
    """A survey question "如有胸痛，请问是否出现过？" answered yes is chest pain: the hypothetical
    is read in the patient's words only, never in the question put to them."""
    asked = "如有胸痛，请问是否出现过？"
    v = {"id": "hq", "age": 60, "obs": [["temp", 36.6, 4]], "survey": [[asked, True, 1]]}
    assert _assess(v)["disposition"] == "emergency"
    assert [(m.concept, m.negated) for m in lexicon.match(asked, asked=True)] == [
        ("chest_pain", False)
    ]
    assert lexicon.match(asked) == []  # as a patient's words: asked about, not reported


# Present red-flag clauses as patients write them (no question, no cue, no time word).
RED_FLAGS = [
    "胸口痛",
    "胸口疼得厉害",
    "喘不上气",
    "大便是黑的",
    "吐血了",
    "说话不清楚",
    "抽搐了",
    "伤口流脓",
    "咳血",
    "呼吸困难",
    "便血",
    "意识不清",
]


@SETTINGS
@given(clause=st.sampled_from(RED_FLAGS), lead=st.sampled_from(["医生，", "医生您好，", ""]))
def test_asking_what_to_do_about_a_present_symptom_never_lowers_it(clause: str, lead: str) -> None:
    base = {"id": "hm", "age": 64, "obs": [["temp", 36.6, 4]]}
    plain = _assess({**base, "survey": [["今日感受", clause, 1]]})
    asked = _assess({**base, "survey": [["今日感受", f"{lead}{clause}，怎么办？", 1]]})
    assert rank(plain["disposition"]) >= rank("urgent")
    assert rank(asked["disposition"]) >= rank(plain["disposition"])


@SETTINGS
@given(
    clause=st.sampled_from(RED_FLAGS),
    cue=st.sampled_from(["如果", "万一", "要是", "假如", "如果以后"]),
    ask=st.sampled_from(["怎么办", "该怎么办？", "怎么处理", "点算"]),
)
def test_if_around_a_red_flag_gives_no_red_flag(clause: str, cue: str, ask: str) -> None:
    base = {"id": "hm", "age": 64, "obs": [["temp", 36.6, 4]]}
    out = _assess({**base, "survey": [["今日感受", f"{cue}{clause}{ask}", 1]]})
    assert rank(out["disposition"]) <= rank("routine"), out["reasons"]
    assert not [r for r in out["reasons"] if r["code"].startswith("redflag-")]
