"""The lead's probes (#15), session of 2026-12-07 (sixth): a numb leg, bladder and bowel not held,
a neck said stiff with 僵, rebound tenderness.

- 腿麻, 腿有点麻, 胳膊麻 were unread while 腿发麻 was limb numbness; 麻利 (nimble: 腿脚还挺麻利,
  手麻利) was read as numbness. A leg or an arm with 麻 is ``limb_numbness``; 麻利 never is.
- 大小便控制不住了 (the object before the verb) was unread; it is ``incontinence`` as
  控制不住大小便 is.
- Back pain with new incontinence and a numb or weak leg is cauda equina until an MRI says
  otherwise (GIRFT National suspected cauda equina syndrome pathway 2023; NICE CKS Sciatica 2024):
  腰疼，腿麻，大小便控制不住了 was urgent.
- 脖子后面僵 (a neck said stiff with 僵) was unread: with fever and headache it is meningism
  (NICE NG240 2024): it was urgent.
- Pain worse when the hand is let go (按下去再松手更疼: rebound tenderness) is
  ``rebound_tenderness`` (urgent; 诊断学 第9版 腹膜刺激征): with severe abdominal pain the peritonitis
  emergency (it was urgent); with ordinary pain it stays urgent (appendicitis: same day; the
  development row gp-rlq-release).

Twins: nimble legs, a leg numb from sitting, incontinence without back pain, a neck stiff from
sleeping without fever, pain when pressed only.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.knowledge import symptoms
from tests.followup.followup_vignette_builder import assess_words, reason_codes

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
ADULT = {"age": 50, "sex": "male"}


@pytest.mark.parametrize("text", ["腿麻", "腿有点麻", "胳膊麻", "两条腿都麻了", "小腿麻木"])
def test_a_numb_leg_or_arm_is_limb_numbness(text: str) -> None:
    assert "limb_numbness" in symptoms.present(text)


@pytest.mark.parametrize("text", ["腿脚还挺麻利", "手麻利", "干活麻利", "老人腿脚麻利"])
def test_nimble_is_no_numbness(text: str) -> None:
    assert "limb_numbness" not in symptoms.present(text)


@pytest.mark.parametrize("text", ["大小便控制不住了", "小便控制不住", "大便也管不住了"])
def test_bladder_or_bowel_not_held_is_incontinence(text: str) -> None:
    assert "incontinence" in symptoms.present(text)


def test_back_pain_with_incontinence_and_a_numb_leg_is_cauda_equina() -> None:
    out = assess_words("腰疼，腿麻，大小便控制不住了", NOW, **ADULT)
    assert "syndrome-cauda-equina" in reason_codes(out)
    assert out["disposition"] == "emergency"


@pytest.mark.parametrize("text", ["腰疼，腿麻", "老是憋不住尿，腿有点麻"])
def test_back_pain_and_a_numb_leg_or_incontinence_alone_is_not_cauda_equina(text: str) -> None:
    out = assess_words(text, NOW, **ADULT)
    assert "syndrome-cauda-equina" not in reason_codes(out)


def test_a_neck_stiff_with_fever_and_headache_is_meningism() -> None:
    out = assess_words("脖子后面僵，头疼，发烧，怕光", NOW, age=25, sex="male")
    assert "stiff_neck" in symptoms.present("脖子后面僵")
    assert out["disposition"] == "emergency"


@pytest.mark.parametrize("text", ["按下去再松手更疼", "一松手更疼", "按下去松开的时候更痛"])
def test_pain_worse_on_release_is_rebound_tenderness(text: str) -> None:
    assert "rebound_tenderness" in symptoms.present(text)


def test_severe_abdominal_pain_with_rebound_is_the_peritonitis_emergency() -> None:
    out = assess_words("肚子剧痛，按下去再松手更疼", NOW, age=30, sex="male")
    assert "syndrome-peritonitis" in reason_codes(out)
    assert out["disposition"] == "emergency"


def test_pain_when_pressed_only_is_no_rebound() -> None:
    assert "rebound_tenderness" not in symptoms.present("肚子按下去有点疼")


def test_rebound_in_the_right_lower_abdomen_without_severe_pain_stays_urgent() -> None:
    out = assess_words("肚子右下边按着疼，一松手更疼", NOW, age=41, sex="female")
    assert out["disposition"] == "urgent"


# A stiff neck a crick explains (落枕: a torticollis from the night's sleep) is neck pain, not
# meningism, unless a fever, headache, vomiting, a rash or confusion is said in its sentence
# (symptom_explained.csv; NICE NG240 2024 lists neck stiffness with fever and headache).
@pytest.mark.parametrize(
    "text", ["落枕了，脖子有点僵", "昨晚睡落枕了，脖子转不动", "枕头太高，早上起来脖子发硬"]
)
def test_a_crick_explains_a_stiff_neck(text: str) -> None:
    found = symptoms.present(text)
    assert "stiff_neck" not in found
    assert "neck_pain" in found
    assert assess_words(text, NOW, age=40, sex="female")["disposition"] != "emergency"


@pytest.mark.parametrize("text", ["落枕了，脖子转不动，还发烧", "落枕了，脖子硬，头疼得厉害，吐了"])
def test_a_crick_with_fever_or_headache_explains_nothing(text: str) -> None:
    assert "stiff_neck" in symptoms.present(text)
