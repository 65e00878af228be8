"""fhir-py's sync client against a live AM-Med (#19): get_or_create, count(), paging over
next links, include, conditional reads, version-aware update and delete, end to end."""

from __future__ import annotations

import pytest
from fhir_helpers import make_user
from fhirpy import SyncFHIRClient
from fhirpy.base.exceptions import OperationOutcome, ResourceNotFound
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db(transaction=True)

MRN = "urn:oid:2.16.156.test.mrn"


@pytest.fixture
def fhir(live_server) -> SyncFHIRClient:
    token = Token.objects.create(user=make_user("emr-live", "integration"))
    return SyncFHIRClient(f"{live_server.url}/fhir", authorization=f"Token {token.key}")


def test_fhirpy_end_to_end(fhir: SyncFHIRClient) -> None:
    patients = fhir.resources("Patient").search(identifier=f"{MRN}|MRN-live")
    body = fhir.resource(
        "Patient",
        identifier=[{"system": MRN, "value": "MRN-live"}],
        name=[{"text": "张三", "family": "Zhang"}],
        gender="male",
        birthDate="1960-03-04",
    )
    first, created = patients.get_or_create(body)
    again, created_again = patients.get_or_create(body)
    assert created and not created_again and again.id == first.id
    assert patients.count() == 1
    pid = first.id

    for day in range(1, 8):
        fhir.resource(
            "Observation",
            status="final",
            code={"coding": [{"system": "http://loinc.org", "code": "8480-6"}]},
            subject={"reference": f"Patient/{pid}"},
            effectiveDateTime=f"2026-11-{day:02d}T08:00:00+08:00",
            valueQuantity={"value": 120 + day, "unit": "mmHg"},
        ).save()
    observations = fhir.resources("Observation").search(patient=pid)
    assert observations.count() == 7
    paged = observations.limit(3).sort("date").fetch_all()  # three pages over next links
    assert [o["valueQuantity"]["value"] for o in paged] == list(range(121, 128))

    raw = observations.include("Observation", "subject").limit(2).fetch_raw()
    modes = [e["search"]["mode"] for e in raw["entry"]]
    assert modes.count("match") == 2 and modes.count("include") == 1

    by_name = fhir.resources("Patient").search(name="zhang", gender="male").fetch()
    assert [p.id for p in by_name] == [pid]

    patient = fhir.resources("Patient").search(_id=pid).first()
    patient["gender"] = "other"
    patient.save()
    assert fhir.reference("Patient", pid).to_resource()["meta"]["versionId"] == "2"

    patient.delete()
    with pytest.raises((ResourceNotFound, OperationOutcome)):
        fhir.reference("Patient", pid).to_resource()
    assert fhir.resources("Patient").search(_id=pid).count() == 0
