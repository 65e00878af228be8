"""The inline patient carries the operation and current vital signs (#15 task D).

``recent_surgery`` (a FHIR Procedure in brief: what was done, as text and/or a SNOMED CT code,
and when: ``days_ago`` or ``date``) and ``vitals`` (current readings: blood pressure, heart
rate, temperature, SpO2, respiratory rate, glucose) are part of the ONE inline schema, so every
endpoint that takes a ``patient`` accepts them and rejects unknown keys inside them by name.
Dates are relative to today: no test depends on the calendar.
"""

from __future__ import annotations

import datetime as dt

import pytest

from clinical.knowledge import patient as kp
from tests.monitor.ammed_monitor_helpers import client_for, demo_db, post_json  # noqa: F401

GUIDANCE = "/api/v1/guidance/medication"
DIET = "/api/v1/consult/diet"
MONITOR = "/api/v1/monitor/check"
THYROID = {"text": "甲状腺全切术", "code": "13619001", "system": kp.SNOMED, "days_ago": 3}


def _body(url: str, patient: object) -> dict:
    if url == GUIDANCE:
        return {"patient": patient, "cabinet": ["泰诺林"], "temperature_c": 38.5}
    if url == DIET:
        return {"patient": patient, "food": "西柚汁"}
    return {"patient": patient, "text": "请多喝水。"}


def test_the_operation_reaches_the_one_context_with_its_name_and_code():
    ctx = kp.PatientContext.from_inline({"age_years": 45, "recent_surgery": THYROID})
    assert ctx.recent_surgery_days == 3
    (surgery,) = ctx.surgeries
    assert surgery.text == "甲状腺全切术" and surgery.codes == ("13619001",)
    assert surgery.day == ctx.today - dt.timedelta(days=3)


def test_an_operation_given_by_its_date_counts_the_days_on_the_patients_calendar():
    today = kp.local_date(None, kp.site_time_zone())
    day = (today - dt.timedelta(days=21)).isoformat()
    ctx = kp.PatientContext.from_inline(
        {"age_years": 30, "sex": "female", "recent_surgery": {"text": "剖宫产", "date": day}}
    )
    assert ctx.recent_surgery_days == 21 and ctx.surgeries[0].text == "剖宫产"


def test_recent_surgery_days_alone_still_works():
    ctx = kp.PatientContext.from_inline({"age_years": 60, "recent_surgery_days": 9})
    assert ctx.recent_surgery_days == 9
    (surgery,) = ctx.surgeries
    assert surgery.text == "" and surgery.codes == ()


def test_an_operation_older_than_the_surgery_window_is_no_recent_surgery():
    ctx = kp.PatientContext.from_inline(
        {"age_years": 60, "recent_surgery": {"text": "阑尾切除术", "days_ago": 400}}
    )
    assert ctx.recent_surgery_days == 400 and ctx.surgeries == ()


def test_vitals_reach_the_one_context():
    ctx = kp.PatientContext.from_inline(
        {
            "age_years": 30,
            "vitals": {
                "bp_systolic": 165,
                "bp_diastolic": 110,
                "heart_rate": 96,
                "temperature_c": 37.1,
                "spo2": 97,
                "resp_rate": 18,
                "glucose_mmol_l": 5.4,
            },
        }
    )
    assert dict(ctx.vitals) == {
        "bp_systolic": 165,
        "bp_diastolic": 110,
        "heart_rate": 96,
        "temperature_c": 37.1,
        "spo2": 97,
        "resp_rate": 18,
        "glucose_mmol_l": 5.4,
    }


@pytest.mark.parametrize(
    ("patient", "named"),
    [
        ({"vitals": {"bp_sys": 150}}, "bp_sys"),
        ({"vitals": {"bp_systolic": 400}}, "bp_systolic"),
        ({"vitals": {"spo2": 120}}, "spo2"),
        ({"vitals": {"temperature_c": 50}}, "temperature_c"),
        ({"vitals": {"heart_rate": "96"}}, "heart_rate"),
        ({"vitals": {"glucose_mmol_l": True}}, "glucose_mmol_l"),
        ({"vitals": {"bp_systolic": 80, "bp_diastolic": 110}}, "bp_diastolic"),
        ({"vitals": [150, 95]}, "vitals"),
        ({"recent_surgery": {"text": "甲状腺全切术"}}, "recent_surgery"),
        ({"recent_surgery": {"text": "x", "days_ago": 3, "date": "2020-01-01"}}, "recent_surgery"),
        ({"recent_surgery": {"text": "x", "days_ago": -1}}, "recent_surgery"),
        ({"recent_surgery": {"text": "x", "when": "昨天"}}, "when"),
        ({"recent_surgery": "甲状腺全切术"}, "recent_surgery"),
        ({"recent_surgery": THYROID, "recent_surgery_days": 3}, "recent_surgery_days"),
    ],
)
def test_malformed_operation_or_vitals_are_errors_naming_the_key(patient, named):
    with pytest.raises(kp.InlinePatientError) as exc:
        kp.PatientContext.from_inline(patient)
    assert named in str(exc.value), exc.value.errors


def test_an_operation_dated_in_the_future_is_an_error():
    today = kp.local_date(None, kp.site_time_zone())
    later = (today + dt.timedelta(days=2)).isoformat()
    with pytest.raises(kp.InlinePatientError, match="recent_surgery"):
        kp.PatientContext.from_inline({"recent_surgery": {"text": "x", "date": later}})


@pytest.mark.parametrize("url", [GUIDANCE, DIET, MONITOR])
def test_an_unknown_vital_is_a_400_naming_it_on_every_endpoint(demo_db, url):  # noqa: F811
    patient = {"age_years": 30, "vitals": {"bp_systolic": 150, "pulse": 90}}
    resp = post_json(client_for("dr_wang"), url, _body(url, patient))
    assert resp.status_code == 400, resp.content[:300]
    assert "pulse" in resp.content.decode()


@pytest.mark.parametrize("url", [GUIDANCE, DIET, MONITOR])
def test_operation_and_vitals_are_accepted_everywhere(demo_db, url):  # noqa: F811
    patient = {
        "age_years": 45,
        "sex": "female",
        "recent_surgery": THYROID,
        "vitals": {"bp_systolic": 128, "bp_diastolic": 80, "heart_rate": 76},
    }
    resp = post_json(client_for("dr_wang"), url, _body(url, patient))
    assert resp.status_code == 200, resp.content[:400]


def test_the_schema_documents_operation_and_vitals_once(demo_db):  # noqa: F811
    schema = client_for("dr_wang").get("/api/schema/?format=json").json()
    props = schema["components"]["schemas"]["InlinePatient"]["properties"]
    assert {"recent_surgery", "recent_surgery_days", "vitals"} <= set(props)
    text = str(props["recent_surgery"]) + str(schema["components"]["schemas"])
    assert "days_ago" in text and "bp_systolic" in text and "glucose_mmol_l" in text
