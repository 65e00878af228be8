"""Bad input on /fhir: a precise OperationOutcome with a 4xx, nothing persisted, never 500."""

from __future__ import annotations

import json

import pytest
from fhir_helpers import FHIR, observation, patient, post, post_bundle, put, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ammed_fhir.models import Resource, ResourceVersion

pytestmark = pytest.mark.django_db


def _issues(resp) -> list[dict]:
    assert resp["Content-Type"].startswith("application/fhir+json")
    body = resp.json()
    assert body["resourceType"] == "OperationOutcome"
    return body["issue"]


def _nothing_written() -> None:
    assert Resource.objects.count() == 0
    assert ResourceVersion.objects.count() == 0


def test_malformed_json(emr_client) -> None:
    resp = post_bundle(emr_client, '{"resourceType": "Bundle", "type": ')
    assert resp.status_code == 400
    (issue,) = _issues(resp)
    assert issue["code"] == "structure"
    assert "malformed JSON" in issue["diagnostics"] and "line 1" in issue["diagnostics"]
    _nothing_written()


def test_wrong_content_type(emr_client) -> None:
    body = json.dumps(transaction(put(patient("ct"))))
    resp = emr_client.post("/fhir", data=body, content_type="text/plain")
    assert resp.status_code == 415
    assert "application/fhir+json" in _issues(resp)[0]["diagnostics"]
    form = emr_client.post("/fhir", data={"a": "b"})
    assert form.status_code == 415
    _nothing_written()


def test_plain_application_json_is_accepted(emr_client) -> None:
    body = json.dumps(transaction(put(patient("aj"))))
    assert emr_client.post("/fhir", data=body, content_type="application/json").status_code == 200


def test_empty_and_non_object_bodies(emr_client) -> None:
    assert post_bundle(emr_client, "   ").status_code == 400
    resp = post_bundle(emr_client, "[1, 2]")
    assert resp.status_code == 400 and _issues(resp)[0]["code"] == "structure"
    resp = post_bundle(emr_client, patient("notabundle"))
    assert resp.status_code == 400
    assert _issues(resp)[0]["expression"] == ["Bundle.resourceType"]
    _nothing_written()


def test_bundle_type_must_be_transaction_or_batch(emr_client) -> None:
    resp = post_bundle(emr_client, transaction(put(patient("c")), kind="collection"))
    assert resp.status_code == 400
    assert _issues(resp)[0]["expression"] == ["Bundle.type"]
    _nothing_written()


def test_resource_type_must_match_url(emr_client) -> None:
    entry = put(patient("m1"))
    entry["request"]["url"] = "Observation/m1"
    resp = post_bundle(emr_client, transaction(entry))
    assert resp.status_code == 400
    assert _issues(resp)[0]["expression"] == ["Bundle.entry[0].request.url"]
    put_resp = emr_client.put(
        "/fhir/Patient/m2", data=json.dumps(observation("m2") | {"id": "m2"}), content_type=FHIR
    )
    assert put_resp.status_code == 400
    assert _issues(put_resp)[0]["expression"] == ["Patient.resourceType"]
    id_mismatch = emr_client.put(
        "/fhir/Patient/m3", data=json.dumps(patient("other")), content_type=FHIR
    )
    assert id_mismatch.status_code == 400
    assert _issues(id_mismatch)[0]["expression"] == ["Patient.id"]
    _nothing_written()


def test_unknown_resource_types(emr_client) -> None:
    resp = post_bundle(emr_client, transaction(post({"resourceType": "Spaceship", "id": "x"})))
    assert resp.status_code == 400
    (issue,) = _issues(resp)
    assert issue["code"] == "not-supported"
    assert issue["expression"] == ["Bundle.entry[0].resource.resourceType"]
    assert emr_client.get("/fhir/Spaceship/1").status_code == 404
    assert emr_client.get("/fhir/Spaceship").status_code == 404
    not_a_resource = post_bundle(emr_client, transaction(post({"resourceType": "CodeableConcept"})))
    assert not_a_resource.status_code == 400
    _nothing_written()


def test_every_problem_reported_at_once_with_paths(emr_client) -> None:
    no_status = observation("p")
    del no_status["status"]
    bad_code = observation("p") | {"status": "bogus"}
    bad_date = patient("p") | {"birthDate": "1968-13-01", "gender": "robot"}
    no_code = observation("p")
    del no_code["code"]
    resp = post_bundle(
        emr_client,
        transaction(put(bad_date), post(no_status), post(bad_code), post(no_code)),
    )
    assert resp.status_code == 400
    paths = {tuple(i["expression"]) for i in _issues(resp)}
    assert {
        ("Bundle.entry[0].resource.birthDate",),
        ("Bundle.entry[0].resource.gender",),
        ("Bundle.entry[1].resource.status",),
        ("Bundle.entry[2].resource.status",),
        ("Bundle.entry[3].resource.code",),
    } <= paths
    codes = {i["expression"][0]: i["code"] for i in _issues(resp)}
    assert codes["Bundle.entry[1].resource.status"] == "required"
    assert codes["Bundle.entry[2].resource.status"] == "code-invalid"
    _nothing_written()


def test_references_to_nothing(emr_client) -> None:
    dangling_urn = observation("x") | {"subject": {"reference": "urn:uuid:dead-beef"}}
    dangling_rel = observation("nobody")
    resp = post_bundle(emr_client, transaction(post(dangling_urn), post(dangling_rel)))
    assert resp.status_code == 400
    issues = _issues(resp)
    assert [i["expression"] for i in issues] == [
        ["Bundle.entry[0].resource.subject.reference"],
        ["Bundle.entry[1].resource.subject.reference"],
    ]
    assert "Patient/nobody" in issues[1]["diagnostics"]
    _nothing_written()


def test_duplicate_full_urls(emr_client) -> None:
    urn = "urn:uuid:cccccccc-0000-0000-0000-000000000001"
    resp = post_bundle(
        emr_client,
        transaction(put(patient("d")), post(observation("d"), urn), post(observation("d"), urn)),
    )
    assert resp.status_code == 400
    (issue,) = _issues(resp)
    assert issue["code"] == "duplicate"
    assert issue["expression"] == ["Bundle.entry[2].fullUrl"]
    assert "Bundle.entry[1]" in issue["diagnostics"]
    _nothing_written()


def test_unsupported_methods(emr_client) -> None:
    entry = put(patient("del"))
    entry["request"]["method"] = "PATCH"  # DELETE is supported since #19
    resp = post_bundle(emr_client, transaction(entry))
    assert resp.status_code == 400
    assert _issues(resp)[0]["expression"] == ["Bundle.entry[0].request.method"]


def test_body_over_configured_size_is_413(emr_client, settings) -> None:
    settings.FHIR_MAX_BODY_BYTES = 2000
    big = transaction(*[post(observation("big", i)) for i in range(20)])
    resp = post_bundle(emr_client, big)
    assert resp.status_code == 413
    assert _issues(resp)[0]["code"] == "too-costly"
    _nothing_written()


def test_too_many_entries_is_413(emr_client, settings) -> None:
    settings.FHIR_MAX_BUNDLE_ENTRIES = 3
    resp = post_bundle(emr_client, transaction(*[put(patient(f"n{i}")) for i in range(4)]))
    assert resp.status_code == 413
    assert _issues(resp)[0]["expression"] == ["Bundle.entry"]
    _nothing_written()


def test_bad_search_parameters(emr_client) -> None:
    resp = emr_client.get("/fhir/Observation?colour=red")
    assert resp.status_code == 400
    assert _issues(resp)[0]["expression"] == ["Observation?colour"]
    assert emr_client.get("/fhir/Observation?date=yesterday").status_code == 400
    assert emr_client.get("/fhir/Observation?_count=-1").status_code == 400
    assert emr_client.get("/fhir/Observation?patient=Group/1").status_code == 400
    assert emr_client.get("/fhir/Claim?patient=x").status_code == 400


def test_unknown_fhir_path_is_404_outcome(emr_client) -> None:
    resp = emr_client.get("/fhir/Patient/a/b/c/d")
    assert resp.status_code == 404
    assert _issues(resp)[0]["code"] == "not-found"


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
_entries = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "fullUrl": st.sampled_from(["urn:uuid:1", "Patient/p", 3]),
            "request": st.fixed_dictionaries(
                {},
                optional={
                    "method": st.sampled_from(["POST", "PUT", "GET", None]),
                    "url": st.sampled_from(["Patient", "Patient/p", "Observation", "", "x/y/z"]),
                    "ifNoneExist": st.sampled_from(["identifier=a|b", "foo=bar", "_id="]),
                },
            ),
            "resource": _json
            | st.fixed_dictionaries(
                {"resourceType": st.sampled_from(["Patient", "Observation", "Nope"])},
                optional={"id": st.sampled_from(["p", "bad id", 7]), "subject": _json},
            ),
        },
    ),
    max_size=4,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(entries=_entries, kind=st.sampled_from(["transaction", "batch", "searchset", 5]))
def test_arbitrary_bundles_never_500(emr_client, entries, kind) -> None:
    resp = post_bundle(emr_client, {"resourceType": "Bundle", "type": kind, "entry": entries})
    assert resp.status_code < 500, resp.content
    if resp.status_code >= 400:
        assert resp.json()["resourceType"] == "OperationOutcome"


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ('{"resourceType": "Bundle", "type": "batch", "total": NaN}', "NaN"),
        (
            '{"resourceType": "Bundle", "type": "transaction", "entry": [{"resource": '
            '{"resourceType": "Patient", "id": "nul", "name": [{"text": "a\\u0000b"}]}, '
            '"request": {"method": "PUT", "url": "Patient/nul"}}]}',
            "NUL",
        ),
        (
            '{"resourceType": "Bundle", "type": "transaction", "entry": [{"resource": '
            '{"resourceType": "Patient", "id": "sur", "name": [{"text": "\\ud800"}]}, '
            '"request": {"method": "PUT", "url": "Patient/sur"}}]}',
            "surrogate",
        ),
        ("[" * 100_000 + "]" * 100_000, "nested"),
    ],
)
def test_unstorable_json_is_refused(emr_client, body, needle) -> None:
    resp = post_bundle(emr_client, body)
    assert resp.status_code == 400
    assert needle in _issues(resp)[0]["diagnostics"]
    _nothing_written()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    text=st.text(max_size=20),
    birth=st.text(alphabet="0123456789-T:+Z", max_size=12),
    gender=st.sampled_from(["male", "female", "x", ""]),
)
def test_valid_shaped_resources_with_odd_values_never_500(emr_client, text, birth, gender) -> None:
    pat = patient("odd") | {"name": [{"text": text}], "birthDate": birth, "gender": gender}
    resp = post_bundle(emr_client, transaction(put(pat)))
    assert resp.status_code in {200, 400}, resp.content
    if resp.status_code == 200:
        stored = emr_client.get("/fhir/Patient/odd").json()
        assert stored["name"][0]["text"] == text
