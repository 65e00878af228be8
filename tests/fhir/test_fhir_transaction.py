"""POST /fhir transactions and batches: storage, ids, references, atomicity, events."""

from __future__ import annotations

import fhir_helpers
import pytest
from fhir_helpers import observation, patient, post, post_bundle, put, transaction

from ammed_fhir import events
from ammed_fhir.models import Resource, ResourceVersion

pytestmark = pytest.mark.django_db


def test_transaction_stores_every_entry_and_answers_locations(emr_client) -> None:
    bundle = transaction(
        put(patient("p1")),
        post(observation("p1", 131), "urn:uuid:11111111-1111-1111-1111-111111111111"),
    )
    resp = post_bundle(emr_client, bundle)
    assert resp.status_code == 200, resp.content
    assert resp["Content-Type"].startswith("application/fhir+json")
    body = resp.json()
    assert body["type"] == "transaction-response"
    statuses = [e["response"]["status"] for e in body["entry"]]
    assert statuses == ["201 Created", "201 Created"]
    assert body["entry"][0]["response"]["location"] == "Patient/p1/_history/1"
    obs_loc = body["entry"][1]["response"]["location"]
    obs_id = obs_loc.split("/")[1]
    row = Resource.objects.get(resource_type="Observation", resource_id=obs_id)
    assert row.patient_id == "p1"
    assert row.data["valueQuantity"]["value"] == 131
    assert row.data["meta"]["versionId"] == "1"
    read = emr_client.get(f"/fhir/Observation/{obs_id}")
    assert read.status_code == 200
    assert read.json()["id"] == obs_id


def test_urn_uuid_references_are_rewritten_to_assigned_ids(emr_client) -> None:
    pat_urn = "urn:uuid:aaaaaaaa-0000-0000-0000-000000000001"
    bundle = transaction(
        post({k: v for k, v in patient("ignored").items() if k != "id"}, pat_urn),
        post(observation("x") | {"subject": {"reference": pat_urn}}),
    )
    resp = post_bundle(emr_client, bundle)
    assert resp.status_code == 200, resp.content
    pat_id = resp.json()["entry"][0]["response"]["location"].split("/")[1]
    obs_id = resp.json()["entry"][1]["response"]["location"].split("/")[1]
    obs = Resource.objects.get(resource_type="Observation", resource_id=obs_id)
    assert obs.data["subject"]["reference"] == f"Patient/{pat_id}"
    assert obs.patient_id == pat_id


def test_repost_same_id_makes_new_version_not_duplicate(emr_client) -> None:
    assert post_bundle(emr_client, transaction(put(patient("p2")))).status_code == 200
    again = patient("p2", gender="male")
    resp = post_bundle(emr_client, transaction(put(again)))
    assert resp.status_code == 200
    assert resp.json()["entry"][0]["response"]["status"] == "200 OK"
    assert resp.json()["entry"][0]["response"]["location"] == "Patient/p2/_history/2"
    assert Resource.objects.filter(resource_type="Patient", resource_id="p2").count() == 1
    row = Resource.objects.get(resource_type="Patient", resource_id="p2")
    assert (row.version_id, row.data["gender"]) == (2, "male")
    # the history holds the superseded version 1; version 2 is the current row
    assert list(
        ResourceVersion.objects.filter(resource_id="p2").values_list("version_id", flat=True)
    ) == [1]
    old = emr_client.get("/fhir/Patient/p2/_history/1")
    assert old.status_code == 200 and old.json()["gender"] == "female"
    current = emr_client.get("/fhir/Patient/p2/_history/2")
    assert current.status_code == 200 and current.json()["gender"] == "male"
    assert emr_client.get("/fhir/Patient/p2/_history/3").status_code == 404


def test_one_bad_entry_in_fifty_writes_nothing(emr_client) -> None:
    entries = [put(patient("atom"))]
    entries += [post(observation("atom", 100 + i)) for i in range(48)]
    bad = observation("atom")
    bad["effectiveDateTime"] = "2026-02-30T08:00:00+08:00"
    entries.append(post(bad))
    assert len(entries) == 50
    resp = post_bundle(emr_client, transaction(*entries))
    assert resp.status_code == 400
    oo = resp.json()
    assert oo["resourceType"] == "OperationOutcome"
    assert oo["issue"][0]["expression"] == ["Bundle.entry[49].resource.effectiveDateTime"]
    assert Resource.objects.count() == 0
    assert ResourceVersion.objects.count() == 0


def test_conditional_create_if_none_exist_reuses_match(emr_client) -> None:
    post_bundle(emr_client, transaction(put(patient("cond"))))
    urn = "urn:uuid:bbbbbbbb-0000-0000-0000-000000000001"
    entry = post({k: v for k, v in patient("z").items() if k != "id"}, urn)
    entry["request"]["ifNoneExist"] = "identifier=urn:oid:2.16.156.test.mrn|MRN-cond"
    resp = post_bundle(
        emr_client, transaction(entry, post(observation("z") | {"subject": {"reference": urn}}))
    )
    assert resp.status_code == 200, resp.content
    first = resp.json()["entry"][0]["response"]
    assert first["status"] == "200 OK"
    assert first["location"] == "Patient/cond/_history/1"
    assert Resource.objects.filter(resource_type="Patient").count() == 1
    obs = Resource.objects.get(resource_type="Observation")
    assert obs.data["subject"]["reference"] == "Patient/cond"


def test_batch_answers_entry_by_entry(emr_client) -> None:
    bad = observation("b1")
    del bad["status"]
    bundle = transaction(put(patient("b1")), post(bad), post(observation("b1")), kind="batch")
    resp = post_bundle(emr_client, bundle)
    assert resp.status_code == 200
    body = resp.json()
    assert body["type"] == "batch-response"
    statuses = [e["response"]["status"] for e in body["entry"]]
    assert statuses == ["201 Created", "400 Bad Request", "201 Created"]
    issue = body["entry"][1]["response"]["outcome"]["issue"][0]
    assert issue["expression"] == ["Bundle.entry[1].resource.status"]
    assert Resource.objects.filter(resource_type="Observation").count() == 1


def test_change_event_published_once_on_commit(
    emr_client, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setattr(events, "_SUBSCRIBERS", {"fhir_helpers.record": False})
    fhir_helpers.RECORDED.clear()
    with django_capture_on_commit_callbacks(execute=True):
        resp = post_bundle(emr_client, transaction(put(patient("ev")), post(observation("ev"))))
    assert resp.status_code == 200
    seen = fhir_helpers.RECORDED
    assert len(seen) == 1
    assert sorted((c.resource_type, c.patient_id, c.action) for c in seen[0]) == [
        ("Observation", "ev", "create"),
        ("Patient", "ev", "create"),
    ]


def test_demo_fixture_bundles_go_through(emr_client, demo_bundles) -> None:
    for bundle in demo_bundles:
        resp = post_bundle(emr_client, bundle)
        assert resp.status_code == 200, resp.content
    assert Resource.objects.filter(resource_type="Patient").count() == 2
    surgery = Resource.objects.filter(patient_id="demo-surgery")
    assert surgery.filter(resource_type="MedicationRequest").count() == 4
    assert (
        Resource.objects.filter(patient_id="demo-htn-dm", resource_type="Observation").count() == 5
    )


def test_bulk_copy_conflict_is_an_integrity_error_not_a_crash(emr_client) -> None:
    from django.db import IntegrityError, transaction

    from ammed_fhir import store

    rows = [patient(f"dup{i}") for i in range(25)]
    store.write_many(rows)
    with pytest.raises(IntegrityError), transaction.atomic():
        # claiming the ids are fresh forces the COPY path into the unique constraint
        store.write_validated(rows, fresh={("Patient", r["id"]) for r in rows})
    assert Resource.objects.filter(resource_type="Patient").count() == 25


def test_every_version_is_kept_once_even_when_a_batch_writes_one_id_twice(db) -> None:
    from ammed_fhir import store

    store.write_many([{"resourceType": "Patient", "id": "v1", "gender": "female"}])
    store.write_validated(
        [
            {"resourceType": "Patient", "id": "v1", "gender": "male"},
            {"resourceType": "Patient", "id": "v1", "gender": "other"},
            {"resourceType": "Patient", "id": "v-new", "gender": "male"},
            {"resourceType": "Patient", "id": "v-twice", "gender": "female"},
            {"resourceType": "Patient", "id": "v-twice", "gender": "male"},
        ]
    )
    history = dict(
        ResourceVersion.objects.filter(resource_id="v1").values_list("version_id", "data__gender")
    )
    assert history == {1: "female", 2: "male"}
    assert store.read("Patient", "v1")["meta"]["versionId"] == "3"
    assert [store.read_version("Patient", "v1", v)["gender"] for v in (1, 2, 3)] == [
        "female",
        "male",
        "other",
    ]
    assert not ResourceVersion.objects.filter(resource_id="v-new").exists()  # a create: 1 row
    assert store.read_version("Patient", "v-new", 1)["gender"] == "male"
    # new in the batch and written twice: its first version is history too
    assert [store.read_version("Patient", "v-twice", v)["gender"] for v in (1, 2)] == [
        "female",
        "male",
    ]


def test_migration_drops_legacy_copies_of_current_versions_so_updates_work(db) -> None:
    import importlib

    from django.apps import apps

    from ammed_fhir import store

    migration = importlib.import_module(
        "ammed_fhir.migrations.0005_history_keeps_superseded_versions"
    )
    stored = store.write({"resourceType": "Patient", "id": "legacy", "gender": "female"})
    row = Resource.objects.get(resource_type="Patient", resource_id="legacy")
    # what the earlier code wrote: the current version copied into the history too
    ResourceVersion.objects.create(
        resource_type="Patient",
        resource_id="legacy",
        version_id=1,
        last_updated=row.last_updated,
        data=stored,
    )
    migration.drop_copies_of_current(apps, None)
    assert not ResourceVersion.objects.filter(resource_id="legacy").exists()
    store.write({"resourceType": "Patient", "id": "legacy", "gender": "male"})
    assert store.read_version("Patient", "legacy", 1)["gender"] == "female"
    assert store.read_version("Patient", "legacy", 2)["gender"] == "male"
