"""Issue #15 round 2: a temperature written in a free-text answer at or above 37.3 (digits or
Chinese numerals) is a fever statement, so chemotherapy + 体温38.5 in words is an emergency even
when no Observation carries the number; a normal reading is read."""

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
    ("text", "fever"),
    [("体温38.5", True), ("体温37.3度", True), ("体温37.0", False), ("体温三十八度五", True)],
)
def test_a_temperature_in_words_is_a_fever_statement_from_37_3(text: str, fever: bool) -> None:
    assert ("fever" in [m.concept for m in lexicon.match(text)]) is fever


def test_a_normal_reading_next_to_reassurance_is_read() -> None:
    out = _assess("体温36.8，伤口挺好")
    assert rank(out["disposition"]) < rank("urgent")
    assert not [r for r in out["reasons"] if r["code"] == "symptom-unrecognised"]
