"""An undated window is said to the clinician, never assumed closed (#15 task E)."""

from __future__ import annotations

import pytest
from django.utils import timezone
from followup_vignette_builder import assess_vignette

BP = [["bp", [150, 100], 1]]
HEADACHE = [["症状描述", "头疼", 1]]


def _assess(conditions: list, **kw) -> dict:
    now = timezone.now()
    v = {"id": "w-note", "age": 30, "conditions": conditions, "survey": HEADACHE, **kw}
    return assess_vignette(v, now)


@pytest.mark.django_db
def test_an_undated_delivery_is_a_note_and_its_rule_a_clinicians_question_at_its_level():
    out = _assess([{"icd10": "O82.0", "text": "剖宫产分娩", "clinical": "resolved"}], obs=BP)
    notes = [n for n in out["notes"] if n["code"] == "window-undated"]
    assert notes and notes[0]["text"].startswith("产后时间不明：“剖宫产分娩”")
    assert notes[0]["ref"].startswith("Condition/")
    reason = next(r for r in out["reasons"] if r["code"] == "syndrome-undated-window")
    assert reason["disposition"] == "emergency" == out["disposition"]
    assert "剖宫产分娩" in reason["text"] and "子痫前期" in reason["clinician"]
    assert out["uncertainty"]["level"] != "low"


@pytest.mark.django_db
def test_a_dated_delivery_fires_the_rule_itself_and_leaves_no_note():
    cond = {"icd10": "O82.0", "text": "剖宫产分娩", "clinical": "resolved", "onset_days_ago": 10}
    out = _assess([cond], obs=BP)
    codes = {r["code"] for r in out["reasons"]}
    assert "syndrome-preeclampsia" in codes and "syndrome-undated-window" not in codes
    assert not [n for n in out["notes"] if n["code"] == "window-undated"]


@pytest.mark.django_db
def test_an_undated_delivery_without_a_matching_rule_is_still_a_note_but_no_reason():
    out = _assess(
        [{"icd10": "Z39.2", "text": "产后常规随访"}], survey=[["今日感受", "今天感觉还行", 1]]
    )
    assert [n["code"] for n in out["notes"]].count("window-undated") == 1
    assert "syndrome-undated-window" not in {r["code"] for r in out["reasons"]}
