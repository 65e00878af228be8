"""POST /api/v1/guidance/medication over HTTP: validation, access, patient record."""

from __future__ import annotations

import json

import pytest

URL = "/api/v1/guidance/medication"
PATIENT = {"age_years": 35, "sex": "female"}


def post(client, body) -> tuple[int, dict]:
    r = client.post(URL, data=json.dumps(body), content_type="application/json")
    return r.status_code, r.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"patient": {"age_years": 300}, "cabinet": ["泰诺林"], "temperature_c": 38.5}, "patient"),
        (
            {"patient": {**PATIENT, "weight_kg": 0}, "cabinet": ["泰诺林"], "temperature_c": 38.5},
            "patient",
        ),
        (
            {
                "patient": {"age_years": 40, "sex": "male", "pregnant": True},
                "cabinet": ["泰诺林"],
                "temperature_c": 38.5,
            },
            "patient",
        ),
        (
            {
                "patient": {**PATIENT, "pregnant": False, "pregnancy_weeks": 20},
                "cabinet": ["泰诺林"],
                "temperature_c": 38.5,
            },
            "patient",
        ),
        ({"patient": PATIENT, "cabinet": [], "temperature_c": 38.5}, "cabinet"),
        ({"patient": PATIENT, "temperature_c": 38.5}, "cabinet"),
        ({"patient": PATIENT, "cabinet": ["泰诺林"] * 31, "temperature_c": 38.5}, "cabinet"),
        ({"patient": PATIENT, "cabinet": [""], "temperature_c": 38.5}, "cabinet"),
        ({"patient": PATIENT, "cabinet": ["泰诺林"], "temperature_c": 55}, "temperature_c"),
        ({"patient": PATIENT, "cabinet": ["泰诺林"], "temperature_c": "hot"}, "temperature_c"),
        ({"patient": PATIENT, "cabinet": ["泰诺林"]}, "symptoms"),
        ({"cabinet": ["泰诺林"], "temperature_c": 38.5}, "patient"),
        (
            {
                "patient": PATIENT,
                "patient_id": "demo-surgery",
                "cabinet": ["泰诺林"],
                "temperature_c": 38.5,
            },
            "patient",
        ),
        ({"patient": PATIENT, "cabinet": "泰诺林", "temperature_c": 38.5}, "cabinet"),
        ({"patient": PATIENT, "cabinet": [{"x": 1}], "temperature_c": 38.5}, "cabinet"),
    ],
)
def test_bad_input_is_400_with_field_errors(clients, body: dict, field: str) -> None:
    status, data = post(clients["doctor"], body)
    assert status == 400, data
    assert field in data, data


def test_non_object_body_and_broken_json_are_400(clients) -> None:
    status, _ = post(clients["doctor"], ["泰诺林"])
    assert status == 400
    r = clients["doctor"].post(URL, data="{not json", content_type="application/json")
    assert r.status_code == 400
    r = clients["doctor"].post(
        URL,
        data='{"patient": {"age_years": NaN}, "cabinet": ["泰诺林"], "temperature_c": 38}',
        content_type="application/json",
    )
    assert r.status_code == 400


def test_anonymous_is_refused(clients) -> None:
    # Exactly 401 (was "401 or 403"): token authentication comes first in settings, so an
    # anonymous caller is told to authenticate, and nothing about the drugs leaks.
    r = clients["anonymous"].post(
        URL,
        data=json.dumps({"patient": PATIENT, "cabinet": ["泰诺林"]}),
        content_type="application/json",
    )
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == "Token"
    assert "items" not in r.json()


def test_inline_patient_answer_shape(clients) -> None:
    status, data = post(
        clients["doctor"],
        {"patient": PATIENT, "cabinet": ["泰诺林", "不存在的药"], "temperature_c": 38.5},
    )
    assert status == 200
    assert set(data) >= {"items", "advice", "see_doctor", "sources"}
    first, second = data["items"]
    assert first["verdict"] == "recommended" and first["otc"] is True
    assert set(first["dose"]) >= {"text", "per_dose_mg", "max_daily_mg", "interval_hours"}
    assert first["dose"]["ingredient"] == "paracetamol"
    assert second["verdict"] == "unknown" and second["dose"] is None


def test_patient_id_uses_the_record(clients, demo_records) -> None:
    status, data = post(
        clients["doctor"],
        {
            "patient_id": "demo-surgery",
            "cabinet": ["泰诺林", "布洛芬缓释胶囊", "感冒灵颗粒", "阿莫西林胶囊", "藿香正气水"],
            "temperature_c": 38.5,
            "symptoms": ["发烧"],
        },
    )
    assert status == 200, data
    v = {i["input"]: i for i in data["items"]}
    # prescribed paracetamol is on the record: a second paracetamol product is avoided (#15)
    assert v["泰诺林"]["verdict"] == "avoid"
    assert v["布洛芬缓释胶囊"]["verdict"] == "avoid"  # warfarin from the record
    assert any(r["code"] == "interaction" for r in v["布洛芬缓释胶囊"]["reasons"])
    assert any(r["code"] == "allergy" for r in v["阿莫西林胶囊"]["reasons"])  # 青霉素 allergy
    assert any(r["code"] == "interaction" for r in v["藿香正气水"]["reasons"])  # cefuroxime
    # 9 days after knee replacement: fever is a post-operative red flag
    assert data["see_doctor"]["urgency"] == "urgent"
    assert any("手术" in r for r in data["see_doctor"]["reasons"])
    assert any(
        (r["code"], r["severity"]) == ("duplicate_ingredient", "avoid")
        for r in v["泰诺林"]["reasons"]
    )


def test_patient_can_ask_for_themselves(clients, demo_records) -> None:
    """Issue 21: this checked only the 200. The point is that the patient's own record is
    used: the answer is the one her care team gets for the same question, and it knows the
    paracetamol already prescribed to her (duplicate ingredient) and her fever after surgery."""
    body = {"patient_id": "demo-surgery", "cabinet": ["泰诺林"], "temperature_c": 38.5}
    status, data = post(clients["patient"], body)
    assert status == 200, data
    (item,) = data["items"]
    assert item["input"] == "泰诺林" and item["verdict"] == "avoid"
    assert any(r["code"] == "duplicate_ingredient" for r in item["reasons"])
    assert data["see_doctor"]["urgency"] == "urgent"
    assert data == post(clients["doctor"], body)[1]


def test_outsider_and_other_patient_get_404(clients, demo_records) -> None:
    body = {"patient_id": "demo-surgery", "cabinet": ["泰诺林"], "temperature_c": 38.5}
    status, _ = post(clients["outsider"], body)
    assert status == 404
    status, _ = post(clients["patient"], {**body, "patient_id": "demo-htn-dm"})
    assert status == 404


def test_unknown_patient_id_is_404(clients) -> None:
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", password=None)
    clients["doctor"].force_authenticate(admin)
    body = {"patient_id": "nobody", "cabinet": ["泰诺林"], "temperature_c": 38.5}
    status, _ = post(clients["doctor"], body)
    assert status == 404


def test_from_record_builds_context(demo_records) -> None:
    from clinical.medkb import api

    # The demo record is moved to today (ammed_fhir/demo_fixtures.py): she is 58 on any day.
    ctx = api.PatientContext.from_record("demo-htn-dm")
    assert ctx is not None
    assert 58 <= ctx.age_years < 59 and ctx.sex == "female" and ctx.weight_kg == 68.5
    assert any("磺胺" in a for a in ctx.allergies)
    keys = {k for m in ctx.current_medications for k in api.ingredients_of(m)}
    assert keys == {"metformin", "amlodipine", "atorvastatin"}
    reasons = api.check_patient(["hydrochlorothiazide", "pseudoephedrine"], ctx)
    got = {(r.code, r.ingredient) for r in reasons}
    assert ("allergy", "hydrochlorothiazide") in got  # sulfonamide cross-reactivity
    assert ("contraindication", "pseudoephedrine") in got  # hypertension
    assert api.PatientContext.from_record("nobody") is None
