"""The knowledge layer reads the record as Chinese EMRs code it (#15, #23): ICD-9-CM-3
operation codes (国家临床版 3.0), ICD-10 diagnoses with local suffixes, a contained Medication
behind ``medicationReference``, and an order it cannot read is named, never absent."""

from __future__ import annotations

import datetime as dt

from ammed_fhir.store import PatientRecord
from clinical.knowledge import patient as kp
from clinical.knowledge import syndromes as ks

ICD9 = "http://hl7.org/fhir/sid/icd-9-cm"
SNOMED = "http://snomed.info/sct"
NOW = dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.UTC)


def test_procedure_codes_keep_snomed_and_tag_icd9cm3_with_or_without_a_system():
    codes = ks.procedure_codes(
        [
            (SNOMED, "13619001"),
            (ICD9, "81.51"),
            (ICD9, "8151"),  # undotted, of an ICD-9-CM system
            ("http://his.example.cn/ops", "45.7300x001"),  # 国家临床版 3.0 shape, local system
            ("http://his.example.cn/ops", "123456"),  # a local code: left out
        ]
    )
    assert codes == ("13619001", "icd9cm3:8151", "icd9cm3:457300X001")


def _window(code: str, days: float, name: str) -> bool:
    f = ks.Findings(procedures=(ks.Procedure(days, "", ks.procedure_codes([(ICD9, code)])),))
    return ks._window(f, name) is not None


def test_icd9cm3_categories_open_their_windows_and_no_other():
    assert _window("06.4", 3, "neck_endocrine_surgery")  # complete thyroidectomy
    assert _window("06.89", 3, "neck_endocrine_surgery")  # parathyroidectomy
    assert _window("74.1", 10, "postpartum")  # low cervical caesarean
    assert _window("73.59", 10, "postpartum")  # assisted spontaneous delivery
    assert _window("45.73", 5, "abdominal_surgery")  # right hemicolectomy
    assert _window("81.51", 30, "hip_arthroplasty")  # total hip replacement
    assert not _window("81.54", 30, "hip_arthroplasty")  # total knee replacement
    assert not _window("74.3", 10, "postpartum")  # removal of ectopic pregnancy
    assert not _window("06.4", 45, "neck_endocrine_surgery")  # outside 30 days
    assert not _window("81.51", 5, "neck_endocrine_surgery")


def _record(**kw) -> PatientRecord:
    patient = {"resourceType": "Patient", "id": "p1", "birthDate": "1950-01-01"}
    return PatientRecord(patient=patient, **kw)


def test_icd10_with_local_suffix_and_icd9_surgery_reach_the_context():
    cond = {
        "resourceType": "Condition",
        "id": "c1",
        "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cn", "code": "I48.900"}]},
    }
    proc = {
        "resourceType": "Procedure",
        "id": "s1",
        "status": "completed",
        "code": {"coding": [{"system": ICD9, "code": "06.4"}]},
        "performedDateTime": (NOW - dt.timedelta(days=2)).isoformat(),
    }
    ctx = kp.build(_record(conditions=[cond], procedures=[proc]), now=NOW)
    assert "atrial_fibrillation" in ctx.condition_keys
    assert ctx.surgeries[0].codes == ("icd9cm3:064",)


def test_contained_medication_is_read_and_an_unreadable_order_is_kept_as_unread():
    contained = {
        "resourceType": "MedicationRequest",
        "id": "m1",
        "status": "active",
        "contained": [{"resourceType": "Medication", "id": "x", "code": {"text": "波立维"}}],
        "medicationReference": {"reference": "#x"},
    }
    bare = {
        "resourceType": "MedicationRequest",
        "id": "m2",
        "status": "active",
        "medicationCodeableConcept": {"coding": [{"system": "urn:his", "code": "HIS-77"}]},
    }
    ctx = kp.build(_record(medication_requests=[contained, bare]), now=NOW)
    assert ctx.orders[0].ingredients == ("clopidogrel",) and not ctx.orders[0].unread
    assert [o.text for o in ctx.unread_orders] == ["HIS-77"]
    assert ctx.on("antiplatelet") and ctx.orders[1].ref == "MedicationRequest/m2"


def test_unread_medicine_matches_only_rules_that_need_a_medicine():
    melena = ks.Findings(symptoms={"melena": ks.Symptom("melena", "Observation/o1")})
    codes = {m.code for m in ks.unread_medicine_matches(melena, ["MedicationRequest/m2"])}
    assert "syndrome-gi-bleed-antithrombotic" in codes
    assert ks.unread_medicine_matches(ks.Findings(), ["MedicationRequest/m2"]) == []
    assert ks.unread_medicine_matches(melena, []) == []
