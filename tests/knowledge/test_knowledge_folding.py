"""The drug vocabulary and the condition table fold names with the shared text fold:
traditional characters, full-width letters, spaces and zero-width characters find the same
concept as the plain simplified spelling (they used to find nothing)."""

from __future__ import annotations

import pytest

from clinical.knowledge import conditions, drugs


@pytest.mark.parametrize("name", ["華法林", "ＷＡＲＦＡＲＩＮ", "华\u200b法林", " 华法林 "])
def test_drug_names_in_any_spelling_resolve(name: str) -> None:
    assert drugs.resolve(name) == drugs.resolve("华法林") == ("warfarin",)


def test_a_traditional_allergy_and_class_membership() -> None:
    assert drugs.allergy_classes_in(["青黴素過敏"]) == drugs.allergy_classes_in(["青霉素过敏"])
    assert "penicillin" in drugs.allergy_classes_in(["青黴素過敏"])
    assert drugs.medication_in_class("華法林鈉片", "anticoagulant")


def test_a_traditional_condition_text() -> None:
    assert "peptic_ulcer" in conditions.keys_for_text("胃潰瘍")
    assert conditions.keys_for_text("胃潰瘍") == conditions.keys_for_text("胃溃疡")
