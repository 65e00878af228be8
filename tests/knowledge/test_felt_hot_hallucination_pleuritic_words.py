"""The lead's probes (#15), session of 2026-12-07 (sixth): a body felt hot with a degree word,
things seen that are not there, a breath that stabs the chest.

- 身上很烫, 摸着很烫 (a parent's hand on a child) were unread while 身上发烫 and 摸着烫 were fever;
  a parent's perception of fever is valid (NICE NG143 §1.1.3). Not a burn (身上烫伤了).
- Seeing what others do not (看到别人看不到的东西, 说看见死去的老伴, 看见墙上有虫子爬) was unread: in
  an older person it is delirium's hallucination (NICE CG103), in anyone a psychotic symptom
  (NICE CG178): ``psychotic_symptoms``.
- 吸了一口气胸口就像针扎一样 (the chest stabbed on a breath in) was unread: 就 between the chest
  and its quality no longer hides the chest pain (an emergency whatever its kind). Reading the
  breath before it as pleuritic pain was tried as an intensity row and left out: the table makes a
  red concept imply its base, so 呼吸都牵涉疼痛 of a flank became chest pain on two development
  parts.
"""

from __future__ import annotations

import pytest

from clinical.knowledge import symptoms


@pytest.mark.parametrize("text", ["身上很烫", "摸着很烫", "摸着有点烫", "孩子额头摸起来很烫"])
def test_a_body_felt_hot_is_fever(text: str) -> None:
    assert "fever" in symptoms.present(text)


@pytest.mark.parametrize("text", ["身上烫伤了", "手被开水烫了一下", "洗澡水很烫"])
def test_a_burn_or_hot_water_is_no_fever(text: str) -> None:
    assert "fever" not in symptoms.present(text)


@pytest.mark.parametrize(
    "text",
    [
        "看到别人看不到的东西",
        "说看见死去的老伴站在床边",
        "老说看见墙上有虫子爬",
        "总看见屋里有不存在的人",
    ],
)
def test_seeing_what_is_not_there_is_a_psychotic_symptom(text: str) -> None:
    assert "psychotic_symptoms" in symptoms.present(text)


@pytest.mark.parametrize("text", ["看见墙上有只蚊子", "看到死去的金鱼很难过", "看见虫子吓了一跳"])
def test_seeing_what_is_there_is_not(text: str) -> None:
    assert "psychotic_symptoms" not in symptoms.present(text)


@pytest.mark.parametrize("text", ["吸了一口气胸口就像针扎一样", "一吸气胸口就像刀割"])
def test_a_breath_that_stabs_the_chest_is_chest_pain(text: str) -> None:
    assert "chest_pain" in symptoms.present(text)
