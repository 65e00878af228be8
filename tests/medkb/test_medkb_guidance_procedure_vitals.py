"""Guidance runs every rule of the shared syndrome table (#15 task D), over HTTP.

A request now carries the operation (``patient.recent_surgery``: its name or SNOMED CT code and
when) and current vital signs (``patient.vitals``), so the rules that need them — hypocalcaemia
and neck haematoma after thyroid surgery, sepsis after abdominal surgery, pre-eclampsia with a
blood pressure — run in guidance as they do in follow-up. Removing those inputs never lowers
the answer below what the words alone give, and adding them never lowers it. The clinician
wording of the rules is in a clinician-facing field, never in patient text.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from clinical.knowledge import syndromes
from tests.monitor.ammed_monitor_helpers import demo_db  # noqa: F401

URL = "/api/v1/guidance/medication"
RANK = {None: 0, "routine": 1, "urgent": 2, "emergency": 3}
SNOMED = "http://snomed.info/sct"
THYROID = {"text": "甲状腺全切术", "code": "13619001", "system": SNOMED, "days_ago": 3}
COLON = {"text": "乙状结肠切除吻合术", "code": "84604002", "system": SNOMED, "days_ago": 5}
DELIVERY = {"text": "剖宫产", "days_ago": 21}
ANALGESICS = ["泰诺林", "布洛芬缓释胶囊"]
pytestmark = pytest.mark.django_db


@pytest.fixture
def api(demo_db) -> APIClient:  # noqa: F811
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username="dr_wang"))
    return client


def _ask(api: APIClient, patient: dict[str, Any], words: list[str], **extra: Any) -> dict:
    body = {"patient": patient, "symptoms": words, "cabinet": extra.pop("cabinet", ANALGESICS)}
    resp = api.post(URL, body, format="json")
    assert resp.status_code == 200, resp.content[:400]
    return resp.json()


def _codes(out: dict) -> set[str]:
    return {f["code"] for f in out["see_doctor"]["flags"]}


def _urgency(out: dict) -> int:
    return RANK[out["see_doctor"]["urgency"]]


def _clinician(code: str) -> str:
    return next(r["clinician"] for r in syndromes.rules() if r["code"] == code)


# --- thyroid surgery ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "surgery",
    [
        THYROID,
        {"text": "甲状腺全切术", "days_ago": 3},  # the name alone
        {"code": "13619001", "system": SNOMED, "days_ago": 3},  # the code alone
        {"coding": [{"system": SNOMED, "code": "13619001"}], "days_ago": 3},  # a CodeableConcept
        # as Chinese EMRs code it: ICD-9-CM-3 06.4 complete thyroidectomy (国家临床版 3.0
        # suffix 06.4x00), and the name in traditional characters (#23)
        {"code": "06.4", "system": "http://hl7.org/fhir/sid/icd-9-cm", "days_ago": 3},
        {"code": "06.4x00", "system": "http://his.example.cn/ops", "days_ago": 3},
        {"text": "甲狀腺全切術", "days_ago": 3},
    ],
    ids=["name-and-code", "name", "code", "codeable-concept", "icd9cm3", "icd9cm3-local", "trad"],
)
def test_tingling_lips_after_thyroidectomy_is_hypocalcaemia_and_no_analgesic_is_offered(
    api, surgery
):
    out = _ask(api, {"age_years": 45, "sex": "female", "recent_surgery": surgery}, ["嘴唇发麻"])
    assert "syndrome-hypocalcaemia" in _codes(out)
    assert out["see_doctor"]["needed"] is True and _urgency(out) >= RANK["urgent"]
    assert all(i["verdict"] != "recommended" for i in out["items"]), out["items"]


def test_cramping_hands_after_thyroidectomy_is_an_emergency(api):
    out = _ask(api, {"age_years": 45, "recent_surgery": THYROID}, ["手脚抽筋"])
    assert "syndrome-hypocalcaemia-tetany" in _codes(out)
    assert out["see_doctor"]["urgency"] == "emergency"
    assert {i["verdict"] for i in out["items"]} == {"avoid"}


def test_a_swollen_neck_after_thyroidectomy_is_an_emergency(api):
    out = _ask(api, {"age_years": 52, "recent_surgery": THYROID}, ["脖子肿起来了"])
    assert "syndrome-neck-haematoma" in _codes(out)
    assert out["see_doctor"]["urgency"] == "emergency"


def test_the_same_words_after_another_operation_do_not_fire_the_thyroid_rules(api):
    knee = {"text": "右侧全膝关节置换术", "days_ago": 3}
    out = _ask(api, {"age_years": 45, "recent_surgery": knee}, ["嘴唇发麻"])
    assert not {"syndrome-hypocalcaemia", "syndrome-hypocalcaemia-tetany"} & _codes(out)


# --- abdominal surgery ----------------------------------------------------------------------


def test_abdominal_pain_with_tachycardia_after_a_colectomy_is_an_emergency(api):
    patient = {"age_years": 66, "recent_surgery": COLON, "vitals": {"heart_rate": 118}}
    out = _ask(api, patient, ["肚子痛"])
    assert "syndrome-postop-abdominal-sepsis" in _codes(out)
    assert out["see_doctor"]["urgency"] == "emergency"


# --- pre-eclampsia --------------------------------------------------------------------------


def test_headache_and_bp_165_110_three_weeks_post_partum_is_an_emergency(api):
    patient = {
        "age_years": 31,
        "sex": "female",
        "recent_surgery": DELIVERY,
        "vitals": {"bp_systolic": 165, "bp_diastolic": 110},
    }
    out = _ask(api, patient, ["头痛"])
    assert {"syndrome-preeclampsia", "syndrome-postpartum-severe-hypertension"} <= _codes(out)
    assert out["see_doctor"]["urgency"] == "emergency"
    assert {i["verdict"] for i in out["items"]} == {"avoid"}


def test_bp_165_110_post_partum_without_symptoms_is_an_emergency(api):
    patient = {
        "age_years": 31,
        "sex": "female",
        "recent_surgery": {"text": "顺产", "days_ago": 21},
        "vitals": {"bp_systolic": 165, "bp_diastolic": 110},
    }
    out = _ask(api, patient, ["鼻塞"])
    assert "syndrome-postpartum-severe-hypertension" in _codes(out)
    assert out["see_doctor"]["urgency"] == "emergency"


def test_without_the_blood_pressure_post_partum_headache_still_goes_to_a_doctor(api):
    patient = {"age_years": 31, "sex": "female", "recent_surgery": DELIVERY}
    out = _ask(api, patient, ["头痛"])
    assert "syndrome-preeclampsia-symptoms" in _codes(out)
    assert _urgency(out) >= RANK["urgent"]
    # not a masking rule: a headache that analgesics do not relieve is itself a severe feature
    # (ACOG Practice Bulletin 222), so paracetamol may stand beside "measure your BP today"


def test_a_normal_blood_pressure_is_not_read_as_pre_eclampsia(api):
    patient = {
        "age_years": 31,
        "sex": "female",
        "recent_surgery": DELIVERY,
        "vitals": {"bp_systolic": 118, "bp_diastolic": 72},
    }
    out = _ask(api, patient, ["头痛"])
    assert not {"syndrome-preeclampsia", "syndrome-postpartum-severe-hypertension"} & _codes(out)


# --- never lower ----------------------------------------------------------------------------

CASES = [
    ({"age_years": 45, "sex": "female", "recent_surgery": THYROID}, ["嘴唇发麻"]),
    ({"age_years": 45, "recent_surgery": THYROID}, ["手脚抽筋"]),
    ({"age_years": 52, "recent_surgery": THYROID}, ["脖子肿起来了"]),
    ({"age_years": 66, "recent_surgery": COLON, "vitals": {"heart_rate": 118}}, ["肚子痛"]),
    (
        {
            "age_years": 31,
            "sex": "female",
            "recent_surgery": DELIVERY,
            "vitals": {"bp_systolic": 165, "bp_diastolic": 110},
        },
        ["头痛，看东西模糊"],
    ),
]


def _without(patient: dict[str, Any], *keys: str) -> dict[str, Any]:
    out = {k: v for k, v in patient.items() if k not in keys}
    if "recent_surgery" in keys and "recent_surgery" in patient:
        out["recent_surgery_days"] = patient["recent_surgery"]["days_ago"]  # days, no name
    return out


@pytest.mark.parametrize(("patient", "words"), CASES)
def test_removing_the_operation_or_the_vitals_never_lowers_below_the_words_alone(
    api, patient, words
):
    full = _ask(api, patient, words)
    words_only = _ask(api, {"age_years": patient["age_years"]}, words)
    for keys in (("recent_surgery",), ("vitals",), ("recent_surgery", "vitals")):
        less = _ask(api, _without(patient, *keys), words)
        assert _urgency(words_only) <= _urgency(less) <= _urgency(full), (keys, less)
        if less["see_doctor"]["urgency"] == "emergency":
            assert all(i["verdict"] == "avoid" for i in less["items"]), less["items"]
    assert _urgency(full) >= RANK["urgent"]


# --- clinician wording ----------------------------------------------------------------------


def test_the_clinician_wording_is_in_a_clinician_field_and_never_in_patient_text(api):
    out = _ask(api, {"age_years": 45, "sex": "female", "recent_surgery": THYROID}, ["嘴唇发麻"])
    notes = {n["code"]: n for n in out["clinician"]["flags"]}
    note = notes["syndrome-hypocalcaemia"]
    assert note["text"] == _clinician("syndrome-hypocalcaemia").replace("{labels}", "口周/指尖发麻")
    assert note["urgency"] == "urgent" and note["source"]
    patient_text = [out["advice"], *out["see_doctor"]["reasons"]]
    patient_text += [f["text"] for f in out["see_doctor"]["flags"]]
    patient_text += [r["text"] for i in out["items"] for r in i["reasons"]]
    assert not any(note["text"] in t for t in patient_text), patient_text
    assert "clinician" not in str(out["see_doctor"])


def test_a_red_flag_without_a_syndrome_still_has_a_clinician_line(api):
    out = _ask(api, {"age_years": 45}, ["胸痛"])
    assert out["clinician"]["flags"], out["clinician"]
    assert {n["code"] for n in out["clinician"]["flags"]} == _codes(out)


def test_no_flag_no_clinician_lines(api):
    out = _ask(api, {"age_years": 30}, ["鼻塞"])
    assert out["see_doctor"]["flags"] == [] and out["clinician"]["flags"] == []


def test_the_response_schema_documents_the_clinician_field(api):
    schema = api.get("/api/schema/?format=json").json()
    props = schema["components"]["schemas"]["GuidanceResponse"]["properties"]
    assert "clinician" in props
    assert "never" in str(schema["components"]["schemas"]).lower()


# --- a stored record ------------------------------------------------------------------------


def test_a_stored_thyroidectomy_reaches_guidance_with_its_name_and_code():
    """``patient_id`` requests read the record's Procedures through the one PatientContext:
    the operation's name and SNOMED CT code reach the shared rules as the inline ones do."""
    from django.utils import timezone

    from clinical.medkb import api as medkb_api
    from clinical.medkb.services.guidance import GuidanceRequest, advise
    from tests.followup.followup_vignette_builder import vignette_record

    now = timezone.now()
    surgery = {"days_ago": 3, "text": "甲状腺全切术", "snomed": "13619001"}
    record = vignette_record({"id": "rec-thy", "age": 45, "sex": "female", "surgery": surgery}, now)
    ctx = medkb_api.PatientContext.from_fhir(record, today=timezone.localdate(now))
    ((days, text, codes),) = ctx.surgeries
    assert text == "甲状腺全切术" and codes == ("13619001",)
    assert 3 <= days <= 4  # three days ago at this hour: 3 or 4 calendar days on the site's zone
    out = advise(GuidanceRequest(patient=ctx, cabinet=ANALGESICS, symptoms=["嘴唇发麻"]))
    assert "syndrome-hypocalcaemia" in _codes(out)
    assert _urgency(out) >= RANK["urgent"]
