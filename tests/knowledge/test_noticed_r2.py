"""Defects noticed in earlier sessions, round 2 (#15, #23), each with look-alikes that must NOT
change. Written before the fixes, from clinical knowledge and the way patients write; no text
comes from a sealed set. Follow-up dispositions of the same items:
tests/followup/followup_vignettes_noticed.yaml (ids ``nt2-``); guidance (loperamide):
tests/medkb/test_medkb_noticed_r2.py.

1. fentanyl (芬太尼, 芬太尼贴, 多瑞吉) is a known ingredient: a strong opioid, prescription only;
2. counts given as ranges (拉了七八次, 吐了三四回, 一天拉十来次) are counts of a complaint;
3. 肚子里头痛 is abdominal pain (头痛 inside 里头痛 is no headache);
4. 肚子浮肿 / 肚子胀大 is abdominal distension, not leg oedema;
5. worry words (担心, 忧心, 发愁) are no symptom and leave nothing unread;
6. a general question about epilepsy is a question for the care team, not a seizure;
7. 嘴巴麻 is peri-oral tingling, not one-sided weakness;
8. 伤口没有感染吧 (a worried question) is no denial: it stays words for a clinician;
11. 胸口不舒服, 手脚抽搐, 眼睛看不见了, 伤口血止不住 are read at their level.
(9, loperamide, is guidance; 10, the dehydrated infant, a follow-up syndrome.)
"""

from __future__ import annotations

import pytest

from clinical.knowledge import drugs as kd
from clinical.knowledge import unread
from clinical.knowledge.symptoms import present


def _now(text: str) -> set[str]:
    return set(present(text))


def _unread(text: str) -> list[str]:
    return [u.words for u in unread.unread(text)]


# --------------------------------------------------------------------------- 1. fentanyl


@pytest.mark.parametrize("name", ["芬太尼", "芬太尼贴", "芬太尼透皮贴剂", "多瑞吉", "枸橼酸芬太尼"])
def test_fentanyl_is_one_known_ingredient(name: str) -> None:
    assert kd.resolve(name) == ("fentanyl",)


def test_fentanyl_is_a_prescription_only_opioid_without_a_self_care_dose() -> None:
    ing = kd.ingredient("fentanyl")
    assert ing is not None and ing.rx_only
    assert kd.is_a("fentanyl", "opioid") and kd.is_a("fentanyl", "cns_depressant")
    assert ing.otc_max_single_mg is None and ing.otc_max_daily_mg is None
    assert not kd.max_dose("fentanyl", "otc").known


def test_a_fentanyl_patch_in_a_sentence_is_named() -> None:
    assert "fentanyl" in kd.ingredient_mentions("我爸一直贴着芬太尼贴止痛")


# --------------------------------------------------------------------------- 2. counts


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("今天拉了七八次", "diarrhea"),
        ("拉了五次了", "diarrhea"),
        ("一天拉十来次", "diarrhea"),
        ("昨天吐了三四回", "vomiting"),
        ("一天吐了十来次", "vomiting"),
    ],
)
def test_a_count_of_a_complaint_is_that_complaint(text: str, concept: str) -> None:
    assert concept in _now(text)
    assert _unread(text) == []


@pytest.mark.parametrize("text", ["今天拉了一次，大便成形", "拉了两次窗帘"])
def test_a_single_or_ordinary_pull_is_no_diarrhoea(text: str) -> None:
    assert "diarrhea" not in _now(text)


# --------------------------------------------------------------------------- 3. 肚子里头痛


@pytest.mark.parametrize("text", ["肚子里头痛", "肚子里头疼得厉害", "我肚子里头一阵一阵地痛"])
def test_pain_inside_the_belly_is_abdominal_pain(text: str) -> None:
    found = _now(text)
    assert "abdominal_pain" in found or "abdominal_pain_severe" in found
    assert not found & {"headache", "severe_headache"}


@pytest.mark.parametrize("text", ["头痛", "今天头疼得厉害", "脑袋里头痛"])
def test_a_headache_stays_a_headache(text: str) -> None:
    assert _now(text) & {"headache", "severe_headache"}


# --------------------------------------------------------------------------- 4. swollen belly


@pytest.mark.parametrize("text", ["肚子浮肿", "这几天肚子胀大了", "肚子肿起来了"])
def test_a_swollen_belly_is_abdominal_distension_not_leg_oedema(text: str) -> None:
    found = _now(text)
    assert "abdominal_distension" in found
    assert "leg_edema" not in found


@pytest.mark.parametrize("text", ["腿浮肿", "两只脚都肿了", "小腿浮肿"])
def test_swollen_legs_stay_leg_oedema(text: str) -> None:
    assert "leg_edema" in _now(text)


def test_a_bloated_belly_stays_bloating() -> None:
    assert "bloating" in _now("肚子有点胀")
    assert "abdominal_distension" not in _now("肚子有点胀")


# --------------------------------------------------------------------------- 5. worry words


@pytest.mark.parametrize("text", ["担心", "我很担心", "有点忧心", "家里人都在发愁", "挺担心的"])
def test_a_worry_word_is_no_symptom_and_nothing_unread(text: str) -> None:
    assert _now(text) == set()
    assert _unread(text) == []


def test_worry_beside_a_complaint_leaves_only_the_complaint() -> None:
    text = "我很担心，伤口在流脓"
    assert "wound_pus" in _now(text)
    assert _unread(text) == []


@pytest.mark.parametrize(
    ("text", "concepts"),
    [("焦虑得睡不着", {"anxiety", "insomnia"}), ("担心得睡不着", {"insomnia"})],
)
def test_anxiety_and_sleeplessness_stay_what_they_are(text: str, concepts: set[str]) -> None:
    assert concepts <= _now(text)


# --------------------------------------------------------------------------- 6. epilepsy


@pytest.mark.parametrize("text", ["癫痫会不会遗传", "癫痫病人能吃这个药吗", "癫痫会遗传给孩子吗"])
def test_a_general_question_about_epilepsy_is_a_question_not_a_seizure(text: str) -> None:
    assert "seizure" not in _now(text)
    assert _unread(text) == []


@pytest.mark.parametrize("text", ["今天癫痫又发作了", "癫痫发作了，抽了五分钟"])
def test_a_seizure_now_stays_a_seizure(text: str) -> None:
    assert "seizure" in _now(text)


# --------------------------------------------------------------------------- 7. numb mouth


@pytest.mark.parametrize("text", ["嘴巴麻", "嘴巴发麻", "嘴巴有点麻麻的", "嘴唇麻"])
def test_a_numb_mouth_is_perioral_tingling_not_weakness(text: str) -> None:
    found = _now(text)
    assert "perioral_tingling" in found
    assert "limb_weakness" not in found


@pytest.mark.parametrize(
    "text", ["半边脸发麻", "左手左脚发麻", "嘴巴歪了", "左边嘴巴发麻", "右边嘴麻"]
)
def test_one_sided_signs_stay_stroke_signs(text: str) -> None:
    assert _now(text) & {"limb_weakness", "facial_droop"}


# --------------------------------------------------------------------------- 8. worried question


@pytest.mark.parametrize("text", ["伤口没有感染吧", "伤口没有感染吧？", "刀口没发炎吧"])
def test_a_worried_question_about_infection_is_no_denial(text: str) -> None:
    assert "wound_pus" not in _now(text)
    assert _unread(text), "a worried question stays words for a clinician"


@pytest.mark.parametrize("text", ["伤口没有感染", "伤口没有感染，挺好的"])
def test_a_plain_denial_of_infection_stays_a_denial(text: str) -> None:
    assert "wound_pus" not in _now(text)
    assert _unread(text) == []


# --------------------------------------------------------------------------- 11. red-flag words


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("胸口不舒服", "chest_tightness"),
        ("手脚抽搐", "seizure"),
        ("手脚抽搐", "tetany"),
        ("眼睛看不见了", "vision_loss"),
        ("伤口血止不住", "heavy_bleeding"),
    ],
)
def test_red_flag_words_are_read_at_their_level(text: str, concept: str) -> None:
    assert concept in _now(text)
