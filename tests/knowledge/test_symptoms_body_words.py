"""A body word is read as one word (review h5 item 1): a symptom term or site pattern may not
start inside a longer body word of another region (小腿肚子硬邦邦 is the calf, not the belly;
手指头疼 is no headache; 脚背疼 is no back pain), and a hardness word takes the site it follows
(symptom_qualities.csv). Each with a paraphrase family; none of these texts comes from a
sealed set."""

from __future__ import annotations

import pytest

from clinical.followup.services import lexicon
from clinical.knowledge.symptoms import present


def _now(text: str) -> set[str]:
    return set(present(text))


# A hard, tense calf is a DVT sign (NICE NG158; 外科学(第9版) 下肢深静脉血栓形成), never
# abdominal rigidity.
@pytest.mark.parametrize(
    "text",
    [
        "小腿肚子硬邦邦的",
        "腿肚子硬邦邦的",
        "小腿肚子發硬",
        "腿肚子发硬",
        "左腿小腿肚子硬硬的，有点肿",
        "腿肚子像木板一样硬",
        "小腿硬邦邦的",
        "小腿有点发硬",
        "小腿肚子发紧",
        "小腿肚\u200b子硬邦邦",
        "ｘ小腿肚子硬邦邦",
    ],
)
def test_hard_calf_is_the_calf_not_peritonism(text: str) -> None:
    found = _now(text)
    assert "peritonism" not in found
    assert "wound_induration" not in found
    assert "calf_pain_swelling" in found


# A hard belly, at any abdominal site, stays abdominal rigidity (外科学(第9版) 腹膜炎: 腹肌紧张,
# 板状腹); 硬硬的 after the belly is no wound induration.
@pytest.mark.parametrize(
    "text",
    [
        "肚子硬邦邦的",
        "小肚子硬邦邦",
        "肚子硬硬的",
        "下腹硬邦邦",
        "右下腹发硬",
        "肚子板硬",
        "腹部硬邦邦",
        "肚子有点发硬",
    ],
)
def test_hard_belly_is_peritonism(text: str) -> None:
    found = _now(text)
    assert "peritonism" in found
    assert "wound_induration" not in found


# Words ending in a site word of another region: no headache, no back pain, no dry mouth.
@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("手指头疼", "headache"),
        ("手指头痛", "headache"),
        ("脚趾头疼", "headache"),
        ("舌头疼", "headache"),
        ("骨头疼", "headache"),
        ("乳头疼", "headache"),
        ("脚背疼", "back_pain"),
        ("手背疼", "back_pain"),
        ("伤口干", "dry_mouth"),
    ],
)
def test_no_reading_starts_inside_a_body_word(text: str, wrong: str) -> None:
    assert wrong not in _now(text)
    # what is not read goes to a clinician, never dropped as benign
    assert lexicon.unread_clauses(text) or _now(text)


# A hardness word after another body word is not a wound's (硬硬的 alone is the wound's).
@pytest.mark.parametrize("text", ["胳膊硬硬的", "胸口像木板一样硬", "肩膀硬邦邦的", "屁股发硬"])
def test_hardness_after_another_body_word_goes_to_a_clinician(text: str) -> None:
    found = _now(text)
    assert not found & {"wound_induration", "peritonism"}
    assert lexicon.unread_clauses(text)


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("伤口硬硬的", "wound_induration"),
        ("刀口发硬", "wound_induration"),
        ("脖子硬邦邦", "stiff_neck"),
        ("腿肚子疼", "calf_pain_swelling"),
        ("小腿肚子疼", "calf_pain_swelling"),
        ("小腿肚子抽筋", "muscle_cramp"),
        ("额头疼", "headache"),
        ("头疼", "headache"),
        ("后背疼", "back_pain"),
        ("脚背肿", "leg_edema"),
        ("口干", "dry_mouth"),
        ("肚子胀得硬邦邦", "abdominal_distension"),
        ("膝盖有点僵硬", "joint_stiffness"),
    ],
)
def test_body_words_still_read(text: str, concept: str) -> None:
    assert concept in _now(text)
