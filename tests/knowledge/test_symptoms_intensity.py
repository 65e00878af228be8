"""#23 round 4: mechanisms for fresh patient text, written before their rules.

- Intensity (``symptom_intensity.csv``): a complaint with an intensity or persistence word in its
  clause names the red-flag concept as well (头疼得厉害 → severe_headache, 吐个不停 →
  persistent_vomiting, 鼻血止不住 → heavy_bleeding); a negated intensity (不厉害) does not.
- Homophone tolerance (``symptom_homophones.csv``): a red-flag term of three or more characters
  typed with one character replaced by a character of the same reading (呼吸困南, 口吐白末) still
  names the red flag; the fuzzy reading only ADDS a red-flag concept, never a routine one, never
  removes a reading. Two-character typos seen in the unlabelled corpus (黄胆, 抽畜, 混倒) are
  ``symptom_variants.csv`` rows.
"""

from __future__ import annotations

import pytest

from clinical.knowledge.symptoms import find_symptoms, present


@pytest.mark.parametrize(
    ("concept", "text"),
    [
        ("severe_headache", "头疼得厉害"),
        ("severe_headache", "头痛得要命"),
        ("severe_headache", "頭痛得厲害"),
        ("severe_headache", "头疼得受不了了"),
        ("severe_headache", "头痛难忍"),
        ("severe_headache", "头突然剧烈疼痛"),
        ("severe_headache", "脑袋疼得特别厉害"),
        ("abdominal_pain_severe", "肚子疼得厉害"),
        ("abdominal_pain_severe", "胃痛得受不了"),
        ("abdominal_pain_severe", "腹部剧烈疼痛"),
        ("abdominal_pain_severe", "肚子疼得直打滚"),
        ("abdominal_pain_severe", "小肚子痛得要命"),
        ("abdominal_pain_severe", "胃疼难忍"),
        ("heavy_bleeding", "鼻血止不住"),
        ("heavy_bleeding", "出血不止"),
        ("heavy_bleeding", "牙龈出血一直止不住"),
        ("heavy_bleeding", "流了好多血，止不住"),
        ("persistent_vomiting", "吐个不停"),
        ("persistent_vomiting", "一直在吐"),
        ("persistent_vomiting", "吐得停不下来"),
        ("persistent_vomiting", "吃什么吐什么"),
        ("persistent_vomiting", "喝口水都吐"),
        ("persistent_vomiting", "吐了一整天"),
    ],
)
def test_an_intensity_word_makes_the_red_flag(concept: str, text: str) -> None:
    assert concept in present(text), (text, present(text))


@pytest.mark.parametrize(
    ("kept", "absent", "text"),
    [
        ("headache", "severe_headache", "头有点痛，但不厉害"),
        ("headache", "severe_headache", "头疼得不是很厉害"),
        ("abdominal_pain", "abdominal_pain_severe", "肚子疼得不厉害"),
        ("vomiting", "persistent_vomiting", "吐了一次"),
        ("headache", "severe_headache", "头疼，腿疼得厉害"),
    ],
)
def test_no_intensity_or_a_denied_one_stays_the_plain_complaint(
    kept: str, absent: str, text: str
) -> None:
    got = present(text)
    assert kept in got and absent not in got, (text, got)


def test_a_denied_complaint_is_not_made_severe() -> None:
    assert "severe_headache" not in present("头没有疼得很厉害")
    assert "abdominal_pain_severe" not in present("肚子没有疼得很厉害")


@pytest.mark.parametrize(
    ("concept", "text"),
    [
        ("dyspnea", "最近呼吸困南"),
        ("seizure", "突然倒地口吐白末"),
        ("seizure", "孩子又抽畜了"),
        ("severe_headache", "头疼的厉害"),
        ("jaundice", "医生说有点黄胆"),
        ("syncope", "早上在厕所混倒了"),
        ("confusion", "老人意识不青"),
    ],
)
def test_a_homophone_typo_of_a_red_flag_term_is_read(concept: str, text: str) -> None:
    assert concept in present(text), (text, present(text))


def test_a_homophone_reading_only_adds_red_flags() -> None:
    # 头通 would be a typo of 头痛 (routine): no fuzzy reading for a routine concept.
    assert "headache" not in present("头通")
    # An exact reading is never replaced.
    assert present("胸痛") == ["chest_pain"]
    # A fuzzy red flag is negated like any mention.
    assert all(m.negated for m in find_symptoms("没有呼吸困南") if m.concept == "dyspnea")


@pytest.mark.parametrize(
    "text", ["抽出时间来复查", "医生抽出一管血化验", "他晕车到了北京", "能不能冬泳", "没味道口臭"]
)
def test_a_real_word_is_no_homophone_typo(text: str) -> None:
    got = set(present(text))
    assert not {"seizure", "syncope", "unable_to_bear_weight", "wound_pus"} & got, (text, got)


def test_a_time_word_after_the_throat_is_no_tightness_typo() -> None:
    """symptom_homophones.csv not_typo 今天/今晚/今早/今年 (#15 agent r6, guidance B6-020 and the
    hoarse r6 set): 嗓子今天 is no typo of 嗓子紧, a severe allergic reaction's throat tightness."""
    assert "anaphylaxis" not in present("嗓子今天有点哑")
    assert "anaphylaxis" in present("嗓子紧，喘不上气")


def test_two_character_red_flag_terms_get_no_fuzzy_reading() -> None:
    # 个血压 is no 咯血, 阵子 no 疹子, 复始 no 复视: a typo there is a symptom_variants.csv row.
    for text in ["买了个血压计", "前阵子感冒", "周而复始"]:
        assert not [c for c in present(text) if c in {"hemoptysis", "rash", "diplopia"}], text


@pytest.mark.parametrize(
    ("absent", "text"),
    [
        ("vomiting", "想吐又吐不出来"),  # 吐 with 不出 is no vomiting
        ("heavy_bleeding", "有胃出血，好多年了"),  # 好多 of years, not of blood
        ("heavy_bleeding", "鼻子出了点血，很快就止住了"),
    ],
)
def test_an_intensity_word_of_something_else_makes_no_red_flag(absent: str, text: str) -> None:
    assert absent not in present(text), (text, present(text))


@pytest.mark.parametrize(
    "text", ["一直在吐", "喝口水都吐", "吐得停不下来", "昨晚吐了三次", "孩子又吐了，"]
)
def test_vomiting_alone_without_an_object(text: str) -> None:
    assert "vomiting" in present(text), (text, present(text))


@pytest.mark.parametrize("text", ["口吐白沫", "早上吐痰", "说话吐字不清"])
def test_vomit_with_an_object_is_no_vomiting(text: str) -> None:
    assert "vomiting" not in present(text), (text, present(text))


def test_a_leg_pain_is_not_the_head_named_before_it() -> None:
    got = present("头疼，腿疼得厉害")
    assert "headache" in got and "severe_headache" not in got, got
