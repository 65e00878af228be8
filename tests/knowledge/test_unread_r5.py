"""Round 5 of #15 (benign over-triage): the shared reader understands ordinary words of the
development cases (guidance_vignettes_benign_r4.yaml, follow-up r3/r4 controls) without
lowering a red flag or reading unknown words as benign. One behaviour per test: each benign
reading, and beside it the look-alike that must still be read as a danger or stay unread."""

from __future__ import annotations

import pytest

from clinical.knowledge import symptoms, unread


def _present(text: str) -> set[str]:
    return {m.concept for m in symptoms.find_symptoms(text) if not m.negated}


def _unread(text: str) -> list[str]:
    return [u.words for u in unread.unread(text)]


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("扁桃体好像有点肿", "sore_throat"),  # a hedge inside a term
        ("好像有点胸痛", "chest_pain"),  # a hedge never drops a red flag
        ("嗓子哑了还有点干疼", "sore_throat"),  # a dry pain standing apart takes the throat
        ("牙龈上火肿痛", "toothache"),
        ("刷牙的时候出了点血", "minor_bleeding"),  # gums bleeding on brushing
        ("手掌擦破了点皮", "abrasion"),
        ("晚上起来小便两次", "polyuria"),  # nocturia, read as 起夜 is
        ("睡觉把腿压麻了", "limb_numbness"),
        ("吃坏肚子了，拉了几次", "diarrhea"),
        ("今天拉了3次", "diarrhea"),
        ("今天拉了三次肚子，稀的", "diarrhea"),  # a loose stool word standing apart
    ],
)
def test_ordinary_words_are_read_as_their_concept(text: str, concept: str) -> None:
    assert concept in _present(text)


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("刷牙的时候吐出来的都是血", "hematemesis"),  # vomited blood is not gum bleeding
        ("拉了两次血", "rectal_bleeding"),  # an object after 拉: its own term
        ("拉了两次黑便", "melena"),
        ("突然左手发麻", "limb_numbness"),
        ("脸肿了", "facial_swelling"),  # a face word with a complaint is no reassurance
    ],
)
def test_red_flag_look_alikes_keep_their_reading(text: str, concept: str) -> None:
    assert concept in _present(text)


@pytest.mark.parametrize("text", ["拉了1次", "牙疼，肿得厉害", "肚子疼，稀的", "吐出来的东西稀的"])
def test_what_is_not_read_stays_for_a_clinician(text: str) -> None:
    assert _unread(text)


def test_several_stools_are_diarrhoea() -> None:
    """Merge decision (h-benign × h-noticed): 拉了好几次大便 (several stools, 好几 ≥ 3) is read as
    diarrhoea by the count reader of noticed r2 (WHO: three or more stools a day, or more often
    than usual), no longer left for a clinician."""
    assert "diarrhea" in _present("拉了好几次大便")
    assert not _unread("拉了好几次大便")


@pytest.mark.parametrize(
    "text",
    [
        "我爸牙疼了两天，脸不肿",  # a body word of a row without a pain concept, said to be fine
        "抱孩子抱得腰酸背痛",  # 得: the verb that brought the complaint on
        "今天搬家，累死了",  # 死 as a degree word of the complaint itself
        "牙疼，左边下面的大牙，吃甜的冷的就疼，已经约了下周去看牙医",  # where, what provokes, a visit
        "摔了一跤，手掌擦破了点皮，走路没问题，哪儿都不疼",
        "睡觉把腿压麻了，活动一下就好了",
        "膝盖老毛病了，阴天下雨就疼",  # the site alone, its pain in the next clause
    ],
)
def test_benign_messages_are_understood(text: str) -> None:
    assert _unread(text) == []


@pytest.mark.parametrize(
    ("text", "left"),
    [
        ("肚子胀，要死了", "要死了"),  # 死 apart from every complaint
        ("头疼，左边的胳膊", "左边的胳膊"),  # a body word no complaint names is not "where"
        ("摔得腿疼", "摔"),  # an injury word is never a circumstance, 得 or not
        ("耳朵不太对劲", "耳朵不太对劲"),  # a body word with no reassurance after it
        ("腿，疼得打滚", "疼得打滚"),  # an intensity word across clauses: for a clinician
    ],
)
def test_look_alikes_still_go_to_a_clinician(text: str, left: str) -> None:
    assert left in _unread(text)


@pytest.mark.parametrize("text", ["这两天肚子绷得紧紧的还发烧", "腿绷得紧紧的还发烧"])
def test_a_lead_naming_the_body_is_no_circumstance(text: str) -> None:
    """Merge fix: 得 as a circumstance marker (抱孩子抱得腰酸背痛) must not turn words about a
    body part before a complaint into "what the patient did" (a tense belly with fever in
    cirrhosis: tests/followup/followup_vignettes_bodily_r2.yaml br-d-cirrhosis-belly-tight)."""
    assert _unread(text)
