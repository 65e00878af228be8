"""POST /api/v1/consult/diet through the real URL stack: record lookup, access, bad input."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from relative_dates import at, day

from ammed_fhir import store
from ammed_fhir.demo_users import ensure_demo_users, link_demo_accounts

URL = "/api/v1/consult/diet"


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo_world(db, demo_bundles: list[dict]) -> None:
    """The two demo patients written through the store, and the demo users linked to them."""
    for bundle in demo_bundles:
        for entry in bundle["entry"]:
            store.write(entry["resource"])
    ensure_demo_users()
    link_demo_accounts()


def _client(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _post(client: Client, body: object) -> tuple[int, dict]:
    resp = client.post(URL, data=json.dumps(body), content_type="application/json")
    return resp.status_code, resp.json()


def test_it_rejects_anonymous_callers(db) -> None:
    status, _ = _post(Client(), {"question": "吃头孢能喝酒吗"})
    assert status in (401, 403)


def test_demo_surgery_alcohol_is_avoid_because_of_cefuroxime_and_paracetamol(demo_world) -> None:
    status, body = _post(_client("dr_wang"), {"patient_id": "demo-surgery", "question": "能喝酒吗"})
    assert status == 200
    assert body["verdict"] == "avoid"
    by_code = {r["code"]: r for r in body["reasons"]}
    assert by_code["cephalosporin.ethanol"]["because"] == "头孢呋辛酯片 0.25g"
    assert by_code["paracetamol.ethanol"]["because"] == "对乙酰氨基酚片 0.5g"
    assert "warfarin.ethanol" in by_code
    assert (
        "post_op.ethanol" in by_code
    )  # knee replacement 9 days ago (the demo story, moved to today)
    assert "7天" in body["advice"]


def test_demo_surgery_spinach_is_caution_keep_intake_steady(demo_world) -> None:
    status, body = _post(_client("nurse_li"), {"patient_id": "demo-surgery", "food": "菠菜"})
    assert status == 200
    assert body["verdict"] == "caution"
    assert [r["code"] for r in body["reasons"]] == ["warfarin.vitamin_k"]
    assert body["reasons"][0]["because"] == "华法林钠片 3mg"
    assert "稳定" in body["advice"]


def test_demo_htn_dm_grapefruit_names_amlodipine_and_atorvastatin(demo_world) -> None:
    status, body = _post(_client("dr_wang"), {"patient_id": "demo-htn-dm", "food": "西柚"})
    assert status == 200
    assert body["verdict"] == "caution"
    because = {r["code"]: r["because"] for r in body["reasons"]}
    assert because["dhp_ccb.grapefruit"] == "苯磺酸氨氯地平片 5mg"
    assert because["atorvastatin.grapefruit"] == "阿托伐他汀钙片 20mg"
    assert "1.2升" in body["advice"]


def test_demo_htn_dm_cola_is_avoid_for_diabetes_from_the_record(demo_world) -> None:
    status, body = _post(_client("dr_wang"), {"patient_id": "demo-htn-dm", "food": "可乐"})
    assert status == 200 and body["verdict"] == "avoid"
    assert any(
        r["code"] == "diabetes.sugary_drink" and r["because"] == "2型糖尿病"
        for r in body["reasons"]
    )


def test_a_drug_allergy_in_the_record_does_not_block_food(demo_world) -> None:
    status, body = _post(_client("dr_wang"), {"patient_id": "demo-surgery", "food": "苹果"})
    assert status == 200
    assert body["verdict"] == "ok"  # penicillin allergy is not a food allergy
    assert body["context"]["allergies"] == [{"name": "青霉素", "allergen": "non-food"}]


def test_a_patient_user_is_answered_from_their_own_record(demo_world) -> None:
    status, body = _post(_client("zhang_wei"), {"question": "能吃菠菜吗"})
    assert status == 200
    assert body["verdict"] == "caution"
    assert body["reasons"][0]["code"] == "warfarin.vitamin_k"


def test_an_outsider_gets_404_for_a_patient_outside_their_compartment(demo_world) -> None:
    status, _ = _post(_client("nurse_zhao"), {"patient_id": "demo-surgery", "food": "菠菜"})
    assert status == 404
    status, _ = _post(_client("zhang_wei"), {"patient_id": "demo-htn-dm", "food": "菠菜"})
    assert status == 404


def test_an_unknown_patient_is_404(demo_world) -> None:
    status, _ = _post(_client("admin"), {"patient_id": "no-such-patient", "food": "菠菜"})
    assert status == 404


def test_explicit_context_without_a_record(demo_world) -> None:
    body = {
        "patient": {
            "conditions": [{"code": "90560007", "system": "http://snomed.info/sct"}],
            "allergies": [],
            "current_medications": ["秋水仙碱"],
        },
        "food": "西柚汁",
    }
    status, answer = _post(_client("dr_wang"), body)
    assert status == 200
    assert answer["verdict"] == "avoid"
    assert [r["code"] for r in answer["reasons"]] == ["colchicine.grapefruit"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "food"),
        ({"food": ""}, "food"),
        ({"food": "   "}, "food"),
        ({"food": "菜" * 101}, "food"),
        ({"question": "能" * 501}, "question"),
        ({"food": 12}, None),
        ({"food": "苹果", "patient": {"current_medications": "华法林"}}, "patient"),
        ({"food": "苹果", "patient": {"current_medications": [7]}}, "patient"),
        ({"food": "苹果", "patient": {"conditions": ["痛风"] * 51}}, "patient"),
        ({"food": "苹果", "patient": "痛风"}, "patient"),
        ([1, 2], None),
    ],
)
def test_bad_input_is_a_clear_400(db, body: object, field: str | None) -> None:
    ensure_demo_users()
    status, answer = _post(_client("dr_wang"), body)
    assert status == 400
    if field:
        assert field in answer


def test_nonsense_food_is_unknown_not_ok(db) -> None:
    ensure_demo_users()
    status, body = _post(_client("dr_wang"), {"food": "@@##$$"})
    assert status == 200 and body["verdict"] == "unknown"


@pytest.mark.django_db
@hsettings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    food=st.text(min_size=1, max_size=100),
    meds=st.lists(st.text(min_size=1, max_size=50), max_size=3),
)
def test_any_text_gets_an_answer_or_a_400_never_a_500(food: str, meds: list[str]) -> None:
    ensure_demo_users()
    client = _client("dr_wang")
    for body in (
        {"food": food, "patient": {"current_medications": meds}},
        {"question": food},
    ):
        status, answer = _post(client, body)
        assert status in (200, 400)
        if status == 200:
            assert answer["verdict"] in ("avoid", "caution", "ok", "unknown")


def _medication(pid: str, text: str, status: str, end: str) -> dict:
    return {
        "resourceType": "MedicationRequest",
        "status": status,
        "intent": "order",
        "medicationCodeableConcept": {"text": text},
        "subject": {"reference": f"Patient/{pid}"},
        "dispenseRequest": {"validityPeriod": {"start": day(-60), "end": end}},
    }


def test_a_recently_stopped_metronidazole_still_rules_out_alcohol(demo_world) -> None:
    store.write(_medication("demo-htn-dm", "甲硝唑片 0.2g", "completed", day(-2)))
    store.write(
        _medication("demo-htn-dm", "替硝唑片 0.5g", "completed", day(-58))
    )  # outside tinidazole's 3-day washout
    status, body = _post(_client("dr_wang"), {"patient_id": "demo-htn-dm", "food": "啤酒"})
    assert status == 200 and body["verdict"] == "avoid"
    because = {r["code"]: r["because"] for r in body["reasons"]}
    # the washout of metronidazole is 7 days (clinical/knowledge/data/washout.csv)
    note = f"甲硝唑片 0.2g（{day(-2)}停用，停药后7天内仍需注意）"
    assert because["nitroimidazole.ethanol"] == note
    names = [m["name"] for m in body["context"]["medicines"]]
    assert note in names
    assert not any("替硝唑" in n for n in names)  # stopped 8 weeks ago (washout 3 days)


def test_a_cancelled_order_does_not_count(demo_world) -> None:
    store.write(_medication("demo-htn-dm", "辛伐他汀片 20mg", "cancelled", day(+30)))
    status, body = _post(_client("dr_wang"), {"patient_id": "demo-htn-dm", "food": "西柚"})
    assert status == 200
    assert "simvastatin.grapefruit" not in [r["code"] for r in body["reasons"]]


def _lab(pid: str, loinc: str, value: float, unit: str, when: str) -> dict:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": loinc}]},
        "subject": {"reference": f"Patient/{pid}"},
        "effectiveDateTime": when,
        "valueQuantity": {"value": value, "unit": unit, "system": "http://unitsofmeasure.org"},
    }


def test_a_low_egfr_in_the_record_brings_the_ckd_rules(demo_world) -> None:
    client = _client("dr_wang")
    _, before = _post(client, {"patient_id": "demo-htn-dm", "food": "杨桃"})
    assert before["verdict"] == "caution"  # diabetes: fruit in moderation
    store.write(_lab("demo-htn-dm", "62238-1", 42, "mL/min/{1.73_m2}", at(-9)))
    _, after = _post(client, {"patient_id": "demo-htn-dm", "food": "杨桃"})
    assert after["verdict"] == "avoid"
    reason = next(r for r in after["reasons"] if r["code"] == "ckd.star_fruit")
    assert reason["because"] == f"估算肾小球滤过率 42 mL/min/{{1.73_m2}}（{day(-9)}）"


def test_only_the_latest_lab_counts_and_units_must_match(demo_world) -> None:
    client = _client("dr_wang")
    store.write(_lab("demo-htn-dm", "2823-3", 5.8, "mmol/L", at(-28)))
    store.write(_lab("demo-htn-dm", "2823-3", 4.2, "mmol/L", at(-4)))
    store.write(_lab("demo-htn-dm", "3084-1", 9.9, "g/L", at(-4)))
    _, body = _post(client, {"patient_id": "demo-htn-dm", "food": "低钠盐"})
    keys = {c["key"] for c in body["context"]["conditions"]}
    assert "hyperkalaemia" not in keys  # 5.8 was superseded by 4.2
    assert "hyperuricaemia" not in keys  # unknown unit: no guessed conversion


def test_an_avoid_answer_carries_no_permissive_advice_of_caution_rules(demo_world) -> None:
    # warfarin + alcohol is a caution rule ("如果喝，偶尔少量"); cefuroxime makes it avoid.
    _, body = _post(_client("dr_wang"), {"patient_id": "demo-surgery", "question": "能喝酒吗"})
    assert body["verdict"] == "avoid"
    assert "warfarin.ethanol" in {r["code"] for r in body["reasons"]}
    assert "如果喝" not in body["advice"] and "偶尔少量" not in body["advice"]
