"""R4 decimals are kept as sent (#19): ``1.00`` comes back ``1.00``, not ``1.0``.

Through every path: create, read, vread, search, history, update, a transaction bundle and
``$export``; the engines still read numbers. PostgreSQL's jsonb writes an exponent out
(``1e2`` → ``100``, same value and precision); SQLite keeps it as written.
"""

from __future__ import annotations

import copy
import json
import pickle
import re
import uuid
from datetime import UTC, datetime

import pytest
from django.db import connection
from fhir_helpers import FHIR, patient, post_bundle

from ammed_fhir import fhirjson, store
from ammed_fhir.fhirjson import FhirDecimal

pytestmark = pytest.mark.django_db

# spelling as sent → spelling the database gives back
SPELLINGS = ["1.00", "0.10", "120.0", "7.250", "38.50", "1e2", "-0.050", "3", "2.5"]


def _stored(text: str) -> str:
    if text == "1e2" and connection.vendor == "postgresql":
        return "100"  # jsonb keeps the numeric value and scale, not the exponent spelling
    return text


def _raw(data: object) -> str:
    """JSON text of ``data`` where each string ``"@<number>@"`` becomes that number as spelt."""
    return re.sub(r'"@([^@"]+)@"', r"\1", json.dumps(data, separators=(",", ":")))


def _obs(oid: str | None, spellings: list[str], pid: str = "pd") -> dict:
    """An Observation (for ``_raw``): one component per spelling (value and low/high)."""
    return {
        "resourceType": "Observation",
        **({"id": oid} if oid else {}),
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "8310-5"}]},
        "subject": {"reference": f"Patient/{pid}"},
        "effectiveDateTime": "2026-11-02T08:00:00+08:00",
        "valueQuantity": {
            "value": "@38.50@",
            "unit": "Cel",
            "system": "http://unitsofmeasure.org",
            "code": "Cel",
        },
        "component": [
            {
                "code": {"text": f"c{i}"},
                "valueQuantity": {"value": f"@{s}@", "unit": "mmHg"},
                "referenceRange": [{"low": {"value": f"@{s}@"}, "high": {"value": f"@{s}@"}}],
            }
            for i, s in enumerate(spellings)
        ],
    }


def _obs_text(oid: str | None, spellings: list[str]) -> str:
    return _raw(_obs(oid, spellings))


def _values(resource: dict) -> list:
    return [c["valueQuantity"]["value"] for c in resource["component"]]


def _spelt(value: object) -> str:
    """The JSON text a number was written with (read back with ``fhirjson.loads``)."""
    return fhirjson.dumps(value).decode()


def _observations(node: object) -> list[dict]:
    """Every Observation in a parsed body (a resource or a Bundle, nested bundles too)."""
    if isinstance(node, dict):
        if node.get("resourceType") == "Observation":
            return [node]
        return [o for v in node.values() for o in _observations(v)]
    if isinstance(node, list):
        return [o for v in node for o in _observations(v)]
    return []


def _assert_spelled(body: bytes | str, spellings: list[str], *, stored: bool = True) -> None:
    """Some Observation in ``body`` carries exactly ``spellings`` (values, lows, highs)."""
    want = [_stored(s) if stored else s for s in spellings]
    seen = []
    for obs in _observations(fhirjson.loads(body)):
        got = [
            [
                _spelt(c["valueQuantity"]["value"]),
                _spelt(c["referenceRange"][0]["low"]["value"]),
                _spelt(c["referenceRange"][0]["high"]["value"]),
            ]
            for c in obs.get("component", [])
        ]
        seen.append(got)
        if got == [[w, w, w] for w in want]:
            assert _spelt(obs["valueQuantity"]["value"]) == "38.50"
            text = body.decode() if isinstance(body, bytes) else body
            assert all(f'"value":{w}' in text for w in want)  # the bytes themselves
            return
    raise AssertionError(f"no Observation spelt {want}: {seen}")


@pytest.fixture
def pat(emr_client) -> None:
    resp = emr_client.put("/fhir/Patient/pd", data=json.dumps(patient("pd")), content_type=FHIR)
    assert resp.status_code in (200, 201), resp.content


def test_codec_keeps_spellings_and_stays_a_float() -> None:
    text = '{"a":[1.00,0.10,120.0,7.250,1e2,1E+2,38.5,2,-0.0,0.30000000000000004]}'
    data = fhirjson.loads(text)
    assert fhirjson.dumps(data).decode() == text
    a = data["a"]
    assert a[0] == 1 and isinstance(a[0], float) and a[0] + 1 == 2.0
    assert type(a[6]) is float and type(a[7]) is int  # plain when the spelling is the default
    assert isinstance(a[3], FhirDecimal) and a[3].text == "7.250" and str(a[3]) == "7.25"
    for same in (copy.deepcopy(a[3]), pickle.loads(pickle.dumps(a[3]))):
        assert isinstance(same, FhirDecimal) and same.text == "7.250"
    # what orjson refuses goes the slow way, decimals still as sent
    big = {"v": 10**30, "d": FhirDecimal("1.10"), 1: [True, None, "文"]}
    assert (
        fhirjson.dumps(big).decode()
        == '{"v":1000000000000000000000000000000,"d":1.10,"1":[true,null,"文"]}'
    )
    assert json.loads(fhirjson.dumps(big)) == json.loads(json.dumps(big))


def test_create_read_vread_search_history_keep_spellings(emr_client, pat) -> None:
    created = emr_client.post(
        "/fhir/Observation", data=_obs_text(None, SPELLINGS), content_type=FHIR
    )
    assert created.status_code == 201, created.content
    _assert_spelled(created.content, SPELLINGS)  # the body as stored
    oid = created.json()["id"]

    read = emr_client.get(f"/fhir/Observation/{oid}")
    assert read.status_code == 200
    _assert_spelled(read.content, SPELLINGS)
    vread = emr_client.get(f"/fhir/Observation/{oid}/_history/1")
    assert vread.status_code == 200
    _assert_spelled(vread.content, SPELLINGS)
    found = emr_client.get("/fhir/Observation?patient=Patient/pd")
    assert found.status_code == 200 and found.json()["total"] == 1
    _assert_spelled(found.content, SPELLINGS)

    # an update: the new version and the kept one (history, vread) both as sent
    other = ["2.000", "0.5", "99.90"]
    updated = emr_client.put(
        f"/fhir/Observation/{oid}", data=_obs_text(oid, other), content_type=FHIR
    )
    assert updated.status_code == 200, updated.content
    _assert_spelled(emr_client.get(f"/fhir/Observation/{oid}").content, other)
    _assert_spelled(emr_client.get(f"/fhir/Observation/{oid}/_history/1").content, SPELLINGS)
    hist = emr_client.get(f"/fhir/Observation/{oid}/_history")
    assert hist.status_code == 200
    _assert_spelled(hist.content, other)
    _assert_spelled(hist.content, SPELLINGS)
    everything = emr_client.get("/fhir/Patient/pd/$everything")
    assert everything.status_code == 200
    _assert_spelled(everything.content, other)


def test_transaction_bundle_round_trip(emr_client, pat) -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": f"urn:uuid:{uuid.uuid4()}",
                "resource": _obs(None, SPELLINGS),
                "request": {"method": "POST", "url": "Observation"},
            }
            for _ in range(25)  # more than 20: the COPY path on PostgreSQL
        ],
    }
    resp = post_bundle(emr_client, _raw(bundle))
    assert resp.status_code == 200, resp.content[:2000]
    ids = [e["response"]["location"].split("/")[1] for e in resp.json()["entry"]]
    assert len(ids) == 25
    for oid in (ids[0], ids[-1]):
        _assert_spelled(emr_client.get(f"/fhir/Observation/{oid}").content, SPELLINGS)
    # a batch updating two of them (the bulk update path): the new versions as sent
    other = ["4.10", "0.0100"]
    batch = {
        "resourceType": "Bundle",
        "type": "batch",
        "entry": [
            {
                "resource": _obs(oid, other),
                "request": {"method": "PUT", "url": f"Observation/{oid}"},
            }
            for oid in ids[:2]
        ],
    }
    got = post_bundle(emr_client, _raw(batch))
    assert got.status_code == 200, got.content
    assert {e["response"]["status"] for e in got.json()["entry"]} == {"200 OK"}
    for oid in ids[:2]:
        _assert_spelled(emr_client.get(f"/fhir/Observation/{oid}").content, other)
        _assert_spelled(emr_client.get(f"/fhir/Observation/{oid}/_history/1").content, SPELLINGS)


def test_export_ndjson_keeps_spellings(
    emr_client, pat, settings, tmp_path, django_capture_on_commit_callbacks
) -> None:
    settings.DATA_DIR = tmp_path
    created = emr_client.post(
        "/fhir/Observation", data=_obs_text(None, SPELLINGS), content_type=FHIR
    )
    assert created.status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        kick = emr_client.get("/fhir/$export?_type=Observation", HTTP_PREFER="respond-async")
    assert kick.status_code == 202, kick.content
    manifest = emr_client.get(kick["Content-Location"]).json()
    (item,) = manifest["output"]
    lines = b"".join(emr_client.get(item["url"]).streaming_content).decode().splitlines()
    assert len(lines) == 1
    _assert_spelled(lines[0], SPELLINGS)


def test_engines_read_numbers(emr_client, pat) -> None:
    from clinical.followup.services.facts import build_facts

    created = emr_client.post(
        "/fhir/Observation", data=_obs_text(None, SPELLINGS), content_type=FHIR
    )
    assert created.status_code == 201
    stored = store.read("Observation", created.json()["id"])
    assert stored["valueQuantity"]["value"] == 38.5
    assert _values(stored) == [1.0, 0.1, 120.0, 7.25, 38.5, 100.0, -0.05, 3, 2.5]
    assert all(isinstance(v, int | float) for v in _values(stored))
    assert stored["valueQuantity"]["value"] >= 38.0  # comparisons as numbers

    record = store.patient_record("pd")
    facts = build_facts(record, datetime(2026, 11, 2, 12, 0, tzinfo=UTC))
    (reading,) = facts.readings["temp"]
    assert reading.value == 38.5
    # the bulk reader engines use (orjson) gives plain numbers too
    many = store.patient_records(["pd"])["pd"]
    assert many.observations[0]["valueQuantity"]["value"] == 38.5
