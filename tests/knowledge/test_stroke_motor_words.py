"""A hand or a side that no longer obeys, and a visual field with a piece missing (#15 stroke,
the lead's probes).

In a 74-year-old with hypertension and diabetes, 早上起来右手右脚都不太听使唤 (a wake-up
hemiparesis) was *review*: 不太听使唤 put a degree word inside the known 不听使唤. So were
写字突然写不好了，手不听使唤, 拿筷子不利索了，老夹不住菜 and 看东西右边少了一块 (a field defect);
走路拖着一条腿 was urgent only as words naming the body; a clumsy hand or a dragged leg is now
``limb_clumsiness``, urgent, and an emergency when it came on suddenly (the bodily sets, written
by another engineer, judge them urgent without a stated onset). BE-FAST (Aroor et al., Stroke 2017) and
NICE NG128 Stroke and TIA (2019, updated 2022): arm or leg weakness or clumsiness and loss of part
of the visual field are stroke until proven otherwise. Twins: a hand that obeys again, a pen that
is out of ink, a full view, a dog on a lead.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.knowledge.symptoms import present
from tests.followup.followup_vignette_builder import assess_words

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
OLD = {"age": 74, "sex": "male", "conditions": ["hypertension", "diabetes"]}

WEAK = [
    "早上起来右手右脚都不太听使唤",
    "左边胳膊不怎么听使唤了",
    "写字突然写不好了，手不听使唤",
    "早上起來右手右腳都不太聽使喚",  # traditional
]


@pytest.mark.parametrize("text", WEAK)
def test_a_limb_that_no_longer_obeys_is_limb_weakness(text: str) -> None:
    assert "limb_weakness" in present(text)


# A clumsy hand or a dragged leg of unstated onset is seen within 24 h (the bodily sets' judgement:
# 我妈右手拿筷子老往下掉, 我爸右腿拖着走 → urgent); of sudden onset it is a stroke.
CLUMSY = [
    "拿筷子不利索了，老夹不住菜",
    "吃饭的时候筷子老是夹不住",
    "走路拖着一条腿",
    "他走路右腿拖着走",
]


@pytest.mark.parametrize("text", CLUMSY)
def test_a_clumsy_hand_or_a_dragged_leg_is_limb_clumsiness_and_urgent(text: str) -> None:
    assert "limb_clumsiness" in present(text)
    assert assess_words(text, NOW, **OLD)["disposition"] == "urgent"


@pytest.mark.parametrize("text", ["今天突然拿筷子不利索了", "下午突然走路拖着一条腿"])
def test_a_sudden_clumsy_hand_or_dragged_leg_is_an_emergency(text: str) -> None:
    assert assess_words(text, NOW, **OLD)["disposition"] == "emergency"


@pytest.mark.parametrize("text", ["看东西右边少了一块", "左边的东西看不见了", "眼睛看东西缺了一块"])
def test_a_piece_of_the_visual_field_missing_is_vision_loss(text: str) -> None:
    assert "vision_loss" in present(text)


@pytest.mark.parametrize(
    "text", ["早上起来右手右脚都不太听使唤", "写字突然写不好了，手不听使唤", "看东西右边少了一块"]
)
def test_in_an_older_patient_with_risk_factors_it_is_an_emergency(text: str) -> None:
    assert assess_words(text, NOW, **OLD)["disposition"] == "emergency"


NOT = [
    ("手已经听使唤了，不麻了", "limb_weakness"),
    ("笔没水了，写不出来", "limb_weakness"),
    ("孙子不听话，拖着狗走", "limb_clumsiness"),
    ("筷子太滑了，夹不住花生米", "limb_clumsiness"),
    ("看东西清清楚楚，一点没少", "vision_loss"),
    ("钱包里少了一块钱", "vision_loss"),
]


@pytest.mark.parametrize(("text", "concept"), NOT)
def test_an_obeying_hand_a_pen_a_dog_or_a_wallet_is_none_of_them(text: str, concept: str) -> None:
    assert concept not in present(text)
