"""Matching that generalises (#15 round 2): what patients put inside a term (aspect particles,
quantities, complements, reduplication) and a pain word standing apart from its body site reach
the concept the plain term reaches; words that only contain a pain character do not."""

from __future__ import annotations

import pytest

from clinical.knowledge.symptoms import find_symptoms, present

INSERTED = [
    ("hematemesis", "吐了一口血"),
    ("hematemesis", "吐过1次血"),
    ("hematemesis", "吐了两口血"),
    ("hemoptysis", "咳出来一点血"),
    ("hemoptysis", "咳了两口血"),
    ("melena", "拉了好几次黑便"),
    ("rectal_bleeding", "便了三次血"),
    ("abdominal_pain", "肚子痛痛的"),
    ("abdominal_pain", "胃一阵一阵地痛"),
    ("dizziness", "头晕晕的"),
    ("chest_tightness", "胸口闷了一下午"),
    ("sweating", "出了很多汗"),
]


@pytest.mark.parametrize(("concept", "text"), INSERTED)
def test_inserted_words_keep_the_concept(concept: str, text: str) -> None:
    assert concept in present(text)


SITE_APART = [
    ("abdominal_pain", "胃有点胀，有时后半夜会隐隐痛", "upper_abdomen"),
    ("abdominal_pain", "胃部用手摁下去一直就会痛", "upper_abdomen"),
    ("abdominal_pain", "肝脏的位子除了疼痛感", "right_upper_abdomen"),
    ("back_pain", "腰这几天一动就痛", "lower_back"),
]


@pytest.mark.parametrize(("concept", "text", "site"), SITE_APART)
def test_a_pain_word_apart_takes_the_site_before_it(concept: str, text: str, site: str) -> None:
    hits = [m for m in find_symptoms(text) if m.concept == concept]
    assert hits and hits[-1].site == site and not hits[-1].negated


@pytest.mark.parametrize(
    "text",
    ["我有痛风，想问吃什么", "做了无痛胃镜", "吃了止痛片", "他很痛苦", "胃镜检查后很痛快"],
)
def test_words_that_only_contain_a_pain_character_are_no_pain(text: str) -> None:
    assert not [c for c in present(text) if c.endswith("pain")]


def test_a_site_in_an_earlier_sentence_is_not_taken() -> None:
    assert "abdominal_pain" not in present("胃镜做过了。现在走路腿有点痛")


def test_negation_still_reaches_a_pain_apart_from_its_site() -> None:
    (m,) = [m for m in find_symptoms("吃了药以后腰不痛了") if m.concept == "back_pain"]
    assert m.negated
    assert "hematemesis" not in present("没有吐过血")


def test_the_nearest_site_wins() -> None:
    hits = find_symptoms("胃镜做完以后喉咙一直痛")
    assert [m.concept for m in hits] == ["sore_throat"]


PREDICATES = [
    ("melena", "拉的大便是黑色的"),
    ("rectal_bleeding", "大便里面有时候有血"),
    ("hemoptysis", "痰里有时候带血丝"),
    ("hematemesis", "吐出来的东西有血"),
    ("facial_droop", "嘴角往一边歪"),
    ("chest_tightness", "心口一直很闷"),
    ("chest_tightness", "胸前压得难受"),
]


@pytest.mark.parametrize(("concept", "text"), PREDICATES)
def test_a_subject_with_its_predicate_later_in_the_clause(concept: str, text: str) -> None:
    assert concept in present(text)


@pytest.mark.parametrize(
    ("concept", "text"),
    [
        ("rectal_bleeding", "大便和血常规都正常"),
        ("chest_tightness", "胸口贴了电极量了血压"),
        ("chest_tightness", "胸罩有点紧"),
        ("melena", "大便正常，脸有点黑"),
        ("hemoptysis", "痰是白色的"),
    ],
)
def test_a_predicate_outside_its_clause_or_a_test_name_is_not_one(concept: str, text: str) -> None:
    assert concept not in present(text)


def test_a_denied_predicate_is_negated() -> None:
    (m,) = [m for m in find_symptoms("大便不黑") if m.concept == "melena"]
    assert m.negated


@pytest.mark.parametrize(
    ("concept", "text"),
    [
        ("anaphylaxis", "嘴唇一下子肿起来了"),
        ("anaphylaxis", "舌头有点肿"),
        ("rash", "身上起了一片红疹子"),
        ("hives", "浑身起了好多风团"),
        ("confusion", "人叫不太醒"),
        ("confusion", "整个人迷迷瞪瞪的"),
    ],
)
def test_swelling_rash_and_consciousness_in_patient_words(concept: str, text: str) -> None:
    assert concept in present(text)


@pytest.mark.parametrize("text", ["身上长了个包", "嘴唇有点干", "皮肤有点干"])
def test_a_lump_or_dry_lips_is_no_rash_or_angio_oedema(text: str) -> None:
    assert not {"rash", "hives", "anaphylaxis"} & set(present(text))


@pytest.mark.parametrize(
    ("concept", "text"),
    [
        ("limb_weakness", "右手突然不听使唤"),
        ("limb_weakness", "左边胳膊一下子抬不起来了"),
        ("limb_weakness", "左手拿筷子拿不稳"),
        ("ataxia", "走路往一边偏"),
        ("vision_loss", "看东西少了一半"),
        ("facial_droop", "一边嘴角流口水"),
    ],
)
def test_stroke_signs_in_patient_words(concept: str, text: str) -> None:
    assert concept in present(text)


@pytest.mark.parametrize("text", ["右边胳膊一直麻木", "左侧半身没感觉"])
def test_sided_numbness_is_a_limb_sign(text: str) -> None:
    assert {"limb_numbness", "limb_weakness"} & set(present(text))


@pytest.mark.parametrize("text", ["腿没劲", "这几天浑身没力气", "右边牙痛"])
def test_weakness_without_a_side_is_no_focal_sign(text: str) -> None:
    assert "limb_weakness" not in present(text)
