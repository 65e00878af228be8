"""Inputs that used to answer 500 on /fhir (security issue #17, item 6) answer 4xx with an
OperationOutcome."""

from __future__ import annotations

import pytest
from fhir_helpers import observation, patient, post_bundle, transaction
from fhir_helpers import put as put_entry

pytestmark = pytest.mark.django_db

BIG = "9" * 25  # beyond a 64-bit integer
HUGE = "9" * 5000  # beyond Python's int() digit limit


@pytest.fixture
def stored(emr_client) -> None:
    bundle = transaction(put_entry(patient("n5")), put_entry(observation("n5", id="n5-bp")))
    assert post_bundle(emr_client, bundle).status_code == 200


def _outcome(resp, status: int = 400) -> dict:
    assert resp.status_code == status, resp.content
    body = resp.json()
    assert body["resourceType"] == "OperationOutcome"
    return body


@pytest.mark.parametrize(
    "query",
    [
        "Patient?identifier=MRN%00x",  # NUL in a search value
        "Patient?identifier=%00",
        "Observation?_id=n5%00",  # NUL in an id
        "Observation?patient=Patient/n5%00",
        "Observation?code=http://loinc.org|8480-6%00",
        "MedicationRequest?status=active%00",
        "Observation?date=2026%00",
        "Observation?patient%00=n5",  # NUL in a parameter name
    ],
)
def test_nul_in_a_search_is_400(emr_client, stored, query: str) -> None:
    body = _outcome(emr_client.get(f"/fhir/{query}"))
    assert "NUL" in body["issue"][0]["diagnostics"]


@pytest.mark.parametrize(
    "path",
    [
        "/fhir/Patient/n5%00",  # NUL in a path segment
        "/fhir/Patient/%00/_history/1",
        "/fhir/Pat%00ient/n5",
        "/fhir/Patient/n5/_history/1%00",
    ],
)
def test_nul_in_a_path_is_4xx(emr_client, stored, path: str) -> None:
    resp = emr_client.get(path)
    assert resp.status_code in (400, 404)
    assert resp.json()["resourceType"] == "OperationOutcome"


@pytest.mark.parametrize(
    "query",
    [
        f"Observation?_offset={BIG}",
        f"Observation?_count={BIG}",
        f"Observation?_offset={HUGE}",
        f"Observation?_count={HUGE}",
        "Observation?_offset=%C2%B2",  # "²": str.isdigit() says yes, int() says no
        "Observation?_count=%D9%A3",  # Arabic-Indic three
    ],
    ids=["offset-big", "count-big", "offset-huge", "count-huge", "offset-sup2", "count-arabic"],
)
def test_paging_beyond_a_64_bit_integer_is_400(emr_client, stored, query: str) -> None:
    _outcome(emr_client.get(f"/fhir/{query}"))


def test_the_largest_offset_is_an_empty_page(emr_client, stored) -> None:
    resp = emr_client.get(f"/fhir/Observation?_offset={2**63 - 1}")
    assert resp.status_code == 200
    assert resp.json()["total"] == 1 and resp.json().get("entry", []) == []


@pytest.mark.parametrize(
    "value",
    [
        "9999-12-31T23:59:59",  # +1 s overflows
        "9999-12-31",  # +1 day overflows
        "9999-12",
        "9999",
        "ge9999-12-31T23:59:59",
        "lt0001-01-01T00:00:00",  # before year 1 in UTC
        "0001-01-01",
        "9999-12-31T23:59:59-14:00",
    ],
)
def test_dates_at_the_edge_of_the_calendar_are_4xx_or_a_search(
    emr_client, stored, value: str
) -> None:
    resp = emr_client.get(f"/fhir/Observation?date={value.replace('+', '%2B')}")
    assert resp.status_code in (200, 400), resp.content
    if resp.status_code == 400:
        assert "date" in resp.json()["issue"][0]["diagnostics"]


def test_the_issue_inputs_exactly(emr_client, stored) -> None:
    assert emr_client.get("/fhir/Observation?date=9999-12-31T23:59:59").status_code == 400
    assert emr_client.get(f"/fhir/Observation?_offset={BIG}").status_code == 400
    assert emr_client.get("/fhir/Observation?_id=%00").status_code == 400


def test_ifnoneexist_with_nul_is_400_not_500(emr_client) -> None:
    entry = {
        "resource": patient("ine"),
        "request": {"method": "POST", "url": "Patient", "ifNoneExist": "identifier=a\x00b"},
    }
    del entry["resource"]["id"]
    resp = post_bundle(emr_client, transaction(entry))
    assert resp.status_code == 400, resp.content
    assert resp.json()["resourceType"] == "OperationOutcome"


def test_deeply_nested_json_on_fhir_stays_400(emr_client) -> None:
    body = '{"resourceType": "Bundle", "type": "transaction", "entry": ' + "[" * 50_000
    body += "]" * 50_000 + "}"
    resp = post_bundle(emr_client, body)
    assert resp.status_code == 400
