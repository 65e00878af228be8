"""The shared-layer readings behind the #15 follow-up benign r5 changes
(tests/followup/followup_vignettes_benign_r5.yaml): a care question asked after an operation or a
discharge, an improvement after a comparison, relief after ice / splinting / a simple analgesic, a
reading with 下午量了, 还是 inside a term, 换了/换完 after a joint, and the look-alike terms. Each
has its negative: a complaint in the same frame is still read or left unread."""

from __future__ import annotations

import pytest

from clinical.knowledge import discourse, symptoms, unread


@pytest.mark.parametrize(
    "text",
    [
        "膝盖置换后可以上下楼梯吗",
        "请问膝盖置换以后多久可以爬楼",  # was a bound body word + care question (bodily r2)
        "剖腹产后多久可以抱孩子",
        "装了支架以后能不能去跳广场舞",
        "胆囊切了以后能吃鸡蛋吗",
        "疝气手术后多久能干重活",
        "出院一周了可以洗澡吗",
    ],
)
def test_a_care_question_after_an_operation_is_a_question(text: str) -> None:
    assert discourse.care_question(text)
    assert unread.unread(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "出院两天了肚子疼要紧吗",  # a complaint: read, never a question only
        "腿上起了个包手术后要紧吗",  # more than a short lead before the procedure
        "甲状腺手术以后医生开的钙片要吃多久",  # other words stay unread
        "膝盖置换后膝盖发黑可以洗澡吗",
    ],
)
def test_a_procedure_lead_hides_no_complaint(text: str) -> None:
    assert not discourse.care_question(text)


@pytest.mark.parametrize(
    "clause", ["比上周好", "不过一天比一天好", "但在慢慢好", "在慢慢好转", "一天比一天好了"]
)
def test_an_improvement_after_a_comparison_is_read(clause: str) -> None:
    assert discourse.improving(clause)


@pytest.mark.parametrize("clause", ["好痛", "比上周好难受", "一天比一天肿"])
def test_an_improvement_word_never_covers_a_complaint(clause: str) -> None:
    assert not discourse.improving(clause)


@pytest.mark.parametrize(
    "text", ["冰敷一下就好", "用手按着就好些", "吃了布洛芬就不疼了", "早上起来就消了"]
)
def test_relief_after_ice_splinting_or_an_analgesic_is_read(text: str) -> None:
    assert unread.unread(text) == []


def test_a_reading_taken_in_the_afternoon_is_a_reading() -> None:
    assert discourse.normal_reading("下午量了体温37.2")
    assert not discourse.normal_reading("下午量了体温38.2")  # fever: the reading rules judge it


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("大便还是有点稀", "diarrhea"),
        ("大便還是稀稀的", "diarrhea"),
        ("大便还不太成形", "diarrhea"),
        ("今天拉出來全是血", "rectal_bleeding_heavy"),
        ("今天拉的是黑的，像柏油一样", "melena"),
    ],
)
def test_the_r5_terms_are_read(text: str, concept: str) -> None:
    assert concept in {m.concept for m in symptoms.find_symptoms(text) if not m.negated}


def test_a_joint_replaced_in_speech_names_no_new_complaint() -> None:
    # 换了 / 换完 after a joint is the procedure (置换): the clause is unread words, not bodily
    parts = unread.unread("我妈膝盖换了12天了")
    assert parts and not any(u.body or u.bodily for u in parts)
    # what followed the procedure is still the body named (a complaint after it)
    assert any(u.body for u in unread.unread("膝盖换完以后肿得厉害")) or symptoms.find_symptoms(
        "膝盖换完以后肿得厉害"
    )
