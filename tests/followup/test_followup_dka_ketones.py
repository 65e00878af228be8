"""Ketones with the symptoms of ketoacidosis, and a glucose that will not come down (#15, the
lead's probes).

JBDS-IP Management of DKA in adults (2023) counts ketonaemia ≥ 3.0 mmol/L or ketonuria of more
than 2+ on a standard stick as the ketone criterion of DKA; Diabetes UK / JBDS sick day rules send
a person with diabetes whose ketones are raised *and* who is vomiting, in abdominal pain or
drowsy to hospital. The probes found: 尿酮体三个加号，恶心想吐 on insulin was urgent (a urine grade
was never a DKA criterion, and a ketone reading never counted as a DKA symptom); 血糖一直降不下来，…
吐得厉害 was urgent (a glucose that will not come down was unread); 叫他半天才醒 was unread.
Twins: ketones 1+ alone; raised ketones without symptoms; a glucose that came down.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinical.followup.services.ruledata import rank
from clinical.knowledge.symptoms import present
from tests.followup.followup_vignette_builder import assess_words, reason_codes

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
T1 = {"id": "dka", "age": 34, "conditions": ["diabetes"], "meds": ["insulin"]}
T2 = {"id": "dka", "age": 79, "conditions": ["diabetes"], "meds": ["metformin"]}


def test_ketonuria_of_more_than_two_plus_is_the_dka_ketone_criterion() -> None:
    out = assess_words("尿酮体三个加号", NOW, **T1)
    assert out["disposition"] == "emergency", out["reasons"]


@pytest.mark.parametrize(
    "text", ["尿酮体三个加号，恶心想吐", "尿酮两个加号，肚子疼", "血酮2.1，吐了两次"]
)
def test_raised_ketones_with_a_dka_symptom_are_an_emergency(text: str) -> None:
    out = assess_words(text, NOW, **T1)
    assert out["disposition"] == "emergency", out["reasons"]
    # one rule of the dka group speaks (the words 两个加号 also name ketones_positive)
    assert {c for c in reason_codes(out) if c.startswith("syndrome-dka")}, out["reasons"]


@pytest.mark.parametrize("text", ["尿酮两个加号", "血酮2.1"])
def test_raised_ketones_without_symptoms_stay_urgent(text: str) -> None:
    out = assess_words(text, NOW, **T1)
    assert out["disposition"] == "urgent", out["reasons"]


def test_a_trace_of_ketones_with_nausea_is_not_an_emergency() -> None:
    out = assess_words("尿酮一个加号，有点恶心", NOW, **T1)
    assert rank(out["disposition"]) < rank("emergency"), out["reasons"]


@pytest.mark.parametrize(
    "text", ["血糖一直降不下来", "血糖老是降不下去", "这几天血糖下不来", "血糖一直降不下來"]
)
def test_a_glucose_that_will_not_come_down_is_reported_hyperglycaemia(text: str) -> None:
    assert "hyperglycemia_reported" in present(text)


def test_with_vomiting_on_insulin_it_is_dka() -> None:
    out = assess_words("血糖一直降不下来，二十几，吐得厉害，吃不下东西", NOW, **T1)
    assert out["disposition"] == "emergency", out["reasons"]


def test_a_glucose_that_came_down_is_not_reported_hyperglycaemia() -> None:
    assert "hyperglycemia_reported" not in present("血糖降下来了，现在七点多")


@pytest.mark.parametrize("text", ["叫他半天才醒", "喊她好半天才醒过来"])
def test_woken_only_after_a_long_call_is_drowsiness(text: str) -> None:
    assert {"drowsiness", "confusion", "unresponsive"} & set(present(text))


def test_drowsy_with_a_high_glucose_is_an_emergency() -> None:
    out = assess_words("血糖很高，老是犯困，叫他半天才醒", NOW, **T2)
    assert out["disposition"] == "emergency", out["reasons"]
