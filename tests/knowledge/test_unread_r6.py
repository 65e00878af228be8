"""Round 6 of #15 (benign over-triage of everyday medicine-cabinet questions,
tests/medkb/guidance_vignettes_benign_r6.yaml): mechanisms of the shared reader, not phrases.
Each reading beside the look-alike that must stay unread (a clinician reads it)."""

from __future__ import annotations

import pytest

from clinical.knowledge import discourse, unread


def _unread(text: str) -> list[str]:
    return [u.words for u in unread.unread(text)]


# A complaint the lexicon reads, so that questions and circumstances stand beside it (``about``).
_COMPLAINT = "这两天有点咳嗽。"


@pytest.mark.parametrize(
    "clause",
    [
        "我是帮我老公问的",  # who is asking
        "我爸七十了",  # the patient's age, in words
        "他今年四十出头",
        "我外孙女三岁",
        "他25公斤",  # the weight
        "吃一片够吗",  # a dose asked about
        "隔多久能吃第二片啊",
        "奥美拉唑一天吃几颗",  # 几颗 asks
        "吃半片行不行",
        "下一次多久能再吃",  # read before round 6 too
        "能吃能睡照常上学",  # what the patient still does
        "奶也喝了",
        "不过精神还好",
        "不厉害",  # graded down
        "没别的症状",
        "大概四五天了吧",  # a hedged duration
        "家里只有泰诺林",  # medicine talk: what the cabinet holds
        "家里有日夜百服咛跟泰诺林",
        "今年继续吃一天一片就行吧",  # a guess put as a question (吧)
    ],
)
def test_read_beside_a_complaint(clause: str) -> None:
    assert _unread(_COMPLAINT + clause) == []


@pytest.mark.parametrize(
    "clause",
    [
        "吃了10片怎么办",  # an amount taken stays for a clinician
        "已经吃了两片还能吃吗",
        "一次吃五片行不行",  # more than two units asked about
        "手腕能动",  # a body word: not the functioning grammar's
        "我爸七十了还在吃华法林",  # other words beside the age
        "我是教书的",  # who the patient is beyond age and weight
        "不吃就没事",
    ],
)
def test_still_unread(clause: str) -> None:
    assert _unread(_COMPLAINT + clause) == [clause]


def test_a_hedged_poisoning_is_read_as_poisoning() -> None:
    # 应该是吃了老鼠药 was kept unread (a hedge reads no injury word); since the lead's probes of
    # 2026-12-07 (sixth) a rodenticide swallowed is poison_ingestion, an emergency, hedged or not
    from clinical.knowledge import symptoms

    assert "poison_ingestion" in symptoms.present(_COMPLAINT + "应该是吃了老鼠药")


def test_a_question_mark_asks_only_with_question_words() -> None:
    assert discourse.care_question("饭前吃", about=True, asked=True)
    assert not discourse.care_question("饭前吃", about=True)
    assert _unread(_COMPLAINT + "饭前吃？") == []
    assert _unread(_COMPLAINT + "饭前吃") == ["饭前吃"]
    assert _unread(_COMPLAINT + "吃了三瓶？") == ["吃了三瓶"]  # an amount taken, asked or not


def test_a_hedge_beside_a_concept_keeps_the_concept() -> None:
    from clinical.knowledge import symptoms

    found = {m.concept for m in symptoms.find_symptoms("大概是摔了一跤") if not m.negated}
    assert "fall" in found  # read through its concept, at its own level; the hedge adds nothing
    assert _unread(_COMPLAINT + "大概是摔了一跤") == []


def test_a_red_flag_keeps_its_level_beside_the_new_readings() -> None:
    from clinical.knowledge import symptoms

    text = "我是帮我爸问的，我爸七十了，大概半小时前开始胸口压着疼，出冷汗，吃一片够吗？"
    present = {m.concept for m in symptoms.find_symptoms(text) if not m.negated}
    assert "chest_pain" in present  # the complaint is read (its own red-flag level)
