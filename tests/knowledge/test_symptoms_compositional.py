"""Mechanisms of #23 round 3 that read patient words compositionally instead of listing each
compound: site × quality (symptom_qualities.csv), a predicate before its subject, the nearest
subject owning a predicate, misspellings of symptom words (symptom_variants.csv), blocker words
(symptom_blockers.csv), and words patients put inside terms (什么, 极其)."""

from __future__ import annotations

import pytest

from clinical.knowledge.symptoms import find_symptoms, present


@pytest.mark.parametrize(
    ("concepts", "text"),
    [
        ({"bloating"}, "胃有点胀"),
        ({"bloating"}, "小肚子老是发胀"),
        ({"abdominal_pain", "bloating"}, "胃胀痛"),
        ({"abdominal_pain", "bloating"}, "腹部胀痛好几天了"),
        ({"heartburn"}, "胃有点烧"),
        ({"facial_swelling"}, "脸部浮肿"),
        ({"facial_swelling"}, "眼皮肿了"),
        ({"leg_edema"}, "两条腿都浮肿"),
        ({"cold_extremities"}, "四肢不温"),
        ({"cold_extremities"}, "手脚冷"),
        ({"body_ache"}, "浑身发疼"),
        ({"chest_tightness"}, "胸口有收缩感"),
        ({"chest_tightness"}, "感觉心脏很重很重"),
    ],
)
def test_a_site_with_a_quality_names_the_concept(concepts: set[str], text: str) -> None:
    assert concepts <= set(present(text))


def test_a_swollen_throat_is_pharyngitis_but_a_swollen_larynx_stays_anaphylaxis() -> None:
    assert present("嗓子有点肿") == ["sore_throat"]
    assert "anaphylaxis" not in present("嗓子肿了两天")
    assert "anaphylaxis" in present("吃了药喉咙肿")


def test_a_stomach_oedema_finding_is_no_leg_oedema() -> None:
    assert "leg_edema" not in present("胃镜说胃浮肿")
    assert present("脸部浮肿") == ["facial_swelling"]


@pytest.mark.parametrize(
    ("concept", "text"),
    [
        ("hemoptysis", "今天吐出了带血丝的痰"),
        ("melena", "拉了黑色的大便"),
        ("hematemesis", "吐出咖啡色的呕吐物"),
    ],
)
def test_a_predicate_before_its_subject(concept: str, text: str) -> None:
    assert concept in present(text)


def test_a_predicate_after_a_skin_word_is_the_skin_s() -> None:
    # 下垂 belongs to the skin (肌肤), not to the face as a droop.
    assert "facial_droop" not in present("我的脸部肌肤非常松弛下垂")
    assert "facial_droop" in present("一边脸往下耷拉")


@pytest.mark.parametrize(
    ("concept", "text"),
    [
        ("jaundice", "脸色老是很黄"),
        ("minor_bleeding", "鼻子早上有血"),
        ("seizure", "癫痫症状2个月发作两次"),
        ("seizure", "左侧身体抽"),
        ("cyanosis", "面色青紫"),
        ("limb_numbness", "右手和脚感觉有点麻"),
        ("slurred_speech", "讲话含糊不清"),
        ("slurred_speech", "他讲话时有点大舌头"),
        ("chest_tightness", "胸口像压了块石头"),
        ("limb_weakness", "一侧手脚不灵活"),
        ("petechiae", "身上有紫斑"),
    ],
)
def test_new_subject_predicate_rows(concept: str, text: str) -> None:
    assert concept in present(text)


@pytest.mark.parametrize(
    ("concept", "text"),
    [("dyspnea", "呼息有点困难"), ("pleuritic_pain", "一呼息痛"), ("bloating", "干呕涨肚")],
)
def test_misspelt_symptom_words(concept: str, text: str) -> None:
    assert concept in present(text)


def test_a_misspelling_keeps_the_span_on_the_original_text() -> None:
    text = "我呼息有点困难"
    (m,) = find_symptoms(text)
    assert text[m.span[0] : m.span[1]] == "呼息有点困难"


@pytest.mark.parametrize(
    "text", ["去医院抽血化验", "孩子有抽动症", "右手很麻烦", "做了麻醉", "爱吃麻辣烫"]
)
def test_blocker_words_name_nothing(text: str) -> None:
    assert not {"seizure", "limb_numbness", "limb_weakness"} & set(present(text))


def test_a_disorder_blocker_leaves_its_symptoms() -> None:
    # 抽动症 (tic disorder) names no seizure, but 抽动症状 are the symptoms themselves.
    assert "seizure" not in present("孩子有抽动症")
    assert "seizure" in present("四肢也再次出现抽动症状")


@pytest.mark.parametrize(
    ("concept", "text"),
    [
        ("fatigue", "老是没什么力气"),
        ("poor_appetite", "没什么胃口"),
        ("menstrual_change", "月经极其不规律"),
        ("nausea", "经常干呕"),
        ("syncope", "突然意识丧失"),
        ("weight_change", "身体消瘦"),
        ("sweating", "总出虚汗"),
    ],
)
def test_colloquial_forms_of_round_3(concept: str, text: str) -> None:
    assert concept in present(text)


def test_one_numb_hand_is_numbness_and_one_numb_side_is_a_stroke_sign() -> None:
    # NICE CKS Carpal tunnel: one numb hand is usually peripheral (limb_numbness; sudden onset
    # makes it a stroke sign through syndromes.yaml); a numb half body is limb_weakness.
    assert "limb_weakness" not in present("左手发麻")
    assert "limb_numbness" in present("左手发麻")
    assert "limb_weakness" in present("左手左脚发麻")
    assert "limb_weakness" in present("半边身子麻")


def test_negation_still_reads_through_a_quality() -> None:
    assert "bloating" not in present("胃不胀")
    assert "facial_swelling" not in present("脸没有肿")


def test_a_distension_word_alone_takes_the_abdominal_site_before_it() -> None:
    assert "bloating" in present("我胃病，又胀。")
    assert "bloating" in present("胃有点不舒服，吃完饭就胀")
    # only an abdominal site: a swollen-feeling head is no bloating
    assert "bloating" not in present("脑袋发胀")
    assert "bloating" not in present("膨胀")
