"""#15 round 4 (guidance over-triage): what people say around an everyday complaint when they ask
a pharmacist is read by the shared layer (clinical/knowledge/discourse.py, unread.py and
data/discourse.yaml), and the look-alikes that carry a danger stay unread (for a clinician)."""

from __future__ import annotations

import pytest

from clinical.knowledge import discourse, symptoms, unread


def _unread(text: str) -> list[str]:
    return [u.words for u in unread.unread(text)]


@pytest.mark.parametrize(
    "text",
    [
        "头疼，前天淋了雨",  # a circumstance beside a complaint
        "嗓子疼，昨天开会讲了一天话",
        "大腿酸痛，前天健身练腿练猛了",
        "打喷嚏，家里养了猫以后",
        "嗓子疼，家里有白加黑",  # medicine talk beside a complaint
        "头疼，以前吃泰诺林就管用",
        "发烧38.5度，吃了退烧药就退",
        "头疼，想先吃片止痛药",
        "肚子疼，家里有芬必得",  # an NSAID the patient has, not one taken
        "发烧38度，能吃能玩",  # how the child still manages
        "腰疼，腿不麻",  # a body site that is fine
        "头疼，老毛病了",  # the usual course
        "拉肚子，我是孩子妈妈",
        "头疼，我妈今年55，她平时身体挺好的",
        "大腿酸痛，下楼梯都疼",  # the same pain said again
        "牙疼了两天，他说晚上疼得睡不好",
    ],
)
def test_everyday_words_beside_a_complaint_are_read(text: str) -> None:
    assert _unread(text) == [], text


@pytest.mark.parametrize(
    "text",
    [
        "泰诺林一次吃几片",  # a question about a medicine is read alone too
        "白加黑多少钱一盒",
        "乳果糖一次喝多少",
        "开瑞坦和仙特明哪个好",
        "奥美拉唑能不能长期吃",
        "有什么止痒的",
    ],
)
def test_a_question_about_a_medicine_is_a_care_question(text: str) -> None:
    assert discourse.care_question(text), text
    assert _unread(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "前天淋了雨",  # a circumstance alone refers to something unseen
        "家里有白加黑",
        "头疼，昨天跟人打架了",  # injury words are never a circumstance
        "头疼，被门夹了",  # (被狗咬了 is animal_bite since 2026-12-07 seventh)
        "肚子疼，昨晚喝多了",
        "头疼，对青霉素过敏",
        "腿疼，吃了3片泰诺林",  # an amount of tablets
        "头疼，吃了一瓶泰诺林",
        "头疼，吃了布洛芬也没用",  # a medicine that failed
        "头疼，吃错药了",
        "头疼，我吃着华法林",  # a medicine a syndrome rule names: for a clinician
        "肚子疼，以前吃布洛芬就管用",
        "肚子有点胀，走路有点疼",  # a pain of another complaint's site
        "头疼，今天更厉害了",  # a worsening course is no usual course
    ],
)
def test_look_alikes_stay_unread(text: str) -> None:
    assert _unread(text), text


def test_a_body_site_is_fine_only_with_words_that_say_so() -> None:
    assert discourse.reassuring("膝盖没事") and discourse.reassuring("腿不麻")
    assert not discourse.reassuring("膝盖不正常")
    assert not discourse.reassuring("膝盖")


def test_a_pain_said_again_with_an_intensity_keeps_its_red_flag() -> None:
    text = "肚子疼，疼得打滚"
    assert "abdominal_pain_severe" in symptoms.present(text)
    assert _unread(text) == ["疼得打滚"]


def test_mouth_breathing_with_a_blocked_nose_is_no_breathlessness() -> None:
    assert symptoms.present("晚上睡觉只能张着嘴喘气") == ["nasal_congestion"]
    for text in ("喘不上气", "走几步就喘", "喘得厉害"):
        assert "dyspnea" in symptoms.present(text), text


def test_the_red_flags_the_set_exposed_are_read() -> None:
    assert "petechiae" in symptoms.present("身上起了一些紫红色的小点点，用杯子压着也不褪色")
    assert "drowsiness" in symptoms.present("孩子一直昏睡，叫他也不太理人")
    thunderclap = "下午突然头疼，像被人用锤子砸了一下，这辈子没这么疼过"
    assert "severe_headache" in symptoms.present(thunderclap)
    assert "rectal_bleeding" in symptoms.present("拉肚子，今天拉出来带血和黏液")


def test_a_degree_word_with_me_is_no_question() -> None:
    # 么 asks (能行么) but 这么/那么 say how much: "这辈子没这么疼过" is no question about the headache
    assert _unread("头疼，这辈子没这么疼过") == ["这辈子没这么疼过"]


def test_a_wound_weeping_clear_fluid_is_no_runny_nose() -> None:
    assert "runny_nose" not in symptoms.present("伤口流清水")
    assert "runny_nose" in symptoms.present("流清水鼻涕")
