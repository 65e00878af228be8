"""#19 interactions: If-Match/412, If-None-Exist, PUT id checks, ETag/Last-Modified/304,
406 for XML, Prefer, conditional update, OperationOutcome for CSRF failures."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from fhir_helpers import FHIR, patient, post_bundle, put, transaction

pytestmark = pytest.mark.django_db


def _put(client, resource, url=None, **headers):
    url = url or f"/fhir/{resource['resourceType']}/{resource['id']}"
    return client.put(url, data=json.dumps(resource), content_type=FHIR, **headers)


def _post(client, resource, **headers):
    return client.post(
        f"/fhir/{resource['resourceType']}",
        data=json.dumps(resource),
        content_type=FHIR,
        **headers,
    )


def _two_versions(client) -> None:
    assert _put(client, patient("im1")).status_code == 201
    assert _put(client, patient("im1", gender="male")).status_code == 200


def test_if_match_stale_version_is_412_and_writes_nothing(emr_client) -> None:
    _two_versions(emr_client)
    resp = _put(emr_client, patient("im1", gender="other"), HTTP_IF_MATCH='W/"1"')
    assert resp.status_code == 412, resp.content
    assert resp.json()["resourceType"] == "OperationOutcome"
    read = emr_client.get("/fhir/Patient/im1")
    assert read.json()["meta"]["versionId"] == "2" and read.json()["gender"] == "male"
    ok = _put(emr_client, patient("im1", gender="other"), HTTP_IF_MATCH='W/"2"')
    assert ok.status_code == 200 and ok["ETag"] == 'W/"3"'


def test_if_match_in_transaction_and_batch(emr_client) -> None:
    _two_versions(emr_client)
    entry = put(patient("im1", gender="other"))
    entry["request"]["ifMatch"] = 'W/"1"'
    resp = post_bundle(emr_client, transaction(entry))
    assert resp.status_code == 412
    assert emr_client.get("/fhir/Patient/im1").json()["meta"]["versionId"] == "2"
    batch = post_bundle(emr_client, transaction(entry, put(patient("im2")), kind="batch"))
    statuses = [e["response"]["status"] for e in batch.json()["entry"]]
    assert statuses[0].startswith("412") and statuses[1].startswith("201")
    entry["request"]["ifMatch"] = 'W/"2"'
    assert post_bundle(emr_client, transaction(entry)).status_code == 200


def test_if_none_exist_on_single_post_creates_once(emr_client) -> None:
    body = patient("ignored")
    del body["id"]
    query = "identifier=urn:oid:2.16.156.test.mrn|MRN-ignored"
    first = _post(emr_client, body, HTTP_IF_NONE_EXIST=query)
    assert first.status_code == 201
    second = _post(emr_client, body, HTTP_IF_NONE_EXIST=query)
    assert second.status_code == 200 and second.json()["id"] == first.json()["id"]
    found = emr_client.get("/fhir/Patient?identifier=MRN-ignored").json()
    assert found["total"] == 1


def test_put_needs_the_id_in_the_body(emr_client) -> None:
    body = patient("x")
    del body["id"]
    resp = _put(emr_client, body, url="/fhir/Patient/pid1")
    assert resp.status_code == 400 and resp.json()["resourceType"] == "OperationOutcome"
    resp = _put(emr_client, patient("other"), url="/fhir/Patient/pid1")
    assert resp.status_code == 400


def test_etag_last_modified_and_conditional_reads(emr_client) -> None:
    _put(emr_client, patient("c1"))
    read = emr_client.get("/fhir/Patient/c1")
    assert read["ETag"] == 'W/"1"' and read["Last-Modified"]
    again = emr_client.get("/fhir/Patient/c1", HTTP_IF_NONE_MATCH='W/"1"')
    assert again.status_code == 304 and not again.content
    assert emr_client.get("/fhir/Patient/c1", HTTP_IF_NONE_MATCH='W/"0"').status_code == 200
    for header in ('W/"0", W/"1"', ' "1" ', "*", 'w/"1"'):  # lists, strong tags, any
        assert emr_client.get("/fhir/Patient/c1", HTTP_IF_NONE_MATCH=header).status_code == 304
    for header in ('W/"01x"', "W/", '"abc"'):
        assert emr_client.get("/fhir/Patient/c1", HTTP_IF_NONE_MATCH=header).status_code == 200
    since = emr_client.get("/fhir/Patient/c1", HTTP_IF_MODIFIED_SINCE=read["Last-Modified"])
    assert since.status_code == 304
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert emr_client.get("/fhir/Patient/c1", HTTP_IF_MODIFIED_SINCE=old).status_code == 200


def test_xml_is_406(emr_client) -> None:
    _put(emr_client, patient("f1"))
    for url, headers in [
        ("/fhir/Patient/f1", {"HTTP_ACCEPT": "application/fhir+xml"}),
        ("/fhir/Patient/f1?_format=xml", {}),
        ("/fhir/Patient?_format=application/fhir+xml", {}),
    ]:
        resp = emr_client.get(url, **headers)
        assert resp.status_code == 406, url
        assert resp.json()["resourceType"] == "OperationOutcome"
    assert emr_client.get("/fhir/Patient/f1?_format=json").status_code == 200
    assert emr_client.get("/fhir/Patient/f1", HTTP_ACCEPT="text/html,*/*").status_code == 200


def test_prefer_return(emr_client) -> None:
    minimal = _put(emr_client, patient("p1"), HTTP_PREFER="return=minimal")
    assert minimal.status_code == 201 and not minimal.content
    assert minimal["Location"].startswith("/fhir/Patient/p1/_history/1")
    oo = _put(emr_client, patient("p1"), HTTP_PREFER="return=OperationOutcome")
    assert oo.status_code == 200 and oo.json()["resourceType"] == "OperationOutcome"
    full = _put(emr_client, patient("p1"), HTTP_PREFER="return=representation")
    assert full.json()["id"] == "p1" and full.json()["meta"]["versionId"] == "3"


def test_summary_and_elements_on_read(emr_client) -> None:
    div = '<div xmlns="http://www.w3.org/1999/xhtml">x</div>'
    stored = _put(emr_client, patient("e1", text={"status": "generated", "div": div}))
    assert stored.status_code == 201, stored.content
    data = emr_client.get("/fhir/Patient/e1?_elements=gender").json()
    assert set(data) == {"resourceType", "id", "meta", "gender"}
    assert data["meta"]["tag"][0]["code"] == "SUBSETTED"
    summary = emr_client.get("/fhir/Patient/e1?_summary=true").json()
    assert "text" not in summary and summary["birthDate"] == "1968-05-01"
    assert "text" not in emr_client.get("/fhir/Patient/e1?_summary=data").json()
    assert emr_client.get("/fhir/Patient/e1?_summary=bogus").status_code == 400


def test_conditional_update(emr_client) -> None:
    body = patient("cu")
    del body["id"]
    url = "/fhir/Patient?identifier=urn:oid:2.16.156.test.mrn|MRN-cu"
    created = _put(emr_client, body, url=url)
    assert created.status_code == 201, created.content
    pid = created.json()["id"]
    updated = _put(emr_client, body | {"gender": "male"}, url=url)
    assert updated.status_code == 200 and updated.json()["id"] == pid
    assert updated.json()["meta"]["versionId"] == "2"
    _put(emr_client, patient("cu2", identifier=body["identifier"]))
    assert _put(emr_client, body, url=url).status_code == 412


def test_csrf_failure_under_fhir_is_an_operation_outcome(db) -> None:
    from fhir_helpers import make_user

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("admin-csrf", superuser=True))
    for url in ["/fhir/Patient/_search", "/fhir/Patient", "/fhir/$export"]:
        resp = client.post(url, data={"name": "x"})
        assert resp["Content-Type"].startswith("application/fhir+json"), url
        assert resp.json()["resourceType"] == "OperationOutcome"


def test_delete_keeps_history_and_read_is_410(emr_client) -> None:
    _two_versions(emr_client)
    assert emr_client.delete("/fhir/Patient/im1", HTTP_IF_MATCH='W/"1"').status_code == 412
    resp = emr_client.delete("/fhir/Patient/im1")
    assert resp.status_code == 204 and resp["ETag"] == 'W/"3"'
    gone = emr_client.get("/fhir/Patient/im1")
    assert gone.status_code == 410 and gone.json()["resourceType"] == "OperationOutcome"
    assert emr_client.get("/fhir/Patient?_id=im1").json()["total"] == 0
    vread = emr_client.get("/fhir/Patient/im1/_history/2")
    assert vread.json()["gender"] == "male"
    assert vread["ETag"] == 'W/"2"' and vread["Last-Modified"]
    assert emr_client.get("/fhir/Patient/im1/_history/3").status_code == 410
    assert emr_client.delete("/fhir/Patient/im1").status_code == 204  # idempotent
    assert emr_client.delete("/fhir/Patient/never").status_code == 204
    hist = emr_client.get("/fhir/Patient/im1/_history").json()
    assert hist["type"] == "history" and hist["total"] == 3
    methods = [(e["request"]["method"], e["response"]["etag"]) for e in hist["entry"]]
    assert methods == [("DELETE", 'W/"3"'), ("PUT", 'W/"2"'), ("POST", 'W/"1"')]
    assert "resource" not in hist["entry"][0]
    again = _put(emr_client, patient("im1"))  # written again: the numbering continues
    assert again.status_code == 201 and again.json()["meta"]["versionId"] == "4"


def test_delete_needs_a_writer_and_hides_from_others(emr_client, db) -> None:
    from fhir_helpers import make_user

    _put(emr_client, patient("d1"))
    nurse = Client()
    nurse.force_login(make_user("nurse-del", "nurse"))
    assert nurse.delete("/fhir/Patient/d1").status_code == 403
    emr_client.delete("/fhir/Patient/d1")
    assert nurse.get("/fhir/Patient/d1").status_code == 404  # never assigned: not 410
    assert nurse.get("/fhir/Patient/d1/_history").status_code == 404


def test_type_history_pages_and_since(emr_client) -> None:
    for i in range(3):
        _put(emr_client, patient(f"h{i}"))
    _put(emr_client, patient("h0", gender="male"))
    page = emr_client.get("/fhir/Patient/_history?_count=2").json()
    assert page["total"] == 4 and len(page["entry"]) == 2
    assert page["entry"][0]["resource"]["id"] == "h0"
    assert page["entry"][0]["resource"]["meta"]["versionId"] == "2"
    nxt = [link["url"] for link in page["link"] if link["relation"] == "next"]
    assert nxt
    future = emr_client.get("/fhir/Patient/_history?_since=2999-01-01").json()
    assert future["entry"] == []
    assert emr_client.get("/fhir/Patient/_history?foo=1").status_code == 400


def test_capability_statement_declares_what_is_supported(emr_client) -> None:
    from fhir.resources.R4B.capabilitystatement import CapabilityStatement

    body = emr_client.get("/fhir/metadata").json()
    CapabilityStatement.model_validate(body)
    by_type = {r["type"]: r for r in body["rest"][0]["resource"]}
    patient_caps = by_type["Patient"]
    codes = {i["code"] for i in patient_caps["interaction"]}
    assert {"delete", "history-instance", "history-type", "search-type"} <= codes
    assert patient_caps["conditionalUpdate"] and patient_caps["readHistory"]
    assert patient_caps["conditionalDelete"] == "not-supported"
    params = {p["name"] for p in patient_caps["searchParam"]}
    assert {"name", "gender", "birthdate", "_lastUpdated", "identifier"} <= params
    assert "Observation:subject" in patient_caps["searchRevInclude"]
    assert by_type["MedicationRequest"]["searchInclude"] == ["MedicationRequest:patient"]
    assert "rest-hook" in by_type["Subscription"]["documentation"]
    assert by_type["Flag"]["searchParam"]


def test_post_search_with_form_parameters(emr_client) -> None:
    _put(emr_client, patient("ps1"))
    _put(emr_client, patient("ps2", gender="male"))
    resp = emr_client.post(
        "/fhir/Patient/_search",
        data="gender=male",
        content_type="application/x-www-form-urlencoded",
    )
    assert resp.status_code == 200, resp.content
    assert [e["resource"]["id"] for e in resp.json()["entry"]] == ["ps2"]
    bad = emr_client.post(
        "/fhir/Patient/_search", data="bogus=1", content_type="application/x-www-form-urlencoded"
    )
    assert bad.status_code == 400 and bad.json()["resourceType"] == "OperationOutcome"


def test_delete_entries_in_a_transaction(emr_client) -> None:
    _two_versions(emr_client)
    _put(emr_client, patient("keep"))
    delete = {"request": {"method": "DELETE", "url": "Patient/im1", "ifMatch": 'W/"1"'}}
    stale = post_bundle(emr_client, transaction(delete, put(patient("keep", gender="male"))))
    assert stale.status_code == 412
    assert emr_client.get("/fhir/Patient/keep").json()["meta"]["versionId"] == "1"
    delete["request"]["ifMatch"] = 'W/"2"'
    resp = post_bundle(emr_client, transaction(delete, put(patient("keep", gender="male"))))
    assert resp.status_code == 200, resp.content
    statuses = [e["response"]["status"] for e in resp.json()["entry"]]
    assert statuses == ["204 No Content", "200 OK"]
    assert emr_client.get("/fhir/Patient/im1").status_code == 410
    conditional = {"request": {"method": "DELETE", "url": "Patient?identifier=x"}}
    assert post_bundle(emr_client, transaction(conditional)).status_code == 400


def test_a_deleted_patient_written_again_is_seen_by_its_assigned_nurse(emr_client, db) -> None:
    from fhir_helpers import make_user
    from guardian.models import UserObjectPermission

    from ammed_fhir import access

    _put(emr_client, patient("dp1"))
    nurse = make_user("nurse-dp", "nurse")
    access.assign(nurse, "dp1")
    client = Client()
    client.force_login(nurse)
    assert client.get("/fhir/Patient/dp1").status_code == 200
    emr_client.delete("/fhir/Patient/dp1")
    # her compartment went with the Patient: 404 (integrations still get 410)
    assert client.get("/fhir/Patient/dp1").status_code == 404
    assert emr_client.get("/fhir/Patient/dp1").status_code == 410
    assert not UserObjectPermission.objects.filter(user=nurse).exists()
    _put(emr_client, patient("dp1"))
    assert client.get("/fhir/Patient/dp1").status_code == 200


def test_gate_owned_communications_cannot_be_deleted(emr_client) -> None:
    from ammed_fhir import store
    from ammed_fhir.write_policy import MESSAGE_CATEGORY_SYSTEM

    _put(emr_client, patient("g1"))
    store.write(
        {
            "resourceType": "Communication",
            "id": "gate-msg",
            "status": "on-hold",
            "category": [{"coding": [{"system": MESSAGE_CATEGORY_SYSTEM, "code": "reminder"}]}],
            "subject": {"reference": "Patient/g1"},
            "payload": [{"contentString": "请按时服药"}],
        }
    )
    resp = emr_client.delete("/fhir/Communication/gate-msg")
    assert resp.status_code == 403 and resp.json()["issue"][0]["code"] == "forbidden"
    entry = {"request": {"method": "DELETE", "url": "Communication/gate-msg"}}
    assert post_bundle(emr_client, transaction(entry)).status_code == 403
    assert post_bundle(emr_client, transaction(entry, kind="batch")).status_code == 403
    assert store.read("Communication", "gate-msg") is not None


def test_prefer_on_a_transaction(emr_client) -> None:
    plain = post_bundle(emr_client, transaction(put(patient("pb1")))).json()
    assert "resource" not in plain["entry"][0]
    full = post_bundle(
        emr_client, transaction(put(patient("pb1"))), HTTP_PREFER="return=representation"
    ).json()
    assert full["entry"][0]["resource"]["meta"]["versionId"] == "2"
    oo = post_bundle(
        emr_client, transaction(put(patient("pb1"))), HTTP_PREFER="return=OperationOutcome"
    ).json()
    assert oo["entry"][0]["response"]["outcome"]["resourceType"] == "OperationOutcome"
