"""The one reader of readings written in words (clinical.knowledge.readings, #15 round 3):
exact values in the unit written, or unreadable; never approximated. The agent's schema and
follow-up triage use this one reader (no copy)."""

from __future__ import annotations

import pytest

from clinical.knowledge import symptoms
from clinical.knowledge.readings import Reading, UnreadableReading, read_vitals

READ = [
    ("高压才85", [("sbp", (85.0,), "mm[Hg]")]),
    ("收缩压一百一", [("sbp", (110.0,), "mm[Hg]")]),
    ("低压50", [("dbp", (50.0,), "mm[Hg]")]),
    ("高压150，低压90", [("bp", (150.0, 90.0), "mm[Hg]")]),
    ("血压：高压150", [("sbp", (150.0,), "mm[Hg]")]),
    ("血氧88", [("spo2", (88.0,), "%")]),
    ("指脉氧掉到89%", [("spo2", (89.0,), "%")]),
    ("血氧饱和度九十五", [("spo2", (95.0,), "%")]),
    ("SpO2 93%", [("spo2", (93.0,), "%")]),
    ("呼吸一分钟30次", [("rr", (30.0,), "/min")]),
    ("呼吸频率二十二", [("rr", (22.0,), "/min")]),
    ("呼吸每分钟三十次", [("rr", (30.0,), "/min")]),
    ("心跳一百三", [("heart_rate", (130.0,), "/min")]),
    ("血糖50mg/dl", [("glucose", (50.0,), "mg/dL")]),
    ("血糖二点八毫摩尔", [("glucose", (2.8,), "mmol/L")]),
    ("血糖２．８ｍｍｏｌ／Ｌ", [("glucose", (2.8,), "mmol/L")]),
]

UNREADABLE = [
    ("呼吸很快一分钟30多次", "rr"),
    ("血糖二点几", "glucose"),
    ("心跳一百好几", "heart_rate"),
    ("血氧九十左右", "spo2"),
    ("高压大概80", "sbp"),
]

NOT_A_READING = ["呼吸困难3天", "呼吸困难两次", "血压药吃了2片", "高压氧治疗", "呼吸有点急"]


@pytest.mark.parametrize(("text", "want"), READ)
def test_reads_the_exact_value_in_the_unit_written(text: str, want: list) -> None:
    found, unreadable = read_vitals(text)
    assert [(r.kind, tuple(r.values), r.unit) for r in found] == want
    assert unreadable == []


@pytest.mark.parametrize(("text", "kind"), UNREADABLE)
def test_an_inexact_value_is_unreadable_never_approximated(text: str, kind: str) -> None:
    found, unreadable = read_vitals(text)
    assert found == [] and [u.kind for u in unreadable] == [kind]


@pytest.mark.parametrize("text", NOT_A_READING)
def test_numbers_that_count_or_name_something_are_no_reading(text: str) -> None:
    assert read_vitals(text) == ([], [])


def test_a_label_inside_a_reading_starts_no_second_one() -> None:
    found, _ = read_vitals("血压高压80低压50")
    assert [(r.kind, r.values) for r in found] == [("bp", [80.0, 50.0])]


def test_the_agent_schema_uses_the_one_reading_type() -> None:
    from clinical.agent.understanding import schema

    assert schema.Reading is Reading and schema.UnreadableReading is UnreadableReading


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("右手突然没劲", "limb_weakness"),
        ("左边胳膊腿没力气", "limb_weakness"),
        ("右下肢没力气", "limb_weakness"),
        ("浑身没劲", "fatigue"),
        ("右边膝盖痛走路没劲", "fatigue"),  # not body-part or degree words between
    ],
)
def test_a_sided_subject_makes_a_weakness_word_focal(text: str, concept: str) -> None:
    said = symptoms.present(text)
    assert concept in said
    assert ("limb_weakness" in said) is (concept == "limb_weakness")


def test_as_written_quotes_the_original_spelling() -> None:
    from clinical.knowledge.readings import as_written

    text = "早上血壓\u200b８０／５０"
    (r,) = read_vitals(text)[0]
    assert r.text == "血压80/50" and as_written(text, r.text) == "血壓８０／５０"
