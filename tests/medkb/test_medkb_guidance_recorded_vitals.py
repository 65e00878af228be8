"""A stored patient's vital signs reach guidance as inline ``vitals`` do (#23, task h6).

``POST /api/v1/guidance/medication`` with a ``patient_id`` builds the one PatientContext from the
record; its current vital-sign Observations (temperature, BP — alone or as a panel — heart rate,
respiratory rate, SpO2, glucose; the latest of each kind within its currency window, the
observations table's ``current_hours`` that follow-up judges with: 72 h) reach the shared syndrome and red-flag rules. A reading older than that, in a unit
the observations table cannot convert, or implausible, does not; an inline reading of a kind
(``temperature_c``) wins over the record's. Records are written through ``POST /fhir``.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from rest_framework.test import APIClient

from ammed_fhir.models import PatientAssignment

URL = "/api/v1/guidance/medication"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
ANALGESICS = ["泰诺林", "布洛芬缓释胶囊"]
pytestmark = pytest.mark.django_db


@pytest.fixture
def doctor() -> APIClient:
    g, _ = Group.objects.get_or_create(name="physician")
    user = get_user_model().objects.create_user(username="vitals-doc")
    user.groups.add(g)
    for pid in ("vit-colon", "vit-partum", "vit-fever"):
        PatientAssignment.objects.create(patient_id=pid, user=user)
    client = APIClient()
    client.force_authenticate(user)
    return client


def _iso(hours_ago: float) -> str:
    return (timezone.now() - timedelta(hours=hours_ago)).isoformat()


def _patient(pid: str, sex: str, birth: str) -> dict[str, Any]:
    return {"resourceType": "Patient", "id": pid, "gender": sex, "birthDate": birth}


def _procedure(pid: str, text: str, code: str | None, days_ago: int) -> dict[str, Any]:
    concept: dict[str, Any] = {"text": text}
    if code:
        concept["coding"] = [{"system": SNOMED, "code": code}]
    return {
        "resourceType": "Procedure",
        "id": f"{pid}-op",
        "status": "completed",
        "subject": {"reference": f"Patient/{pid}"},
        "code": concept,
        "performedDateTime": _iso(24 * days_ago),
    }


def _vital(
    pid: str, oid: str, loinc: str, value: float, unit: str, hours_ago: float
) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "vital-signs",
                    }
                ]
            }
        ],
        "subject": {"reference": f"Patient/{pid}"},
        "code": {"coding": [{"system": LOINC, "code": loinc}]},
        "effectiveDateTime": _iso(hours_ago),
        "valueQuantity": {
            "value": value,
            "unit": unit,
            "system": "http://unitsofmeasure.org",
            "code": unit,
        },
    }


def _bp_panel(pid: str, oid: str, sbp: float, dbp: float, hours_ago: float) -> dict[str, Any]:
    obs = _vital(pid, oid, "85354-9", 0, "mm[Hg]", hours_ago)
    del obs["valueQuantity"]
    obs["component"] = [
        {
            "code": {"coding": [{"system": LOINC, "code": code}]},
            "valueQuantity": {
                "value": v,
                "unit": "mm[Hg]",
                "system": "http://unitsofmeasure.org",
                "code": "mm[Hg]",
            },
        }
        for code, v in (("8480-6", sbp), ("8462-4", dbp))
    ]
    return obs


def _push(_doctor: APIClient, *resources: dict[str, Any]) -> None:
    """Write the records as an EMR does: a transaction Bundle posted to /fhir by an integration
    account."""
    g, _ = Group.objects.get_or_create(name="integration")
    user, _ = get_user_model().objects.get_or_create(username="vitals-emr")
    user.groups.add(g)
    client = APIClient()
    client.force_authenticate(user)
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "resource": r,
                "request": {"method": "PUT", "url": f"{r['resourceType']}/{r['id']}"},
            }
            for r in resources
        ],
    }
    resp = client.post("/fhir", data=json.dumps(bundle), content_type="application/fhir+json")
    assert resp.status_code == 200, resp.content[:600]


def _ask(client: APIClient, pid: str, words: list[str], **extra: Any) -> dict[str, Any]:
    body = {"patient_id": pid, "symptoms": words, "cabinet": ANALGESICS, **extra}
    resp = client.post(URL, body, format="json")
    assert resp.status_code == 200, resp.content[:400]
    return resp.json()


def _codes(out: dict[str, Any]) -> set[str]:
    return {f["code"] for f in out["see_doctor"]["flags"]}


COLON = ("乙状结肠切除吻合术", "84604002", 5)


def test_a_stored_heart_rate_after_a_colectomy_reaches_the_sepsis_rule(doctor):
    """As the inline test (``patient.vitals.heart_rate`` 118 + 肚子痛 after a colectomy):
    before, the record's heart rate never reached guidance and the answer was the words'."""
    _push(doctor, _patient("vit-colon", "male", "1959-03-01"), _procedure("vit-colon", *COLON))
    assert "syndrome-postop-abdominal-sepsis" not in _codes(_ask(doctor, "vit-colon", ["肚子痛"]))
    _push(doctor, _vital("vit-colon", "vit-colon-hr", "8867-4", 118, "/min", 2))
    out = _ask(doctor, "vit-colon", ["肚子痛"])
    assert "syndrome-postop-abdominal-sepsis" in _codes(out)
    assert out["see_doctor"]["urgency"] == "emergency"
    assert {i["verdict"] for i in out["items"]} == {"avoid"}


def test_a_stored_heart_rate_older_than_its_currency_window_is_not_current(doctor):
    _push(
        doctor,
        _patient("vit-colon", "male", "1959-03-01"),
        _procedure("vit-colon", *COLON),
        _vital("vit-colon", "vit-colon-hr", "8867-4", 118, "/min", 73),
    )
    assert "syndrome-postop-abdominal-sepsis" not in _codes(_ask(doctor, "vit-colon", ["肚子痛"]))


def test_a_stored_blood_pressure_panel_post_partum_is_an_emergency(doctor):
    _push(
        doctor,
        _patient("vit-partum", "female", "1995-06-01"),
        _procedure("vit-partum", "顺产", None, 21),
        _bp_panel("vit-partum", "vit-partum-bp", 165, 110, 1),
    )
    out = _ask(doctor, "vit-partum", ["鼻塞"])
    assert "syndrome-postpartum-severe-hypertension" in _codes(out)
    assert out["see_doctor"]["urgency"] == "emergency"


def test_the_latest_reading_and_its_hour_are_judged_on_the_most_concerning_value(doctor):
    """Two readings within the hour disagree (165/110, then 128/80 ten minutes later): the
    group stands, as in follow-up; a normal reading does not hide the high one."""
    _push(
        doctor,
        _patient("vit-partum", "female", "1995-06-01"),
        _procedure("vit-partum", "顺产", None, 21),
        _bp_panel("vit-partum", "vit-partum-bp1", 165, 110, 1),
        _bp_panel("vit-partum", "vit-partum-bp2", 128, 80, 0.8),
    )
    assert "syndrome-postpartum-severe-hypertension" in _codes(_ask(doctor, "vit-partum", ["鼻塞"]))


def test_a_stored_temperature_in_fahrenheit_is_read_and_an_inline_one_wins(doctor):
    _push(
        doctor,
        _patient("vit-fever", "male", "1980-01-01"),
        _vital("vit-fever", "vit-fever-t", "8310-5", 104.9, "[degF]", 1),  # 40.5 ℃
    )
    assert "hyperpyrexia" in _codes(_ask(doctor, "vit-fever", ["头痛"]))
    # the request's own temperature is the current one: the record's is not read for that kind
    assert "hyperpyrexia" not in _codes(_ask(doctor, "vit-fever", ["头痛"], temperature_c=37.0))


@pytest.mark.parametrize(
    ("value", "unit"),
    [(40.5, "furlongs"), (75.0, "Cel")],  # an unknown unit; an implausible value
    ids=["unknown-unit", "implausible"],
)
def test_a_stored_reading_that_cannot_be_read_is_left_out_with_a_note(doctor, value, unit):
    from clinical.knowledge.patient import PatientContext

    _push(
        doctor,
        _patient("vit-fever", "male", "1980-01-01"),
        _vital("vit-fever", "vit-fever-t", "8310-5", value, unit, 1),
    )
    ctx = PatientContext.for_patient("vit-fever")
    assert ctx is not None and ctx.recorded_vitals == ()
    assert any("Observation/vit-fever-t" in n and "体温" in n for n in ctx.notes), ctx.notes
    assert "hyperpyrexia" not in _codes(_ask(doctor, "vit-fever", ["头痛"]))


def test_an_outsider_cannot_read_a_record_through_guidance(doctor):
    """The outsider persona: a user not assigned to the patient gets 404, nothing of the
    record's vitals."""
    _push(
        doctor,
        _patient("vit-fever", "male", "1980-01-01"),
        _vital("vit-fever", "vit-fever-t", "8310-5", 40.5, "Cel", 1),
    )
    g, _ = Group.objects.get_or_create(name="nurse")
    user = get_user_model().objects.create_user(username="vitals-outsider")
    user.groups.add(g)
    outsider = APIClient()
    outsider.force_authenticate(user)
    resp = outsider.post(
        URL, {"patient_id": "vit-fever", "symptoms": ["头痛"], "cabinet": ANALGESICS}, format="json"
    )
    assert resp.status_code == 404
