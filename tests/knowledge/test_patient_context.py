"""One patient context for every consumer (#23): the disagreements the issue measured, each with
the clinically right answer, and a consistency test over one rich record.

Issue #23 measured, on one record: an on-hold warfarin counted for three consumers and not for
follow-up; a refuted allergy counted for two; a cephalosporin stopped 5 days ago counted only for
diet (so medkb's "no alcohol within 7 days of stopping" never fired); eGFR 25 became CKD only in
diet; weight was seen only by medkb; age was computed three ways.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ammed_fhir import store
from ammed_fhir.store import PatientRecord
from clinical.knowledge import patient as kp
from tests.relative_dates import at, day

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
PID = "pc-rich"


def _patient(pid: str = PID, birth: str = "1958-03-18", **extra: Any) -> dict[str, Any]:
    return {"resourceType": "Patient", "id": pid, "gender": "female", "birthDate": birth, **extra}


def _mr(rid: str, text: str, status: str = "active", end: str | None = None, pid: str = PID):
    mr: dict[str, Any] = {
        "resourceType": "MedicationRequest",
        "id": rid,
        "status": status,
        "intent": "order",
        "subject": {"reference": f"Patient/{pid}"},
        "medicationCodeableConcept": {"text": text},
        "dosageInstruction": [{"text": f"{text} 口服"}],
    }
    if end:
        mr["dosageInstruction"][0]["timing"] = {"repeat": {"boundsPeriod": {"end": end}}}
    return mr


def _allergy(rid: str, text: str, verification: str = "confirmed", pid: str = PID):
    return {
        "resourceType": "AllergyIntolerance",
        "id": rid,
        "patient": {"reference": f"Patient/{pid}"},
        "clinicalStatus": {"coding": [{"code": "active"}]},
        "verificationStatus": {"coding": [{"code": verification}]},
        "category": ["medication"],
        "code": {"text": text},
    }


def _condition(rid: str, text: str, code: str = "", verification: str = "confirmed", pid=PID):
    concept: dict[str, Any] = {"text": text}
    if code:
        concept["coding"] = [{"system": SNOMED, "code": code}]
    return {
        "resourceType": "Condition",
        "id": rid,
        "subject": {"reference": f"Patient/{pid}"},
        "clinicalStatus": {"coding": [{"code": "active"}]},
        "verificationStatus": {"coding": [{"code": verification}]},
        "code": concept,
    }


def _obs(rid: str, loinc: str, value: float, unit: str, when: str, pid: str = PID):
    return {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "subject": {"reference": f"Patient/{pid}"},
        "code": {"coding": [{"system": LOINC, "code": loinc}]},
        "effectiveDateTime": when,
        "valueQuantity": {"value": value, "unit": unit, "code": unit},
    }


def _record(*resources: dict[str, Any], patient: dict[str, Any] | None = None) -> PatientRecord:
    rec = PatientRecord(patient=patient or _patient())
    buckets = {
        "Condition": rec.conditions,
        "MedicationRequest": rec.medication_requests,
        "AllergyIntolerance": rec.allergies,
        "Observation": rec.observations,
        "Procedure": rec.procedures,
    }
    for r in resources:
        buckets[r["resourceType"]].append(r)
    return rec


# --------------------------------------------------------------------------- disagreements


def test_an_on_hold_warfarin_counts_for_the_follow_up_anticoagulant_bleeding_modifier():
    from clinical.followup.services.engine import assess_facts
    from clinical.followup.services.facts import build_facts

    now = datetime.now(UTC)
    gums = {
        "resourceType": "Observation",
        "id": "gums",
        "status": "final",
        "category": [{"coding": [{"code": "survey"}]}],
        "code": {"text": "症状描述"},
        "effectiveDateTime": (now - timedelta(hours=2)).isoformat(),
        "valueString": "刷牙出血",
    }
    held = _record(_mr("w", "华法林钠片 3mg", status="on-hold"), gums)
    facts = build_facts(held, now)
    assert facts.has_med("anticoagulant") and facts.has_med("warfarin")
    codes = {r["code"] for r in assess_facts(facts)["reasons"]}
    assert {"symptom-minor-bleeding", "modifier-anticoagulant-bleeding"} <= codes
    # a cancelled order is not taken: no modifier
    cancelled = build_facts(_record(_mr("w", "华法林钠片 3mg", status="cancelled"), gums), now)
    assert not cancelled.has_med("anticoagulant")
    assert "modifier-anticoagulant-bleeding" not in {
        r["code"] for r in assess_facts(cancelled)["reasons"]
    }


def test_a_refuted_allergy_counts_nowhere_and_an_unconfirmed_one_counts_flagged():
    from clinical.diet.context import from_record as diet_from_record
    from clinical.diet.knowledge import get_kb
    from clinical.medkb import api
    from clinical.monitor.context import PatientContext as MonitorContext

    refuted = _record(_allergy("a", "青霉素", "refuted"), _allergy("b", "磺胺", "entered-in-error"))
    now = datetime.now(UTC)
    assert kp.build(refuted, now).allergies == ()
    medkb = api.PatientContext.from_fhir(refuted)
    assert medkb.allergies == []
    assert not [r for r in api.check_patient(["amoxicillin"], medkb) if r.code == "allergy"]
    assert MonitorContext.from_stored(PID, refuted).allergies == []
    assert diet_from_record(refuted, get_kb(), now.date()).allergies == []

    unconfirmed = _record(_allergy("a", "青霉素", "unconfirmed"))
    ctx = kp.build(unconfirmed, now)
    assert ctx.unconfirmed == ["青霉素"]
    medkb = api.PatientContext.from_fhir(unconfirmed)
    assert [r.severity for r in api.check_patient(["amoxicillin"], medkb) if r.code == "allergy"]
    assert MonitorContext.from_stored(PID, unconfirmed).allergies == ["青霉素"]


@pytest.mark.parametrize(("days_ago", "fires"), [(5, True), (6, True), (9, False)])
def test_a_cephalosporin_stopped_days_ago_fires_medkb_no_alcohol_within_7_days(days_ago, fires):
    from clinical.medkb import api

    now = datetime.now(UTC)
    end = (now - timedelta(days=days_ago)).date().isoformat()
    rec = _record(_mr("c", "头孢呋辛酯片 0.25g", status="stopped", end=end))
    ctx = kp.build(rec, now)
    assert [o.text for o in ctx.orders] == (["头孢呋辛酯片 0.25g"] if fires else [])
    if fires:
        (order,) = ctx.orders
        assert not order.current and order.washout_until == order.stopped_on + timedelta(days=7)
        assert "头孢菌素类说明书" in order.washout_source
    medkb = api.PatientContext.from_fhir(rec)
    reasons = api.check_patient(api.ingredients_of("藿香正气水"), medkb)
    hit = [r for r in reasons if r.code == "interaction" and "头孢" in r.text]
    assert bool(hit) is fires
    if fires:
        assert hit[0].severity == "avoid"


def test_a_stopped_order_without_a_washout_row_no_longer_counts():
    now = datetime.now(UTC)
    end = (now - timedelta(days=2)).date().isoformat()
    rec = _record(_mr("s", "苯磺酸氨氯地平片 5mg", status="stopped", end=end))
    assert kp.build(rec, now).orders == ()


def test_egfr_25_is_ckd_for_every_consumer():
    from clinical.diet.context import from_record as diet_from_record
    from clinical.diet.knowledge import get_kb
    from clinical.followup.services.facts import build_facts
    from clinical.medkb import api
    from clinical.medkb.checks.profile import build_profile
    from clinical.monitor import services as monitor
    from clinical.monitor.context import PatientContext as MonitorContext

    now = datetime.now(UTC)
    when = (now - timedelta(days=3)).isoformat()
    rec = _record(_obs("egfr", "33914-3", 25, "mL/min/{1.73_m2}", when))
    ctx = kp.build(rec, now)
    assert "ckd" in ctx.condition_keys
    medkb = api.PatientContext.from_fhir(rec)
    assert "ckd" in build_profile(api.kb(), medkb).conditions
    assert [r.code for r in api.check_patient(["ibuprofen"], medkb)].count("contraindication")
    assert "ckd" in diet_from_record(rec, get_kb(), now.date()).condition_keys()
    assert build_facts(rec, now).has_condition("ckd")
    mctx = MonitorContext.from_stored(PID, rec)
    result = monitor.check_text("腰疼可以吃布洛芬片，一次0.2g，一天三次。", mctx, None, "guidance")
    assert result.action == "hold"
    assert "contraindication" in {f.code for f in result.findings}
    # a unit the table does not name is never converted: no condition
    odd = _record(_obs("egfr", "33914-3", 25, "mL/s", when))
    assert "ckd" not in kp.build(odd, now).condition_keys


def test_only_the_latest_lab_counts():
    now = datetime.now(UTC)
    old = (now - timedelta(days=30)).isoformat()
    new = (now - timedelta(days=1)).isoformat()
    rec = _record(
        _obs("e2", "33914-3", 75, "mL/min/{1.73_m2}", new),
        _obs("e1", "33914-3", 25, "mL/min/{1.73_m2}", old),
    )
    ctx = kp.build(rec, now)
    assert "ckd" not in ctx.condition_keys and ctx.lab("33914-3").value == 75


def test_the_weight_is_seen_by_every_consumer():
    from clinical.diet.context import from_record as diet_from_record
    from clinical.diet.knowledge import get_kb
    from clinical.followup.services.facts import build_facts
    from clinical.medkb import api
    from clinical.monitor.context import PatientContext as MonitorContext

    now = datetime.now(UTC)
    rec = _record(
        _obs("w1", "29463-7", 71.0, "kg", (now - timedelta(days=20)).isoformat()),
        _obs("w2", "29463-7", 68500, "g", (now - timedelta(days=2)).isoformat()),
        _obs("w3", "29463-7", 150, "[lb_av]", (now - timedelta(days=1)).isoformat()),
    )
    ctx = kp.build(rec, now)
    assert ctx.weight_kg == 68.5  # the latest in a unit we convert exactly; lb left out, noted
    assert any("[lb_av]" in n for n in ctx.notes)
    assert api.PatientContext.from_fhir(rec).weight_kg == 68.5
    assert MonitorContext.from_stored(PID, rec).weight_kg == 68.5
    assert diet_from_record(rec, get_kb(), now.date()).patient.weight_kg == 68.5
    assert build_facts(rec, now).patient.weight_kg == 68.5


def test_one_age_on_the_patients_calendar_for_every_consumer():
    """00:30 on 18 March in Beijing is still 17 March in UTC: the patient born on 18 March 1958
    is 68 that night for every consumer, not 67 (the UTC-date bug), and not 68.0x by 365.25."""
    from clinical.followup.services.facts import build_facts

    now = datetime(2026, 3, 17, 16, 30, tzinfo=UTC)  # 2026-03-18 00:30 +08:00
    rec = _record(patient=_patient(birth="1958-03-18"))
    ctx = kp.build(rec, now, tz="Asia/Shanghai")
    assert ctx.today.isoformat() == "2026-03-18" and ctx.age_years == 68.0
    assert build_facts(rec, now).age == 68
    a_minute_before = datetime(2026, 3, 17, 15, 59, tzinfo=UTC)
    assert int(kp.build(rec, a_minute_before, tz="Asia/Shanghai").age_years) == 67
    # the patient's own zone (FHIR timezone extension) decides, not the site's
    ext = {"url": kp.TIMEZONE_EXTENSION, "valueCode": "Europe/London"}
    abroad = _record(patient=_patient(birth="1958-03-18", extension=[ext]))
    assert int(kp.build(abroad, now).age_years) == 67  # still 17 March in London
    # fractions for children (a 6-month-old is 0.5), birthdays on 29 February
    assert kp.age_years("2025-09-18", datetime(2026, 3, 18).date()) == pytest.approx(0.5, abs=0.01)
    assert kp.age_years("2000-02-29", datetime(2025, 2, 28).date()) < 25
    assert kp.age_years("2000-02-29", datetime(2025, 3, 1).date()) == 25.0
    assert kp.age_years("2030-01-01", datetime(2026, 1, 1).date()) is None


# --------------------------------------------------------------------------- consistency


def _rich_record() -> list[dict[str, Any]]:
    return [
        _patient(birth="1991-07-02"),
        _mr("rich-warfarin", "华法林钠片 3mg", status="on-hold"),
        _mr("rich-metformin", "盐酸二甲双胍片 0.5g"),
        _mr("rich-cef", "头孢呋辛酯片 0.25g", status="stopped", end=day(-3)),
        _mr("rich-old", "阿莫西林胶囊 0.5g", status="completed", end=day(-40)),
        _mr("rich-cancelled", "布洛芬缓释胶囊 0.3g", status="cancelled"),
        _allergy("rich-a1", "青霉素"),
        _allergy("rich-a2", "磺胺", "refuted"),
        _condition("rich-c1", "2型糖尿病", "44054006"),
        _condition("rich-c2", "心房颤动", "49436004"),
        _condition("rich-c3", "痛风", verification="refuted"),
        _condition("rich-c4", "妊娠", "77386006"),
        _obs("rich-egfr", "33914-3", 25, "mL/min/{1.73_m2}", at(-4)),
        _obs("rich-weight", "29463-7", 58.5, "kg", at(-2)),
    ]


@pytest.fixture
def rich(db: None) -> str:
    for res in _rich_record():
        store.write(res)
    return PID


def test_every_consumer_sees_the_same_patient(rich: str) -> None:
    from django.utils import timezone

    from clinical.diet.context import from_record as diet_from_record
    from clinical.diet.knowledge import get_kb
    from clinical.followup.services.facts import build_facts
    from clinical.medkb import api
    from clinical.medkb.checks.profile import build_profile
    from clinical.monitor.context import PatientContext as MonitorContext
    from clinical.orders.services.schedule import patient_context

    now = timezone.now()
    shared = kp.PatientContext.for_patient(rich, now)
    assert shared is not None
    orders = {"华法林钠片 3mg", "盐酸二甲双胍片 0.5g", "头孢呋辛酯片 0.25g"}
    assert {o.text for o in shared.orders} == orders  # on hold + active + within washout
    assert shared.allergy_texts == ["青霉素"]
    assert {"diabetes", "atrial_fibrillation", "ckd", "pregnancy"} <= shared.condition_keys
    assert "gout" not in shared.condition_keys  # refuted
    expected_age = kp.age_years("1991-07-02", shared.today)
    assert int(expected_age) >= 35 and shared.age_years == expected_age
    assert shared.weight_kg == 58.5 and shared.pregnant is True

    medkb = api.PatientContext.from_record(rich)
    monitor = MonitorContext.from_record(rich)
    record = store.patient_record(rich)
    facts = build_facts(record, now)
    diet_ctx = diet_from_record(record, get_kb(), shared.today)
    ordered = patient_context(rich, now)
    assert medkb and monitor and ordered

    # orders
    assert set(medkb.current_medications) == orders
    assert {m.name for m in monitor.medications} == orders
    assert {m.text for m in diet_ctx.medicines} == orders
    assert set(facts.med_names) == {o.ref for o in shared.orders}
    assert facts.has_med("anticoagulant") and facts.has_med("glucose_lowering")
    assert {o.text for o in ordered.orders} == orders
    # allergies
    assert medkb.allergies == monitor.allergies == ["青霉素"]
    assert [a.text for a in diet_ctx.allergies] == ["青霉素"]
    assert ordered.allergy_texts == ["青霉素"]
    # conditions (by key for each consumer's own matching)
    profile_keys = build_profile(api.kb(), medkb).conditions
    assert {"diabetes", "atrial_fibrillation", "ckd", "pregnancy"} <= profile_keys
    assert "gout" not in profile_keys
    assert {"diabetes", "atrial_fibrillation", "ckd", "pregnancy"} <= diet_ctx.condition_keys()
    assert {"diabetes", "atrial_fibrillation", "ckd", "pregnancy"} <= set(facts.conditions)
    assert any("慢性肾脏病" in c for c in monitor.conditions)
    assert not any("痛风" in c for c in monitor.conditions)
    assert ordered.condition_keys == shared.condition_keys
    # age, weight, pregnancy
    for age in (medkb.age_years, monitor.age_years, ordered.age_years, diet_ctx.patient.age_years):
        assert age == expected_age
    assert facts.age == int(expected_age)
    for weight in (medkb.weight_kg, monitor.weight_kg, ordered.weight_kg, facts.patient.weight_kg):
        assert weight == 58.5
    assert medkb.pregnant is True and monitor.pregnant is True and ordered.pregnant is True
    assert diet_ctx.patient.pregnant is True and facts.patient.pregnant is True
    assert facts.has_condition("pregnancy")
