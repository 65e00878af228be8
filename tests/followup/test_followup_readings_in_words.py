"""Issue #15 round 2: a reading written in a free-text answer is judged, never skipped — a
temperature at or above 37.3 is a fever statement, any other out-of-range reading goes to a
clinician (no rule judges a number inside free text), a normal one is read."""

from __future__ import annotations

import pytest
from django.utils import timezone
from followup_vignette_builder import vignette_record

from clinical.followup.services import lexicon
from clinical.followup.services.engine import assess_record
from clinical.followup.services.ruledata import rank


def _assess(text: str, **extra: object) -> dict:
    now = timezone.now()
    v = {"id": "rw", "age": 60, "survey": [["今日感受", text, 1]], **extra}
    return assess_record(vignette_record(v, now), now)


@pytest.mark.parametrize(
    "text", ["刚做完化疗，今天体温38.5度", "上周打的化疗，烧到38度5", "化疗完第五天，浑身打哆嗦"]
)
def test_fever_or_chills_in_words_after_chemotherapy_is_an_emergency(text: str) -> None:
    assert _assess(text)["disposition"] == "emergency"


@pytest.mark.parametrize(
    ("text", "fever"), [("体温38.5", True), ("体温37.3度", True), ("体温37.0", False)]
)
def test_a_temperature_in_words_is_a_fever_statement_from_37_3(text: str, fever: bool) -> None:
    assert ("fever" in [m.concept for m in lexicon.match(text)]) is fever


@pytest.mark.parametrize("text", ["伤口挺好，血压190/120", "伤口挺好，血糖2.8"])
def test_an_out_of_range_reading_next_to_a_read_clause_goes_to_a_clinician(text: str) -> None:
    out = _assess(text)
    assert rank(out["disposition"]) >= rank("urgent")
    (reason,) = [r for r in out["reasons"] if r["code"] == "symptom-unrecognised"]
    assert text.split("，")[1] in reason["text"]


def test_a_normal_reading_next_to_reassurance_is_read() -> None:
    out = _assess("体温36.8，伤口挺好")
    assert rank(out["disposition"]) < rank("urgent")
    assert not [r for r in out["reasons"] if r["code"] == "symptom-unrecognised"]
