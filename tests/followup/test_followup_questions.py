"""Issue #15 round 2: a question for the care team is not an unknown complaint, an improving
course is reassurance, and no qualifier or improvement word lowers a red flag."""

from __future__ import annotations

import copy

import pytest
from django.utils import timezone
from followup_vignette_builder import assess_vignette
from hypothesis import given, settings
from hypothesis import strategies as st

from clinical.followup.services import lexicon
from clinical.followup.services.ruledata import rank

SETTINGS = settings(derandomize=True, deadline=None, max_examples=60, database=None)


def _assess(v: dict) -> dict:
    now = timezone.now()
    return assess_vignette(v, now)


QUESTIONS = [
    "请问什么时候可以洗澡？",
    "伤口能不能碰水",
    "下次复查要空腹吗？谢谢",
    "我想问一下这个药饭前吃还是饭后吃",
    "医生您好，出院后多久可以上班？",
]


@pytest.mark.parametrize("text", QUESTIONS)
def test_a_care_question_is_quoted_for_a_clinician_not_urgent(text: str) -> None:
    out = _assess({"id": "q1", "age": 60, "survey": [["今日感受", text, 1]]})
    assert rank(out["disposition"]) < rank("urgent")
    assert not [r for r in out["reasons"] if r["code"] == "symptom-unrecognised"]
    (note,) = [n for n in out["notes"] if n["code"] == "patient-question"]
    assert "请医护人员回复" in note["text"]


@pytest.mark.parametrize(
    "text",
    ["请问腿上起了个包要紧吗", "肚子里好像有东西往下坠，请问要紧吗", "想问下脚趾头发凉变白怎么办"],
)
def test_a_question_with_an_unknown_complaint_stays_unread(text: str) -> None:
    out = _assess({"id": "q2", "age": 60, "survey": [["今日感受", text, 1]]})
    # nothing read, but the words name the body (腿, 肚子, 脚趾头): partly understood, urgent
    # (h-partial; was review under h-review)
    assert out["disposition"] == "urgent"
    assert [r for r in out["reasons"] if r["code"] == "symptom-unrecognised"]


def test_a_symptom_inside_a_question_still_counts() -> None:
    out = _assess({"id": "q3", "age": 60, "survey": [["今日感受", "想问一下胸口痛怎么办", 1]]})
    assert out["disposition"] == "emergency"


def test_a_question_next_to_a_complaint_keeps_the_complaint_unread() -> None:
    out = _assess(
        {"id": "q4", "age": 60, "survey": [["今日感受", "右边腰上一跳一跳的，请问什么时候复查", 1]]}
    )
    assert out["disposition"] == "urgent"  # 腰 names the body: partly understood (h-partial)
    (reason,) = [r for r in out["reasons"] if r["code"] == "symptom-unrecognised"]
    assert "一跳一跳" in reason["text"]  # the whole answer is quoted: nothing read in it


@pytest.mark.parametrize(
    "text", ["比前几天好一些了", "伤口比刚出院时好多了，谢谢", "已经减轻了", "比之前轻多了"]
)
def test_an_improving_course_is_reassurance(text: str) -> None:
    assert lexicon.answer_polarity(text) is False
    out = _assess({"id": "q5", "age": 60, "survey": [["今日感受", text, 1]]})
    assert rank(out["disposition"]) < rank("urgent")


@pytest.mark.parametrize(
    ("text", "concept"), [("胸口不太痛了", "chest_pain"), ("不怎么喘了", "dyspnea")]
)
def test_not_very_is_a_degree_not_a_denial(text: str, concept: str) -> None:
    assert concept in [m.concept for m in lexicon.match(text) if not m.negated]


RED = ["胸口疼", "喘不上气", "说话不清楚", "吐血了", "大便发黑", "晕倒了", "胸口发紧，左胳膊发麻"]
QUALIFIED = [
    "有点{}",
    "稍微{}",
    "{}，好多了",
    "{}，比昨天好多了",
    "{}，已经减轻了",
    "偶尔{}",
    "{}，请问要紧吗",
    "想问一下{}怎么办",
]


@SETTINGS
@given(st.sampled_from(RED), st.sampled_from(QUALIFIED), st.integers(30, 85))
def test_a_qualifier_never_lowers_a_red_flag_below_urgent(red: str, form: str, age: int) -> None:
    v = {"id": "q6", "age": age, "survey": [["症状描述", red, 1]]}
    before = _assess(v)["disposition"]
    w = copy.deepcopy(v)
    w["survey"] = [["症状描述", form.format(red), 1]]
    after = _assess(w)["disposition"]
    assert rank(after) >= rank("urgent")
    assert rank(after) >= min(rank(before), rank("emergency"))


def test_a_question_about_a_read_complaint_is_a_question() -> None:
    out = _assess({"id": "q7", "age": 50, "survey": [["今日感受", "有点咳嗽，要紧吗？", 1]]})
    assert rank(out["disposition"]) < rank("urgent")
    assert [n for n in out["notes"] if n["code"] == "patient-question"]


@pytest.mark.parametrize("text", ["请问要紧吗", "没有胸痛，要紧吗"])
def test_a_concern_question_without_a_complaint_the_engine_reads_stays_unread(text: str) -> None:
    out = _assess({"id": "q8", "age": 50, "survey": [["今日感受", text, 1]]})
    assert out["disposition"] == "review"
    assert [r for r in out["reasons"] if r["code"] == "symptom-unrecognised"]
