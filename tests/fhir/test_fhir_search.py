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
    assert claim == {"create", "update", "read", "vread"}
    assert "searchParam" not in by_type["Claim"]
    assert by_type["Claim"]["conditionalCreate"] is False
    assert by_type["Patient"]["conditionalCreate"] is True
    assert {"delete", "history-instance"}.isdisjoint(
        {i["code"] for r in rest["resource"] for i in r["interaction"]}
    )


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
