"""One inline-patient schema for every endpoint that takes a ``patient`` object (#23).

Before: guidance took age_years/current_medications/weight_kg/pregnancy fields, the monitor
took age/medications and silently ignored the guidance shape, so a 6-year-old told to take
aspirin was released; diet ignored age and weight silently.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinical.knowledge import patient as kp
from tests.monitor.ammed_monitor_helpers import client_for, demo_db, post_json  # noqa: F401

GUIDANCE = "/api/v1/guidance/medication"
DIET = "/api/v1/consult/diet"
MONITOR = "/api/v1/monitor/check"
pytestmark = pytest.mark.django_db
ASPIRIN = "孩子发烧可以吃阿司匹林肠溶片，一次100mg，一天三次。"


def _body(url: str, patient: object) -> dict:
    if url == GUIDANCE:
        return {"patient": patient, "cabinet": ["泰诺林"], "temperature_c": 38.5}
    if url == DIET:
        return {"patient": patient, "food": "西柚汁"}
    return {"patient": patient, "text": "请多喝水。"}


@pytest.mark.parametrize(
    "patient",
    [
        {"age_years": 6, "sex": "male", "weight_kg": 20, "current_medications": ["布地奈德"]},
        {"age": 6, "medications": [{"name": "布地奈德", "dosage": "每日两次"}]},  # legacy shape
    ],
    ids=["guidance-shape", "legacy-monitor-shape"],
)
def test_the_guidance_shape_sent_to_the_monitor_holds_aspirin_for_a_six_year_old(
    demo_db,  # noqa: F811
    patient,
):
    resp = post_json(client_for("dr_wang"), MONITOR, {"text": ASPIRIN, "patient": patient})
    assert resp.status_code == 200, resp.content[:300]
    body = resp.json()
    assert body["action"] == "hold", body
    ctx = kp.PatientContext.from_inline(patient)
    assert ctx.age_years == 6 and [o.text for o in ctx.orders] == ["布地奈德"]


def test_the_same_adult_is_released():
    ctx = kp.PatientContext.from_inline({"age_years": 40, "weight_kg": 70})
    assert ctx.age_years == 40 and ctx.weight_kg == 70


@pytest.mark.parametrize("url", [GUIDANCE, DIET, MONITOR])
def test_unknown_keys_are_a_400_naming_each_of_them(demo_db, url):  # noqa: F811
    patient = {"age_years": 30, "wieght": 60, "pregnancy_week": 30}
    resp = post_json(client_for("dr_wang"), url, _body(url, patient))
    assert resp.status_code == 400, resp.content[:300]
    errors = resp.json()["patient"]
    assert {"wieght", "pregnancy_week"} <= set(errors), errors


@pytest.mark.parametrize("url", [GUIDANCE, DIET, MONITOR])
def test_an_unknown_key_inside_an_item_is_a_400(demo_db, url):  # noqa: F811
    patient = {"age_years": 30, "conditions": [{"text": "高血压", "severity": "mild"}]}
    resp = post_json(client_for("dr_wang"), url, _body(url, patient))
    assert resp.status_code == 400, resp.content[:300]
    assert "severity" in resp.content.decode()


@pytest.mark.parametrize("url", [GUIDANCE, DIET, MONITOR])
def test_a_key_given_under_its_alias_too_is_a_400(demo_db, url):  # noqa: F811
    patient = {"age_years": 30, "age": 31}
    resp = post_json(client_for("dr_wang"), url, _body(url, patient))
    assert resp.status_code == 400
    assert "age" in resp.json()["patient"]


@pytest.mark.parametrize("url", [GUIDANCE, DIET, MONITOR])
def test_the_full_canonical_shape_is_accepted_everywhere(demo_db, url):  # noqa: F811
    patient = {
        "id": "p1",
        "age_years": 31,
        "sex": "female",
        "weight_kg": 60,
        "pregnant": True,
        "pregnancy_weeks": 20,
        "breastfeeding": False,
        "conditions": ["高血压", {"text": "2型糖尿病", "code": "44054006", "system": kp.SNOMED}],
        "allergies": ["青霉素", {"text": "花生", "category": ["food"]}],
        "current_medications": ["苯磺酸氨氯地平片 5mg", {"name": "二甲双胍", "dosage": "0.5g bid"}],
        "labs": [
            {"loinc": "33914-3", "value": 25, "unit": "mL/min/{1.73_m2}", "date": "2026-01-02"}
        ],
        "recent_surgery_days": 40,
    }
    resp = post_json(client_for("dr_wang"), url, _body(url, patient))
    assert resp.status_code == 200, resp.content[:400]


def test_diet_sees_the_lab_derived_ckd_of_an_inline_patient(demo_db):  # noqa: F811
    lab = {"loinc": "33914-3", "value": 25, "unit": "mL/min/{1.73_m2}"}
    resp = post_json(client_for("dr_wang"), DIET, {"patient": {"labs": [lab]}, "food": "杨桃"})
    assert resp.status_code == 200, resp.content[:300]
    assert "ckd.star_fruit" in {r["code"] for r in resp.json()["reasons"]}


def test_guidance_still_needs_the_age(demo_db):  # noqa: F811
    resp = post_json(client_for("dr_wang"), GUIDANCE, _body(GUIDANCE, {"sex": "female"}))
    assert resp.status_code == 400
    assert "age_years" in resp.json()["patient"]


@pytest.mark.parametrize(
    "patient",
    [
        {"age_years": 30, "pregnant": False, "pregnancy_weeks": 20},
        {"age_years": 40, "sex": "male", "pregnant": True},
        {"age_years": 70, "pregnant": True},
        {"age_years": "30"},
        {"pregnant": "yes"},
        {"weight_kg": 0},
        {"conditions": "高血压"},
        {"labs": [{"loinc": "33914-3", "value": 25}]},
        {"sex": []},
        {"sex": {"a": 1}},
        {"conditions": [{"code": {"coding": "x"}}]},
        {"conditions": [{"text": ["x"]}]},
        {"current_medications": [{"name": "华法林", "dosage": 3}]},
        {"allergies": [{"text": "花生", "category": [{"x": 1}]}]},
    ],
)
def test_malformed_values_are_errors(patient):
    with pytest.raises(kp.InlinePatientError):
        kp.PatientContext.from_inline(patient)


def test_weeks_without_pregnant_mean_pregnant():
    ctx = kp.PatientContext.from_inline({"age_years": 29, "pregnancy_weeks": 33})
    assert ctx.pregnant is True and ctx.pregnancy_weeks == 33


def test_the_schema_is_one_component_used_by_every_endpoint(demo_db):  # noqa: F811
    schema = client_for("dr_wang").get("/api/schema/?format=json").json()
    component = schema["components"]["schemas"]["InlinePatient"]
    assert {"age_years", "current_medications", "labs", "weight_kg"} <= set(component["properties"])
    for name in ("GuidanceRequest", "DietConsultRequest", "CheckRequest"):
        ref = schema["components"]["schemas"][name]["properties"]["patient"]
        assert "InlinePatient" in str(ref), (name, ref)


def test_legacy_monitor_values_still_parse():
    ctx = kp.PatientContext.from_inline(
        {"age": 30, "sex": "女", "medications": [{"name": "华法林", "dosage": "3mg qd"}]}
    )
    assert ctx.age_years == 30 and ctx.sex == "female"
    (order,) = ctx.orders
    assert order.ingredients == ("warfarin",) and order.dosage == "3mg qd" and order.current


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(["男", "female", "华法林", "33914-3", kp.SNOMED, "44054006"]),
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(
                ["text", "name", "code", "system", "coding", "dosage", "category"]
                + ["days_ago", "date", "bp_systolic", "bp_diastolic", "spo2"]
            ),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=12,
)
_KEYS = st.sampled_from(
    ["id", "age", "age_years", "sex", "weight_kg", "pregnant", "pregnancy_weeks"]
    + ["breastfeeding", "conditions", "allergies", "current_medications", "medications"]
    + ["labs", "recent_surgery_days", "recent_surgery", "vitals"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(patient=st.dictionaries(_KEYS, _JSON, max_size=8))
def test_any_json_is_a_context_or_a_named_error_never_a_crash(patient):
    try:
        ctx = kp.PatientContext.from_inline(patient)
    except kp.InlinePatientError as exc:
        assert exc.errors
        return
    assert isinstance(ctx, kp.PatientContext)
