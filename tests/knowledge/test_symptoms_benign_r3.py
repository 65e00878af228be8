"""Ordinary post-discharge language read by the one lexicon (#15/#23 round 3, task B), and the
misreadings that must never follow from it: a benign reading never hides a red flag next to it,
a look-alike word is not read as the benign concept, and a typo is only read in its frame.
Development text written for this task; none comes from a sealed set."""

from __future__ import annotations

import pytest

from clinical.followup.services import lexicon as followup
from clinical.knowledge import symptoms
from clinical.knowledge.symptoms import find_symptoms, present


def _now(text: str) -> set[str]:
    return set(present(text))


# --- benign concepts reached through composition, dialect and typos -----------------------
@pytest.mark.parametrize(
    ("text", "concept"),
    [
        # body word × stiffness word (NICE CKS Osteoarthritis: brief morning stiffness)
        ("早上起来膝盖有点僵", "joint_stiffness"),
        ("手指头早上发僵", "joint_stiffness"),
        ("膝關節有點僵硬", "joint_stiffness"),
        ("肩膀僵僵的", "joint_stiffness"),
        # wound word × itch word, in 北方 (刺挠) and 粤 (痕, 有啲) wording
        ("伤口刺挠得慌", "wound_itch"),
        ("个伤口有啲痕", "wound_itch"),
        ("刀口有点刺挠", "wound_itch"),
        ("疤痕有点痒", "wound_itch"),
        # wound word × numb / tight word
        ("刀口周围有点木", "wound_numbness"),
        ("疤有点紧绷绷的", "wound_tightness"),
        # injection / drip site × bruise word
        ("打针的地方青了一块", "injection_site"),
        ("肚皮上打针的地方有点淤青", "injection_site"),
        ("输液的地方有点青紫", "injection_site"),
        # sleep word × quality word
        ("晚上睡觉不太踏实", "insomnia"),
        ("睡得也不是太好", "insomnia"),
        ("我呢排瞓得唔好", "insomnia"),
        ("睡\u200b不\u200b好", "insomnia"),
        # 啥 inside a term as 什么 (没啥胃口 = 没什么胃口 = 没胃口)
        ("没啥胃口", "poor_appetite"),
        ("冇乜胃口，食唔落", "poor_appetite"),
        ("吃饭不得味", "poor_appetite"),
        ("好攰", "fatigue"),
        # homophone typos, each only in its frame
        ("有点咳簌", "cough"),
        ("睡眠不号", "insomnia"),
        ("晚上谁不着", "insomnia"),
        ("便祕，三天沒大便", "constipation"),
    ],
)
def test_everyday_wording_reaches_the_benign_concept(text: str, concept: str) -> None:
    assert concept in _now(text)


@pytest.mark.parametrize("text", ["没痰", "冇痰", "没得痰", "莫得痰"])
def test_dialect_negation_denies_phlegm(text: str) -> None:
    assert [(m.concept, m.negated) for m in find_symptoms(text)] == [("phlegm", True)]


# --- a benign word next to a red flag never hides it -----------------------------------------
@pytest.mark.parametrize(
    ("text", "red_flag"),
    [
        ("伤口有点痒，流脓了", "wound_pus"),
        ("伤口刺挠，流黄水", "wound_pus"),
        ("有点咳簌，痰里带血丝", "hemoptysis"),
        ("冇痰，但系咳出血", "hemoptysis"),
        ("没得痰，胸口痛", "chest_pain"),
        ("睡眠不号，晚上胸口疼", "chest_pain"),
        ("睡得不好，胸口闷", "chest_tightness"),
        ("瞓唔着，心口好翳，透唔到气", "dyspnea"),
        ("没啥胃口，拉的屎是黑的", "melena"),
        ("打针的地方青了一块，牙龈出血", "minor_bleeding"),
        ("谢谢医生，我不想活了", "suicidal"),
        ("膝盖有点僵，今天摔了一跤", "fall"),
    ],
)
def test_a_benign_reading_never_hides_the_red_flag_beside_it(text: str, red_flag: str) -> None:
    assert red_flag in _now(text)
    assert symptoms.red_flag(red_flag) != "none"


# --- look-alikes that are NOT the benign concept ------------------------------------------------
@pytest.mark.parametrize(
    ("text", "not_concept"),
    [
        ("感觉不好", "insomnia"),  # feeling unwell: no sleep word (no bare 觉)
        ("小腿发紧", "joint_stiffness"),  # a tight calf may be a DVT (NICE NG158)
        ("小腿肚子僵硬", "joint_stiffness"),
        ("脖子有点僵", "joint_stiffness"),  # a stiff neck is meningism, never benign
        ("谁不着急啊", "insomnia"),  # the 谁/睡 typo is read only after 晚上
        ("这个样子正常吗", "wound_itch"),  # 样 is 痒 only after a wound word
        ("我不想吃西药，想试试中药", "poor_appetite"),  # reluctance to take a medicine
        ("不想吃药", "poor_appetite"),
    ],
)
def test_look_alike_is_not_read_as_the_benign_concept(text: str, not_concept: str) -> None:
    assert not_concept not in _now(text)


@pytest.mark.parametrize("text", ["感觉不好"])
def test_unread_look_alikes_still_go_to_a_clinician(text: str) -> None:
    assert followup.unread_clauses(text)


def test_a_neck_said_stiff_with_jiang_is_the_red_flag() -> None:
    # 脖子有点僵 went to a clinician unread; since the lead's probes of 2026-12-07 (sixth) 僵 is a
    # stiff-neck word (as 脖子僵硬 was): the red flag itself reaches the clinician
    assert "stiff_neck" in _now("脖子有点僵")


def test_a_tight_calf_is_read_as_the_calf() -> None:
    # review h5: calf × tightness (symptom_qualities.csv, NICE NG158) is the calf's red flag, so
    # it reaches a clinician as calf_pain_swelling instead of as unread words.
    assert "calf_pain_swelling" in _now("小腿发紧")
    assert symptoms.red_flag("calf_pain_swelling") == "urgent"


# --- discourse: courtesy, questions, relatives, time since discharge -----------------------
@pytest.mark.parametrize(
    "text",
    [
        "好的，知道了",
        "嗯嗯 明白",
        "谢谢你们护士，照顾得很周到",
        "謝謝醫生關心，一切都好",
        "多谢医生，我好返好多",
        "今天天气不错，出去走了走，感觉挺好",
        "俺家老头子这两天挺好",
        "请问阿莫西林饭前吃还是饭后吃",
        "一切都好，啥时候能上班啊",
    ],
)
def test_an_answer_with_nothing_to_judge_is_read(text: str) -> None:
    assert followup.acknowledgement(text)


@pytest.mark.parametrize(
    "text",
    [
        "一会儿就好了",  # a qualifier alone refers to something unnamed
        "好的，知道了，头很晕",  # a symptom is read by its own rule
        "谢谢医生，就是有点怪怪的",
        "请问华法林吃多了怎么办",  # 吃多了: an overdose question is not a care topic
        "可以停药不",  # stopping a medicine is no care topic
        "不吃药",  # 不 is a question only at the end of a clause
    ],
)
def test_an_answer_with_something_unread_is_not_acknowledgement(text: str) -> None:
    assert not followup.acknowledgement(text)


@pytest.mark.parametrize(
    "text",
    ["伤口有点痒，可以洗澡不", "咳了两声，没得痰，要紧不", "伤口痒酥酥的，要得不"],
)
def test_sentence_final_bu_asks_about_the_complaint(text: str) -> None:
    assert followup.unread_clauses(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "我是他女儿，帮我爸问一下，他最近睡眠不好，可以吃点安眠药吗",
        "出院第十天了，一切都好，就是有点累",
        "出院第１０天了，就是有点累",
        "医生，我爸出院后吃饭还行，就是大便有点干，两三天一次",
    ],
)
def test_relatives_and_time_since_discharge_are_read(text: str) -> None:
    assert followup.unread_clauses(text) == []
