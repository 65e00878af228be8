"""Odd and incomplete data: notes, stated uncertainty, named missing data, never a 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from followup_helpers import assess, push_bundle
from followup_vignette_builder import vignette_bundle

from clinical.followup.services import ruledata

pytestmark = pytest.mark.django_db


def _obs(pid: str, i: int, **fields) -> dict:
    base = {
        "resourceType": "Observation",
        "id": f"{pid}-odd{i}",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "8310-5"}]},
        "subject": {"reference": f"Patient/{pid}"},
        "effectiveDateTime": (timezone.now() - timedelta(hours=1)).isoformat(),
    }
    base.update(fields)
    return base


ODD = [
    {"valueQuantity": {"value": 37.0}},  # no unit at all
    {"valueQuantity": {"value": 310, "unit": "K", "code": "K"}},  # kelvin: not converted
    {"valueString": "正常"},
    {"code": {"text": "自由文本"}, "valueString": "？"},
    {"status": "entered-in-error", "valueQuantity": {"value": 41.5, "unit": "Cel", "code": "Cel"}},
    {
        "effectiveDateTime": None,
        "effectivePeriod": {"start": "2026-11"},
        "valueQuantity": {"value": 37, "unit": "Cel", "code": "Cel"},
    },
    {
        "code": {"coding": [{"system": "http://loinc.org", "code": "85354-9"}]},
        "component": [{"code": {"text": "?"}}],
    },
    {"valueCodeableConcept": {"text": "发热"}},
    {
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "386661006"}]},
        "valueBoolean": True,
    },
]


def test_odd_observations_never_500(admin_client) -> None:
    v = {"id": "odd", "age": 60, "obs": [["hr", 72, 2]]}
    bundle = vignette_bundle(v, timezone.now())
    for i, fields in enumerate(ODD):
        res = {k: val for k, val in _obs("vg-odd", i, **fields).items() if val is not None}
        bundle["entry"].append(
            {
                "fullUrl": f"Observation/{res['id']}",
                "resource": res,
                "request": {"method": "PUT", "url": f"Observation/{res['id']}"},
            }
        )
    push_bundle(admin_client, bundle)
    resp = assess(admin_client, "vg-odd")
    assert resp.status_code == 200
    body = resp.json()
    notes = {n["code"] for n in body["notes"]}
    assert "unit-unknown" in notes
    # was "moderate": the free-text answer "？" is something the patient wrote that we cannot
    # read, and since #15 that means high uncertainty and clinician review within 24 h
    assert body["uncertainty"]["level"] == "high"
    assert body["disposition"] == "review"  # nothing read: clinician review (h-review)


def test_unknown_code_and_unit_are_named(admin_client) -> None:
    v = {
        "id": "unk",
        "age": 45,
        "obs": [["unknown", 12, 2], ["temp", 37.0, 2], ["glucose", 5.2, 2, "mmol/dL"]],
    }
    push_bundle(admin_client, vignette_bundle(v, timezone.now()))
    body = assess(admin_client, "vg-unk").json()
    texts = " ".join(n["text"] for n in body["notes"])
    assert "未识别的观察项" in texts and "99999-9" in texts
    assert "mmol/dL" in texts


def test_contradictory_readings_give_the_dangerous_answer_with_uncertainty(admin_client) -> None:
    v = {"id": "contra", "age": 66, "obs": [["spo2", 97, 1.2], ["spo2", 86, 1]]}
    push_bundle(admin_client, vignette_bundle(v, timezone.now()))
    body = assess(admin_client, "vg-contra").json()
    assert body["disposition"] == "emergency"
    assert body["uncertainty"]["level"] == "high"
    assert body["uncertainty"]["notes"][0]["code"] == "conflict-spo2"


def test_missing_monitoring_is_named_not_assumed_normal(admin_client) -> None:
    v = {
        "id": "miss",
        "age": 70,
        "conditions": ["hypertension", "diabetes"],
        "meds": ["warfarin"],
        "obs": [["hr", 70, 2]],
    }
    push_bundle(admin_client, vignette_bundle(v, timezone.now()))
    body = assess(admin_client, "vg-miss").json()
    texts = {r["code"]: r["text"] for r in body["reasons"]}
    assert texts["missing-bp"] == "最近7天没有血压记录"
    assert {"missing-glucose", "missing-hba1c", "missing-inr"} <= set(texts)
    assert body["disposition"] == "routine"


def test_every_rule_row_has_code_text_disposition_and_source() -> None:
    for name in (
        "red_flags",
        "vitals",
        "labs",
        "trends",
        "postop",
        "chemo",
        "heart_failure",
        "adherence",
        "missing",
    ):
        rows = ruledata.rules(name)
        assert rows, name
        codes = [r["code"] for r in rows]
        assert len(codes) == len(set(codes)), name
    for row in ruledata.load("modifiers"):
        assert row["source"] and row["text"] and row["applies_to"]
    for t in ruledata.load("careplan_templates")["templates"]:
        assert t["source"] and t["activities"]
