"""Emergencies told by their look, their consequence, a simile or a 'never this bad' word (#15
task emr8, tests/followup/followup_vignettes_emergency_r8.yaml): the shared lexicon reads them
through its site × quality, term and intensity tables; the look-alikes in the same words stay
unread or read as what they are."""

from __future__ import annotations

import pytest

from clinical.knowledge import symptoms


def _present(text: str) -> set[str]:
    return set(symptoms.present(text))


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        # BE-FAST by the look or the consequence
        ("吃午饭的时候嘴角往一边扯", "facial_droop"),
        ("照镜子看半边脸耷拉下来了", "facial_droop"),
        ("半边脸不会动了", "facial_droop"),
        ("筷子也拿不住了", "limb_weakness"),
        ("说话像嘴里含着东西", "slurred_speech"),
        # fever by touch, confusion by idiom, coffee grounds by simile
        ("上礼拜化疗，今天浑身滚烫", "fever"),
        ("说话驴唇不对马嘴", "confusion"),
        ("吐了一大口，颜色像咖啡渣子", "hematemesis"),
        # the wound, the throat, the foot
        ("刀口突然涌出一大摊淡红色的水", "wound_pink_gush"),
        ("刚才喉咙一紧", "throat_tightness"),
        ("小腿疼，脚背发麻", "limb_numbness"),
        # never this bad, said of other pains than the head
        ("肚子疼得从来没这么厉害过", "abdominal_pain_severe"),
        ("腿从来没这么疼过", "pain_severe"),
        ("从来没这么喘过", "dyspnea_severe"),
    ],
)
def test_the_description_names_its_concept(text: str, concept: str) -> None:
    assert concept in _present(text)


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("嘴角裂了个口子，张嘴扯着疼", "facial_droop"),  # a stretch pain, no deviation
        ("昨天去理发店把头烫了", "fever"),  # a perm: 头 is no body-heat subject
        ("早上喝了杯咖啡，咖啡渣倒了", "hematemesis"),  # real coffee grounds, no simile
        ("手机拿不住，掉地上了", "limb_weakness"),  # a phone is not an object of the row
        ("肚子从来没疼过", "abdominal_pain_severe"),  # a denial, no intensity
    ],
)
def test_the_look_alike_is_not_that_concept(text: str, concept: str) -> None:
    assert concept not in _present(text)
