"""Swollen lips and a hoarse voice after a medicine (#15 anaphylaxis, the lead's probes).

On amoxicillin, 吃了药以后眼皮和嘴都肿了，声音有点哑 was *urgent* as unread words: 嘴肿了 (a swelling
of the face; an anaphylaxis with a hoarse voice, not alone: a tooth pulled, a mosquito bite) and
声音有点哑 (a degree word inside 声音哑了) were both unread.
Resuscitation Council UK (2021): lip or tongue swelling with a hoarse voice after an allergen is
the airway problem of anaphylaxis. Twins: a swollen eye from crying, a hoarse voice after a
concert.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.knowledge.symptoms import present
from tests.followup.followup_vignette_builder import assess_words

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
AMOXICILLIN = {"age": 45, "sex": "female", "meds": ["amoxicillin"]}


@pytest.mark.parametrize("text", ["嘴肿了", "嘴巴肿起来了", "眼皮和嘴都肿了"])
def test_a_swollen_mouth_is_a_facial_swelling(text: str) -> None:
    assert "facial_swelling" in present(text)


@pytest.mark.parametrize("text", ["拔完牙以后嘴肿了，有点疼", "被蚊子叮了一下，嘴肿起来一个包"])
def test_a_swollen_mouth_after_a_tooth_or_a_bite_is_no_emergency(text: str) -> None:
    assert assess_words(text, NOW, age=35, sex="female")["disposition"] != "emergency"


@pytest.mark.parametrize("text", ["声音有点哑", "嗓子有些哑", "说话声音发哑", "聲音有點啞"])
def test_a_hoarse_voice_with_a_degree_is_hoarseness(text: str) -> None:
    assert "hoarseness" in present(text)


@pytest.mark.parametrize("text", ["嘴上说不肿了", "声音不哑了", "哑铃举了两下"])
def test_a_denial_or_a_dumbbell_is_neither(text: str) -> None:
    assert not {"anaphylaxis", "hoarseness"} & set(present(text))


def test_after_a_new_antibiotic_it_is_an_emergency() -> None:
    out = assess_words("吃了药以后眼皮和嘴都肿了，声音有点哑", NOW, **AMOXICILLIN)
    assert out["disposition"] == "emergency", out["reasons"]


# After a likely allergen, circulation or the gut without a skin sign (the lead's probes):
# 吃了花生，嘴唇发麻，肚子疼，吐了 (mucosal tingling with gastrointestinal symptoms) was *routine*,
# 刚吃了头孢，浑身发冷，心慌，血压掉下来了 (hypotension after an allergen) was *review* (掉下来了 is
# also a high pressure brought down, so it stays unread, for review; 一直往下掉 is read). WAO
# Anaphylaxis Guidance 2020 criterion 2: hypotension, bronchospasm or laryngeal involvement after
# a known or likely allergen, even without skin signs; criterion 1 and NIAID/FAAN 2006: mucosal
# involvement with severe gastrointestinal symptoms. Twins: the same gut without an allergen, a
# low pressure without one.
@pytest.mark.parametrize(
    ("text", "record"),
    [
        ("吃了花生，嘴唇发麻，肚子疼，吐了", {"age": 40, "sex": "male"}),
        ("刚吃了头孢，浑身发冷，心慌，血压一直往下掉", AMOXICILLIN),
        ("被蜜蜂蛰了，现在血压很低", {"age": 40, "sex": "male"}),
    ],
)
def test_circulation_or_the_gut_after_an_allergen_is_anaphylaxis(text: str, record: dict) -> None:
    out = assess_words(text, NOW, **record)
    assert out["disposition"] == "emergency", out["reasons"]


@pytest.mark.parametrize("text", ["嘴唇发麻，肚子疼，吐了", "今天量血压掉下来了，没什么不舒服"])
def test_the_same_without_an_allergen_is_no_anaphylaxis(text: str) -> None:
    out = assess_words(text, NOW, age=40, sex="male")
    assert "syndrome-anaphylaxis" not in {r["code"] for r in out["reasons"]}


def test_a_falling_pressure_in_words_is_never_below_review() -> None:
    out = assess_words("血压一直往下掉", NOW, age=40, sex="male")
    assert out["disposition"] in ("review", "urgent", "emergency"), out["reasons"]
