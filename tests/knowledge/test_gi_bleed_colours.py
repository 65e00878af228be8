"""GI bleeding in the colours and verbs patients use (#15/#23, the lead's own probes).

A 72-year-old on aspirin and clopidogrel writing 上厕所拉出来好多暗红色的血 got "review"; 吐了点
黑褐色的水 (coffee-ground vomit, NICE CG141) got only vomiting; 大便颜色像酱油一样 was unread; 马
桶里红红一片 was not the toilet full of blood that 马桶里一片红 is. The readings, written before the
rows: what the verb passed (拉出来, 解出来) with blood is rectal bleeding, as with black it is
melaena (symptom_predicates.csv); black or brown vomit is haematemesis (altered blood); a stool
like soy sauce is a darker stool of uncertain colour (dark_stool, never nothing, never melaena);
the toilet's reduplicated red is the toilet's red. Twins: a denial, another colour, soy sauce in
the kitchen.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.knowledge import symptoms
from tests.followup.followup_vignette_builder import assess_vignette

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
DAPT = {"age": 72, "meds": ["aspirin", "clopidogrel"], "conditions": ["chd"]}


def _disposition(text: str) -> str:
    v = {"id": "gib", "survey": [["症状描述", text, 2]], **DAPT}
    return assess_vignette(v, NOW)["disposition"]


READ = [
    ("上厕所拉出来好多暗红色的血", "rectal_bleeding"),
    ("解出来的有血", "rectal_bleeding"),
    ("拉出来的带血块", "rectal_bleeding"),
    ("吐了点黑褐色的水", "hematemesis"),
    ("吐出来的东西是黑色的", "hematemesis"),
    ("吐的是深褐色的", "hematemesis"),
    ("这两天大便颜色像酱油一样", "dark_stool"),
    ("拉的屎跟酱油似的", "dark_stool"),
    ("马桶里红红一片", "rectal_bleeding_heavy"),
    # other scripts and widths of the same words
    ("上廁所拉出來好多暗紅色的血", "rectal_bleeding"),
    ("吐了点黑\u200b褐色的水", "hematemesis"),
]


@pytest.mark.parametrize(("text", "concept"), READ)
def test_the_colour_or_the_verb_names_the_bleed(text: str, concept: str) -> None:
    assert concept in symptoms.present(text)


@pytest.mark.parametrize(
    "text", ["上厕所拉出来好多暗红色的血", "吐了点黑褐色的水", "马桶里红红一片"]
)
def test_on_dual_antiplatelets_it_is_an_emergency(text: str) -> None:
    assert _disposition(text) == "emergency"


def test_a_soy_sauce_stool_on_dual_antiplatelets_is_at_least_urgent() -> None:
    assert _disposition("这两天大便颜色像酱油一样") in ("urgent", "emergency")


TWINS = [
    ("拉出来的没有血", "rectal_bleeding"),
    ("吐出来的是黄色的水", "hematemesis"),
    ("炒菜放了点酱油", "dark_stool"),
    ("大便颜色正常，不黑", "dark_stool"),
]


@pytest.mark.parametrize(("text", "concept"), TWINS)
def test_the_twins_name_no_bleed(text: str, concept: str) -> None:
    assert concept not in symptoms.present(text)


def test_black_vomit_after_a_decoction_is_the_decoction_and_goes_to_a_clinician() -> None:
    text = "刚喝了中药，吐了点黑色的水"
    assert "hematemesis" not in symptoms.present(text)
    # the vomiting itself is still judged (urgent), not the bleed's emergency
    assert _disposition(text) == "urgent"
    # blood in the same sentence keeps the bleed
    assert "hematemesis" in symptoms.present("刚喝了中药，吐了点黑色带血块的水")


# The lead's probes, second round: the toilet full of blood named by the visit, an ink-black
# stool, blood on the paper.
SECOND = [
    ("上厕所一看全是血", "rectal_bleeding_heavy"),
    ("解大便一看马桶里都是血", "rectal_bleeding_heavy"),
    ("大便颜色像墨汁", "melena"),
    ("拉的屎跟墨水一样黑", "melena"),
    ("擦屁股纸上有血", "rectal_bleeding"),
    ("擦屁股的时候手纸上带血", "rectal_bleeding"),
]


@pytest.mark.parametrize(("text", "concept"), SECOND)
def test_the_visit_the_ink_and_the_paper_are_read(text: str, concept: str) -> None:
    assert concept in symptoms.present(text)


def test_a_toilet_full_of_blood_on_dapt_is_an_emergency() -> None:
    assert _disposition("上厕所一看全是血，站起来眼前一黑") == "emergency"


@pytest.mark.parametrize(
    ("text", "concept"),
    [("上厕所一看没有血", "rectal_bleeding_heavy"), ("写字的墨水弄到手上了", "melena")],
)
def test_no_blood_at_the_visit_or_ink_on_the_hand_is_no_bleed(text: str, concept: str) -> None:
    assert concept not in symptoms.present(text)
