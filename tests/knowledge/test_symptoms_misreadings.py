"""Misreadings of the shared lexicon found on development text (#15, #23), each with its
paraphrase family (疼/痛, traditional characters, full width, word order). None of these texts
comes from a sealed set."""

from __future__ import annotations

import pytest

from clinical.knowledge import syndromes
from clinical.knowledge.symptoms import find_symptoms, present


def stroke_rule_symptoms() -> list[str]:
    row = next(r for r in syndromes.rules() if r["code"] == "syndrome-stroke-sudden")
    return [s for clause in row["when"] for s in clause.get("symptoms_any", [])]


def _now(text: str) -> set[str]:
    return set(present(text))


# 1. An onset word between a subject and its predicate; sudden one-sided numbness.
@pytest.mark.parametrize(
    "text",
    ["说话突然不清楚", "说话忽然不清楚", "讲话一下子含糊不清", "說話突然不清楚", "突然说话不清楚"],
)
def test_onset_word_inside_slurred_speech(text: str) -> None:
    assert {"slurred_speech", "sudden_onset"} <= _now(text)


@pytest.mark.parametrize(
    "text",
    ["突然一侧手脚发麻", "忽然半边身子发麻", "一下子左边手脚麻木", "突然左手发麻", "突然左手發麻"],
)
def test_sudden_one_sided_numbness_reaches_the_stroke_rule(text: str) -> None:
    # 中风120 "一侧肢体无力或麻木" / BE-FAST: one-sided numbness of sudden onset is a stroke
    # sign; the sudden-onset stroke rule (syndromes.yaml syndrome-stroke-sudden) lists
    # limb_numbness, and a one-sided "手脚发麻" is read as one-sided weakness/numbness.
    found = _now(text)
    assert "sudden_onset" in found
    assert found & {"limb_numbness", "limb_weakness"}
    assert {"limb_numbness"} <= set(stroke_rule_symptoms())


# 2. A denial in one clause does not leak its site into the next one.
@pytest.mark.parametrize(
    "text",
    [
        "胸口不疼，左胳膊一直疼",
        "胸口不痛，左胳膊一直痛",
        "胸口不疼。左胳膊一直疼",
        "胸口不疼,左胳膊一直疼",
        "胸口不疼，左手臂一直疼",
        "左胳膊一直疼，胸口不疼",
        "胸口沒有疼，左胳膊一直疼",
    ],
)
def test_denied_chest_pain_does_not_leak_into_the_arm_clause(text: str) -> None:
    found = _now(text)
    assert "chest_pain" not in found
    assert "arm_pain" in found


def test_a_bare_pain_after_a_denied_site_is_kept_as_pain() -> None:
    # Never dropped (what is not understood is not benign), never the denied site's pain.
    found = _now("胸口不疼，就是一直疼")
    assert "chest_pain" not in found and "pain" in found


def test_a_bare_pain_still_takes_its_site_across_a_clause() -> None:
    assert "abdominal_pain" in _now("胃有点胀，后半夜会隐隐痛")
    assert "chest_pain" in _now("胸口闷，有时候也会痛")


# 3. 烧 is fever only in a fever sense.
@pytest.mark.parametrize(
    "text",
    [
        "嗓子有点烧",
        "喉咙有点烧",
        "嗓子烧得慌",
        "嗓子有點燒",
        "胸口有点烧",
        "有点烧灼感",
        "有點燒灼感",
    ],
)
def test_burning_is_not_fever(text: str) -> None:
    assert "fever" not in _now(text)


@pytest.mark.parametrize("text", ["嗓子有点烧", "喉咙有点烧", "嗓子烧得慌"])
def test_throat_burning_is_a_throat_complaint(text: str) -> None:
    assert "sore_throat" in _now(text)


def test_chest_burning_is_heartburn() -> None:
    assert "heartburn" in _now("胸口有点烧")


@pytest.mark.parametrize("text", ["有点烧", "发烧", "烧到38度", "嗓子疼，有点烧", "有點燒"])
def test_fever_sense_of_burning_stays_fever(text: str) -> None:
    assert "fever" in _now(text)


# 4. 起皮疹 is a rash, not dry skin.
@pytest.mark.parametrize("text", ["身上起皮疹", "皮肤起皮疹", "身上起皮疹了", "身上起皮疹，很痒"])
def test_skin_rash_is_not_dry_skin(text: str) -> None:
    found = _now(text)
    assert "rash" in found and "dry_skin" not in found


def test_peeling_skin_stays_dry_skin() -> None:
    assert "dry_skin" in _now("皮肤起皮")


# 5. Spreading wound redness.
@pytest.mark.parametrize(
    "text",
    [
        "伤口红肿范围越来越大",
        "伤口红肿扩散",
        "伤口红肿在蔓延",
        "刀口红肿在扩散",
        "傷口紅腫範圍越來越大",
        "伤口发红越来越大",
        "切口周围发红范围越来越大",
    ],
)
def test_spreading_wound_redness(text: str) -> None:
    assert "wound_redness_spreading" in _now(text)


def test_wound_redness_alone_is_not_spreading() -> None:
    assert "wound_redness_spreading" not in _now("伤口有点红肿")


# 6. Past history and general questions are not a complaint now.
@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("以前脑出血", "bleeding"),
        ("我以前胃出血过", "bleeding"),
        ("去年胃出血", "bleeding"),
        ("去年胃出血住过院", "bleeding"),
        ("有胃出血病史", "bleeding"),
        ("有脑出血的病史", "bleeding"),
        ("得过脑出血", "bleeding"),
        ("以前胸口疼过", "chest_pain"),
        ("黄疸型肝炎", "jaundice"),
        ("黄疸性肝炎治好了", "jaundice"),
        ("癫痫发作会遗传吗", "seizure"),
        ("癫痫发作会不会遗传给孩子", "seizure"),
    ],
)
def test_history_and_general_questions_are_not_now(text: str, concept: str) -> None:
    assert concept not in _now(text)
    assert any(m.concept == concept for m in find_symptoms(text)) or concept == "jaundice"


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("以前胃出血过，今天又拉黑便", "melena"),
        ("以前胃出血过今天又拉黑便", "melena"),
        ("去年脑出血，现在说话不清楚", "slurred_speech"),
        ("比以前胸口更疼了", "chest_pain"),
        ("睡觉以前头疼", "headache"),
        ("有过敏史，今天起皮疹", "rash"),
        ("癫痫又发作了", "seizure"),
        ("我胸口疼，会是心梗吗", "chest_pain"),
    ],
)
def test_history_does_not_erase_a_current_complaint(text: str, concept: str) -> None:
    assert concept in _now(text)


@pytest.mark.parametrize("text", ["以前想过自杀", "去年吞过一整瓶安眠药", "以前割过手腕"])
def test_a_crisis_in_the_past_is_never_set_aside_as_history(text: str) -> None:
    """Past ideation or an attempt is the strongest risk factor (WHO Preventing suicide 2014;
    C-SSRS lifetime items): the history reading that sets other symptoms aside does not apply."""
    found = [m for m in find_symptoms(text) if m.concept in ("suicidal", "overdose_intent")]
    assert found and not any(m.negated or m.past for m in found), found


# Merge review (round 3): "cannot pass it" with no subject names neither stool nor urine, and
# acute urinary retention is an emergency after surgery: the bare words are never constipation.
@pytest.mark.parametrize(
    "text",
    [
        "憋得难受，一滴尿都解不出来",
        "小便解不出来",
        "尿解不出来",
        "小便解不出來",
        "一滴尿都解不出来",
    ],
)
def test_urine_that_cannot_be_passed_is_retention_not_constipation(text: str) -> None:
    found = _now(text)
    assert "urinary_retention" in found
    assert "constipation" not in found


@pytest.mark.parametrize("text", ["解不出来", "屙唔出", "解不下来"])
def test_cannot_pass_without_a_subject_is_left_for_a_clinician(text: str) -> None:
    assert _now(text) == set()


@pytest.mark.parametrize("text", ["大便解不出来", "大便拉不出来", "屙屎唔出", "大便解不出來"])
def test_stool_that_cannot_be_passed_is_constipation(text: str) -> None:
    assert "constipation" in _now(text)


# Merge review (round 3): a blister is "上火" only on the lips; on a foot (diabetic foot) or by a
# wound it is not internal heat, and stays for a clinician.
@pytest.mark.parametrize("text", ["伤口旁边起了个泡", "脚上起了个泡", "脚底起了个水泡"])
def test_a_blister_off_the_mouth_is_not_internal_heat(text: str) -> None:
    assert "internal_heat" not in _now(text)


@pytest.mark.parametrize("text", ["嘴上起了个泡", "嘴角起泡", "嘴唇起泡"])
def test_a_blister_on_the_lips_is_a_mouth_complaint(text: str) -> None:
    assert _now(text) & {"internal_heat", "mouth_ulcers"}


# Merge review (round 3): 荨麻疹 was the generic "allergy" concept (level none) because an older
# row came first; it is hives (the anaphylaxis rules' skin feature).
@pytest.mark.parametrize("text", ["荨麻疹", "起了荨麻疹", "身上出荨麻疹了", "蕁麻疹"])
def test_urticaria_is_hives(text: str) -> None:
    assert "hives" in _now(text)
