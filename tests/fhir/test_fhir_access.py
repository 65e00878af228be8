"""Roles and compartments: four roles and the outsiders, forbidden == unknown (404)."""

from __future__ import annotations

import pytest
from django.test import Client
from fhir_helpers import make_user, observation, patient, post, post_bundle, put, transaction
from guardian.shortcuts import get_perms

from ammed_fhir import access
from ammed_fhir.models import PatientAccount, PatientAssignment, PractitionerAccount, Resource

pytestmark = pytest.mark.django_db


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def two_patients(emr_client) -> dict[str, str]:
    """Patients a and b, each with one Observation; returns type → Observation id."""
    resp = post_bundle(
        emr_client,
        transaction(
            put(patient("pa")),
            put(patient("pb", identifier=[{"system": "urn:mrn", "value": "B"}])),
            put(observation("pa") | {"id": "obs-a"}),
            put(observation("pb") | {"id": "obs-b"}),
        ),
    )
    assert resp.status_code == 200, resp.content
    return {"pa": "obs-a", "pb": "obs-b"}


def test_assigned_physician_sees_patient_and_outsider_gets_404(two_patients) -> None:
    doc = make_user("doc", "physician")
    outsider = make_user("nurse-out", "nurse")
    access.assign(doc, "pa", source="admin")
    assert "view_compartment" in get_perms(doc, Resource.objects.get(resource_id="pa"))
    doc_client, out_client = _login(doc), _login(outsider)
    assert doc_client.get("/fhir/Patient/pa").status_code == 200
    assert doc_client.get("/fhir/Observation/obs-a").status_code == 200
    for url in ("/fhir/Patient/pb", "/fhir/Observation/obs-b", "/fhir/Patient/nobody"):
        resp = doc_client.get(url)
        assert resp.status_code == 404
        assert resp.json()["resourceType"] == "OperationOutcome"
    forbidden = out_client.get("/fhir/Patient/pa")
    unknown = out_client.get("/fhir/Patient/nobody")
    assert forbidden.status_code == unknown.status_code == 404
    assert forbidden.json()["issue"][0]["code"] == unknown.json()["issue"][0]["code"]
    search = doc_client.get("/fhir/Observation?patient=pb")
    assert search.json()["total"] == 0
    assert doc_client.get("/fhir/Observation").json()["total"] == 1


def test_nurse_assignment_through_api_and_revocation(two_patients, emr_client) -> None:
    nurse = make_user("nurse-api", "nurse")
    resp = emr_client.post(
        "/api/v1/assignments",
        {"patient_id": "pb", "username": "nurse-api"},
        content_type="application/json",
    )
    assert resp.status_code == 201, resp.content
    assert resp.json()["source"] == "api"
    client = _login(nurse)
    assert client.get("/fhir/Observation/obs-b").status_code == 200
    me = client.get("/api/v1/me").json()
    assert me["visible_patient_ids"] == ["pb"] and me["can_write_fhir"] is False
    assert emr_client.delete(f"/api/v1/assignments/{resp.json()['id']}").status_code == 204
    assert client.get("/fhir/Observation/obs-b").status_code == 404


def test_only_admins_and_integrations_assign(two_patients) -> None:
    nurse = make_user("nurse-self", "nurse")
    resp = _login(nurse).post(
        "/api/v1/assignments",
        {"patient_id": "pb", "username": "nurse-self"},
        content_type="application/json",
    )
    assert resp.status_code == 403
    assert not PatientAssignment.objects.exists()


def test_general_practitioner_link_assigns_patient(emr_client) -> None:
    doc = make_user("gp", "physician")
    PractitionerAccount.objects.create(user=doc, practitioner_id="prac-gp")
    bundle = transaction(
        put({"resourceType": "Practitioner", "id": "prac-gp", "name": [{"text": "王医生"}]}),
        put(patient("pg", generalPractitioner=[{"reference": "Practitioner/prac-gp"}])),
    )
    assert post_bundle(emr_client, bundle).status_code == 200
    assignment = PatientAssignment.objects.get(patient_id="pg")
    assert (assignment.user, assignment.source) == (doc, "generalPractitioner")
    assert _login(doc).get("/fhir/Patient/pg").status_code == 200


def test_linking_practitioner_after_ingest_assigns_existing_patients(emr_client) -> None:
    bundle = transaction(
        put({"resourceType": "Practitioner", "id": "prac-late"}),
        put(patient("pl", generalPractitioner=[{"reference": "Practitioner/prac-late"}])),
    )
    assert post_bundle(emr_client, bundle).status_code == 200
    doc = make_user("late", "physician")
    PractitionerAccount.objects.create(user=doc, practitioner_id="prac-late")
    assert _login(doc).get("/fhir/Patient/pl").status_code == 200


def test_patient_sees_only_own_compartment(two_patients) -> None:
    user = make_user("pat-a", "patient")
    PatientAccount.objects.create(user=user, patient_id="pa")
    client = _login(user)
    assert client.get("/fhir/Patient/pa").status_code == 200
    assert client.get("/fhir/Observation/obs-a").status_code == 200
    assert client.get("/fhir/Patient/pb").status_code == 404
    assert client.get("/fhir/Observation/obs-b").status_code == 404
    listing = client.get("/fhir/Patient").json()
    assert [e["resource"]["id"] for e in listing["entry"]] == ["pa"]
    assert client.get("/fhir/Patient?identifier=urn:mrn|B").json()["total"] == 0


def test_patient_and_clinician_cannot_push(two_patients) -> None:
    for role in ("patient", "physician", "nurse"):
        client = _login(make_user(f"push-{role}", role))
        resp = post_bundle(client, transaction(put(patient("evil"))))
        assert resp.status_code == 403
        assert resp.json()["issue"][0]["code"] == "forbidden"
    assert not Resource.objects.filter(resource_id="evil").exists()


def test_integration_pushes_reads_all_but_cannot_sign_off(two_patients, emr_client) -> None:
    assert emr_client.get("/fhir/Observation/obs-b").status_code == 200
    emr = make_user("emr2", "integration")
    assert access.can_write_fhir(emr) and not access.can_sign_off(emr)
    assert access.can_sign_off(make_user("signer", "physician"))
    assert not access.can_sign_off(make_user("pt", "patient"))


def test_anonymous_gets_401_operation_outcome(two_patients) -> None:
    resp = Client().get("/fhir/Patient/pa")
    assert resp.status_code == 401
    assert resp.json()["issue"][0]["code"] == "login"
    assert post_bundle(Client(), transaction(put(patient("x")))).status_code == 401
    assert Client().get("/fhir/metadata").status_code == 200


def test_bad_token_is_401(two_patients) -> None:
    resp = Client(HTTP_AUTHORIZATION="Token not-a-token").get("/fhir/Patient/pa")
    assert resp.status_code == 401
    assert resp.json()["resourceType"] == "OperationOutcome"


def test_assignment_before_patient_exists_takes_effect_on_ingest(emr_client) -> None:
    nurse = make_user("early", "nurse")
    PatientAssignment.objects.create(user=nurse, patient_id="later", source="admin")
    assert _login(nurse).get("/fhir/Patient/later").status_code == 404
    resp = post_bundle(emr_client, transaction(put(patient("later")), post(observation("later"))))
    assert resp.status_code == 200
    assert _login(nurse).get("/fhir/Patient/later").status_code == 200
    assert access.visible_patient_ids(nurse) == {"later"}
