"""Search (searchset Bundles, paging, parameters), read, metadata and the store API."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from fhir_helpers import observation, patient, post, post_bundle, put, transaction

from ammed_fhir import store

pytestmark = pytest.mark.django_db


def _med(pid: str, rid: str, status: str) -> dict:
    return {
        "resourceType": "MedicationRequest",
        "id": rid,
        "status": status,
        "intent": "order",
        "medicationCodeableConcept": {"text": "氨氯地平片 5mg"},
        "subject": {"reference": f"Patient/{pid}"},
        "authoredOn": "2026-11-20",
    }


@pytest.fixture
def record(emr_client) -> None:
    glucose = {"coding": [{"system": "http://loinc.org", "code": "1558-6"}]}
    entries = [put(patient("s1")), put(patient("s2"))]
    entries += [post(observation("s1", 120 + day, day)) for day in range(1, 8)]
    entries.append(post(observation("s1", 8.6, 28) | {"code": glucose}))
    entries.append(post(observation("s2", 150, 3)))
    entries += [put(_med("s1", "m-active", "active")), put(_med("s1", "m-stop", "stopped"))]
    entries.append(
        put(
            {
                "resourceType": "Communication",
                "id": "c-hold",
                "status": "on-hold",
                "subject": {"reference": "Patient/s1"},
                "payload": [{"contentString": "请按时服药"}],
            }
        )
    )
    assert post_bundle(emr_client, transaction(*entries)).status_code == 200


def _get(client, url: str):
    parts = urlsplit(url)
    resp = client.get(f"{parts.path}?{parts.query}" if parts.query else parts.path)
    assert resp.status_code == 200, resp.content
    return resp.json()


def test_search_pages_with_count_and_next_links(record, emr_client) -> None:
    page = _get(emr_client, "/fhir/Observation?patient=Patient/s1&code=8480-6&_count=3")
    assert page["type"] == "searchset" and page["total"] == 7
    values = []
    pages = 0
    while True:
        pages += 1
        values += [e["resource"]["valueQuantity"]["value"] for e in page["entry"]]
        assert all(e["search"]["mode"] == "match" for e in page["entry"])
        nxt = [link["url"] for link in page["link"] if link["relation"] == "next"]
        if not nxt:
            break
        page = _get(emr_client, nxt[0])
    assert pages == 3
    assert values == [121, 122, 123, 124, 125, 126, 127]  # ordered by effective date


def test_observation_code_and_date_filters(record, emr_client) -> None:
    glucose = _get(emr_client, "/fhir/Observation?patient=s1&code=http://loinc.org|1558-6")
    assert [e["resource"]["valueQuantity"]["value"] for e in glucose["entry"]] == [8.6]
    since = _get(emr_client, "/fhir/Observation?patient=s1&code=8480-6&date=ge2026-11-06")
    assert since["total"] == 2
    window = _get(emr_client, "/fhir/Observation?patient=s1&date=ge2026-11-02&date=lt2026-11-04")
    assert window["total"] == 2
    assert _get(emr_client, "/fhir/Observation?code=other|8480-6")["total"] == 0


def test_status_and_identifier_searches(record, emr_client) -> None:
    active = _get(emr_client, "/fhir/MedicationRequest?patient=s1&status=active")
    assert [e["resource"]["id"] for e in active["entry"]] == ["m-active"]
    both = _get(emr_client, "/fhir/MedicationRequest?status=active,stopped")
    assert both["total"] == 2
    held = _get(emr_client, "/fhir/Communication?status=on-hold")
    assert [e["resource"]["id"] for e in held["entry"]] == ["c-hold"]
    by_mrn = _get(emr_client, "/fhir/Patient?identifier=urn:oid:2.16.156.test.mrn|MRN-s2")
    assert [e["resource"]["id"] for e in by_mrn["entry"]] == ["s2"]
    by_value = _get(emr_client, "/fhir/Patient?identifier=MRN-s1")
    assert [e["resource"]["id"] for e in by_value["entry"]] == ["s1"]


def test_count_zero_gives_total_only(record, emr_client) -> None:
    page = _get(emr_client, "/fhir/Observation?_count=0")
    assert page["total"] == 9 and page.get("entry") == []


def test_read_answers_etag_and_fhir_json(record, emr_client) -> None:
    resp = emr_client.get("/fhir/MedicationRequest/m-active")
    assert resp.status_code == 200
    assert resp["Content-Type"] == "application/fhir+json; charset=utf-8"
    assert resp["ETag"] == 'W/"1"'
    assert resp.json()["meta"]["versionId"] == "1"


def test_put_and_post_single_resources(record, emr_client) -> None:
    import json

    changed = _med("s1", "m-active", "completed")
    resp = emr_client.put(
        "/fhir/MedicationRequest/m-active", json.dumps(changed), "application/fhir+json"
    )
    assert resp.status_code == 200
    assert resp.json()["meta"]["versionId"] == "2"
    created = emr_client.post(
        "/fhir/Observation", json.dumps(observation("s2", 99)), "application/fhir+json"
    )
    assert created.status_code == 201
    assert created["Location"].startswith("/fhir/Observation/")
    assert created.json()["valueQuantity"]["value"] == 99


def test_capability_statement_tells_the_truth(client) -> None:
    from ammed_fhir.search import SEARCH_PARAMS

    resp = client.get("/fhir/metadata")
    assert resp.status_code == 200
    cap = resp.json()
    assert cap["resourceType"] == "CapabilityStatement" and cap["fhirVersion"] == "4.0.1"
    rest = cap["rest"][0]
    assert {i["code"] for i in rest["interaction"]} == {"transaction", "batch"}
    by_type = {r["type"]: r for r in rest["resource"]}
    for rtype, params in SEARCH_PARAMS.items():
        assert {p["name"] for p in by_type[rtype]["searchParam"]} == set(params)
        assert "search-type" in {i["code"] for i in by_type[rtype]["interaction"]}
    claim = {i["code"] for i in by_type["Claim"]["interaction"]}
    assert claim == {
        "create",
        "update",
        "delete",
        "read",
        "vread",
        "history-instance",
        "history-type",
    }
    assert "searchParam" not in by_type["Claim"]
    assert by_type["Claim"]["conditionalCreate"] is False
    assert by_type["Claim"]["conditionalUpdate"] is False
    assert by_type["Patient"]["conditionalCreate"] is True
    assert {"patch", "history-system"}.isdisjoint(
        {i["code"] for r in rest["resource"] for i in r["interaction"]} | set(rest)
    )
    assert {r["conditionalDelete"] for r in rest["resource"]} == {"not-supported"}


def test_store_api_reads_record_and_filters(record) -> None:
    rec = store.patient_record("s1")
    assert rec is not None and rec.patient["id"] == "s1"
    assert len(rec.observations) == 8 and len(rec.medication_requests) == 2
    assert store.patient_record("nobody") is None
    assert len(store.search("Observation", patient_id="s1", code="1558-6")) == 1
    assert len(store.search("Observation", patient_id="s1", code="|1558-6")) == 1
    assert len(store.search("Observation", code="http://loinc.org|8480-6")) == 8
    assert [r["id"] for r in store.search("MedicationRequest", status=["active"])] == ["m-active"]
    written = store.write(
        {
            "resourceType": "CarePlan",
            "status": "active",
            "intent": "plan",
            "subject": {"reference": "Patient/s1"},
        }
    )
    assert written["meta"]["versionId"] == "1"
    assert store.read("CarePlan", written["id"])["subject"]["reference"] == "Patient/s1"


# ---- #19: _lastUpdated, _sort, _total, _summary=count, _include/_revinclude, Patient ----


def test_patient_search_by_name_birthdate_gender(emr_client) -> None:
    entries = [
        put(patient("n1", name=[{"family": "Wang", "given": ["Fang"], "text": "王芳"}])),
        put(patient("n2", gender="male", birthDate="1980-02-03", name=[{"text": "李雷"}])),
        put(patient("n3", birthDate="1968-12-31", name=[{"family": "Wangsa"}])),
    ]
    assert post_bundle(emr_client, transaction(*entries)).status_code == 200

    def ids(query: str) -> list[str]:
        bundle = _get(emr_client, f"/fhir/Patient?{query}&_sort=_id")
        return [e["resource"]["id"] for e in bundle["entry"]]

    assert ids("name=wang") == ["n1", "n3"]  # family Wang, family Wangsa: starts with
    assert ids("name=王") == ["n1"]
    assert ids("name=FANG") == ["n1"]  # a given name, any case
    assert ids("name=ang") == []  # FHIR string search is "starts with", not "contains"
    assert ids("name=given") == []  # an element name is not a name
    assert ids("name=%25") == [] and ids("name=.%2A") == []  # wildcards are literal
    assert ids("gender=male") == ["n2"]
    assert ids("gender=female&birthdate=1968") == ["n1", "n3"]
    assert ids("birthdate=ge1968-06-01") == ["n2", "n3"]
    assert ids("birthdate=lt1968-06-01") == ["n1"]
    assert ids("birthdate=1968-05-01") == ["n1"]


def test_last_updated_sort_total_and_summary_count(record, emr_client) -> None:
    everything = _get(emr_client, "/fhir/Observation?_lastUpdated=ge2000-01-01")
    assert everything["total"] == 9
    assert _get(emr_client, "/fhir/Observation?_lastUpdated=lt2000-01-01")["total"] == 0
    newest = _get(emr_client, "/fhir/Observation?patient=s1&code=8480-6&_sort=-date&_count=2")
    days = [e["resource"]["effectiveDateTime"][:10] for e in newest["entry"]]
    assert days == ["2026-11-07", "2026-11-06"]
    count = _get(emr_client, "/fhir/Observation?patient=s1&_summary=count")
    assert count["total"] == 8 and count.get("entry", []) == []
    no_total = _get(emr_client, "/fhir/Observation?patient=s1&_total=none&_count=3")
    assert "total" not in no_total and len(no_total["entry"]) == 3
    assert any(link["relation"] == "next" for link in no_total["link"])
    assert emr_client.get("/fhir/Observation?_sort=value").status_code == 400
    assert emr_client.get("/fhir/Patient?_sort=date").status_code == 400
    elements = _get(emr_client, "/fhir/Observation?patient=s2&_elements=status")
    assert set(elements["entry"][0]["resource"]) == {"resourceType", "id", "meta", "status"}


def test_include_and_revinclude(record, emr_client) -> None:
    page = _get(
        emr_client, "/fhir/MedicationRequest?status=active&_include=MedicationRequest:patient"
    )
    modes = sorted((e["search"]["mode"], e["resource"]["resourceType"]) for e in page["entry"])
    assert modes == [("include", "Patient"), ("match", "MedicationRequest")]
    assert page["total"] == 1
    rev = _get(emr_client, "/fhir/Patient?_id=s2&_revinclude=Observation:subject")
    included = [e["resource"] for e in rev["entry"] if e["search"]["mode"] == "include"]
    assert [r["resourceType"] for r in included] == ["Observation"]
    assert included[0]["subject"]["reference"] == "Patient/s2"
    bad = emr_client.get("/fhir/Observation?_include=Observation:performer")
    assert bad.status_code == 400


def test_include_respects_the_compartment(record, db) -> None:
    from django.test import Client
    from fhir_helpers import make_user

    from ammed_fhir import access

    nurse = make_user("nurse-inc", "nurse")
    access.assign(nurse, "s1")
    client = Client()
    client.force_login(nurse)
    rev = _get(client, "/fhir/Patient?_revinclude=Observation:patient&_count=100")
    patients = {e["resource"]["id"] for e in rev["entry"] if e["search"]["mode"] == "match"}
    subjects = {
        e["resource"]["subject"]["reference"]
        for e in rev["entry"]
        if e["search"]["mode"] == "include"
    }
    assert patients == {"s1"} and subjects == {"Patient/s1"}
    comms = _get(client, "/fhir/Patient?_id=s1&_revinclude=Communication:subject")
    assert [e["resource"]["id"] for e in comms["entry"] if e["search"]["mode"] == "include"] == [
        "c-hold"
    ]  # staff see held messages; a patient would not (access.can_read_fhir)
