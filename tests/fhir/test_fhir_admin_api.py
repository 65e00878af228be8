"""Django admin pages and the OpenAPI schema of the core."""

from __future__ import annotations

import pytest
from fhir_helpers import make_user, patient, post_bundle, put, transaction

from ammed_fhir.models import PatientAssignment, Resource

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(emr_client) -> Resource:
    resp = post_bundle(emr_client, transaction(put(patient("adm", name=[{"text": "李秀英"}]))))
    assert resp.status_code == 200
    return Resource.objects.get(resource_id="adm")


def test_admin_lists_patients_and_shows_pretty_json(stored, admin_client_fhir) -> None:
    listing = admin_client_fhir.get("/admin/ammed_fhir/patientresource/")
    assert listing.status_code == 200
    assert "李秀英" in listing.content.decode()
    detail = admin_client_fhir.get(f"/admin/ammed_fhir/resource/{stored.pk}/change/")
    assert detail.status_code == 200
    assert "&quot;resourceType&quot;: &quot;Patient&quot;" in detail.content.decode()
    assert admin_client_fhir.get("/admin/ammed_fhir/resourceversion/").status_code == 200
    assert admin_client_fhir.get("/admin/auth/user/").status_code == 200


def test_admin_assignment_grants_access(stored, admin_client_fhir) -> None:
    nurse = make_user("adm-nurse", "nurse")
    resp = admin_client_fhir.post(
        "/admin/ammed_fhir/patientassignment/add/",
        {"patient_id": "adm", "user": nurse.pk, "source": "admin"},
    )
    assert resp.status_code == 302, resp.content[:500]
    assert PatientAssignment.objects.filter(patient_id="adm", user=nurse).exists()
    from django.test import Client

    client = Client()
    client.force_login(nurse)
    assert client.get("/fhir/Patient/adm").status_code == 200


def test_schema_documents_fhir_and_assignments(admin_client_fhir) -> None:
    resp = admin_client_fhir.get("/api/schema/?format=json")
    assert resp.status_code == 200
    paths = resp.json()["paths"]
    assert "/api/v1/assignments" in paths
    ops = {op["operationId"] for p in paths.values() for op in p.values() if "operationId" in op}
    assert {"fhir_transaction", "fhir_search", "fhir_read", "fhir_metadata"} <= ops
