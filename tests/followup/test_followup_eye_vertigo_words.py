"""The lead's probes (#15), session of 2026-12-07 (sixth): a painful red eye with haloes, sudden
vertigo that stops walking.

- Haloes around lights (看灯有光圈, 灯周围有彩虹圈) were unread. They are ``visual_halos``; with a
  painful eye, acute angle-closure glaucoma is an emergency (NICE CKS Glaucoma 2022; 中国原发性
  闭角型青光眼诊治方案专家共识 2019): 眼睛又红又疼，看灯有光圈，头疼恶心 was urgent.
- Sudden vertigo with vomiting and unable to walk (突然一阵天旋地转，吐了，走不了路) may be a
  cerebellar stroke (NICE CKS Vertigo 2023: severe imbalance or inability to walk → emergency;
  HINTS): it was urgent.

Twins: haloes alone, a sore eye alone, positional vertigo that passes, dizziness without onset.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.knowledge import symptoms
from tests.followup.followup_vignette_builder import assess_words, reason_codes

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
OLDER = {"age": 66, "sex": "female"}


@pytest.mark.parametrize(
    "text", ["看灯有光圈", "看灯周围有彩虹圈", "晚上看路灯有一圈光晕", "看灯有虹视"]
)
def test_haloes_around_lights_are_visual_halos(text: str) -> None:
    assert "visual_halos" in symptoms.present(text)


@pytest.mark.parametrize(
    "text",
    [
        "眼睛又红又疼，看灯有光圈，头疼恶心",
        "右眼胀痛得厉害，看灯有彩虹圈",
        "眼睛疼，头疼，恶心想吐，看东西模糊",
    ],
)
def test_a_painful_eye_with_haloes_or_blur_is_angle_closure(text: str) -> None:
    out = assess_words(text, NOW, **OLDER)
    assert "syndrome-acute-angle-closure" in reason_codes(out)
    assert out["disposition"] == "emergency"


@pytest.mark.parametrize(
    "text", ["看灯有光圈", "眼睛有点疼，干涩", "手机看久了眼睛疼，头也疼，有点恶心"]
)
def test_haloes_or_a_sore_eye_alone_is_not_angle_closure(text: str) -> None:
    out = assess_words(text, NOW, **OLDER)
    assert "syndrome-acute-angle-closure" not in reason_codes(out)


@pytest.mark.parametrize(
    "text", ["突然一阵天旋地转，吐了，走不了路", "突然头晕得厉害，站都站不稳，走不了路"]
)
def test_sudden_vertigo_that_stops_walking_is_an_emergency(text: str) -> None:
    out = assess_words(text, NOW, age=70, sex="male", conditions=["hypertension"])
    assert out["disposition"] == "emergency"


@pytest.mark.parametrize("text", ["起床的时候天旋地转，一会儿就好了", "这两天有点头晕"])
def test_vertigo_that_passes_or_plain_dizziness_is_not(text: str) -> None:
    out = assess_words(text, NOW, age=70, sex="male", conditions=["hypertension"])
    assert "syndrome-acute-vertigo-gait" not in reason_codes(out)
