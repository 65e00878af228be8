"""Issue #17 items 2 and 3: what a patient sees through /fhir, and R4 Patient compartments.

Personas: the patient (``c1``), an unrelated patient (``c3``), the clinician assigned to
c1, an outsider clinician, the EMR integration, and nobody logged in.
"""

from __future__ import annotations

import importlib
import json

import pytest
from django.test import Client
from fhir_helpers import FHIR, make_user, patient, post_bundle, put, transaction

from ammed_fhir import access, compartments, store
from ammed_fhir.models import PatientAccount, PractitionerAccount, Resource
from ammed_fhir.write_policy import MESSAGE_CATEGORY_SYSTEM
from clinical.monitor import gate, services
from clinical.monitor.models import Review

pytestmark = pytest.mark.django_db

UNSAFE = "疼痛厉害时对乙酰氨基酚片每次4片，每天6次，不用担心。"
HIV = {"coding": [{"system": "http://loinc.org", "code": "7917-8", "display": "HIV 1 Ab"}]}


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def people(emr_client) -> dict[str, Client]:
    resp = post_bundle(
        emr_client,
        transaction(
            put(patient("c1")),
            put(patient("c2")),
            put(patient("c3")),
            put({"resourceType": "Practitioner", "id": "pr1", "name": [{"text": "王医生"}]}),
        ),
    )
    assert resp.status_code == 200, resp.content
    users = {}
    for pid in ("c1", "c2", "c3"):
        users[pid] = make_user(f"{pid}-user", "patient")
        PatientAccount.objects.create(user=users[pid], patient_id=pid)
    doc = make_user("doc-c1", "physician")
    PractitionerAccount.objects.create(user=doc, practitioner_id="pr1")
    access.assign(doc, "c1")
    return {
        "patient": _login(users["c1"]),
        "c2": _login(users["c2"]),
        "other_patient": _login(users["c3"]),
        "clinician": _login(doc),
        "outsider_clinician": _login(make_user("doc-out", "physician")),
        "emr": emr_client,
        "anonymous": Client(),
    }


def _status(client: Client, url: str) -> int:
    return client.get(url).status_code


def _ids(client: Client, url: str) -> tuple[int, list[str]]:
    body = client.get(url).json()
    return body["total"], sorted(e["resource"]["id"] for e in body["entry"])


# ---- item 2: what a patient sees of their Communications ---------------------------------


@pytest.fixture
def messages(people) -> dict[str, str]:
    """c1's messages in every state the gate produces, plus an EMR draft."""
    released = gate.build_communication(
        gate.OutgoingMessage(patient_id="c1", text="请按时复诊。", category="followup"),
        "m-released",
        "completed",
    )
    store.write(released)
    held = gate.submit(
        gate.OutgoingMessage(
            patient_id="c1", text=UNSAFE, category="guidance", idempotency_key="m-held"
        )
    )
    rejected = gate.submit(
        gate.OutgoingMessage(
            patient_id="c1", text=UNSAFE, category="guidance", idempotency_key="m-rej"
        )
    )
    assert held.action == rejected.action == "hold"
    doc = make_user("rejecter", "physician")
    services.reject(Review.objects.get(communication_id="m-rej").pk, doc, "剂量错误")
    alert = gate.alert_care_team(
        "c1", "【漏服预警】患者连续3次未服华法林钠片", reason="missed", key="m-alert"
    )
    draft = {
        "resourceType": "Communication",
        "id": "m-draft",
        "status": "preparation",
        "subject": {"reference": "Patient/c1"},
        "recipient": [{"reference": "Patient/c1"}],
        "payload": [{"contentString": "草稿"}],
    }
    assert (
        people["emr"].put("/fhir/Communication/m-draft", json.dumps(draft), FHIR).status_code == 201
    )
    hold_alerts = [f"hold-{r.pk}" for r in Review.objects.filter(patient_id="c1")]
    return {
        "released": "m-released",
        "held": "m-held",
        "rejected": "m-rej",
        "alert": alert["id"],
        "draft": "m-draft",
        "hold_alerts": ",".join(hold_alerts),
    }


HIDDEN = ("held", "rejected", "alert", "draft")


def test_patient_reads_released_messages_only(people, messages) -> None:
    client = people["patient"]
    assert _status(client, f"/fhir/Communication/{messages['released']}") == 200
    for name in HIDDEN:
        resp = client.get(f"/fhir/Communication/{messages[name]}")
        assert resp.status_code == 404, name
        assert resp.json()["issue"][0]["code"] == "not-found"
    for alert in messages["hold_alerts"].split(","):
        assert store.read("Communication", alert)["recipient"] == [
            {"reference": "Practitioner/pr1"}
        ]
        assert _status(client, f"/fhir/Communication/{alert}") == 404


def test_patient_search_excludes_held_rejected_drafts_and_alerts_from_the_total(
    people, messages
) -> None:
    client = people["patient"]
    assert _ids(client, "/fhir/Communication") == (1, [messages["released"]])
    assert _ids(client, "/fhir/Communication?patient=c1") == (1, [messages["released"]])
    for status in ("on-hold", "not-done", "preparation"):
        assert _ids(client, f"/fhir/Communication?status={status}") == (0, [])
    every = ",".join(messages[n] for n in HIDDEN)
    assert _ids(client, f"/fhir/Communication?_id={every}") == (0, [])
    assert client.get("/fhir/Communication?_count=0").json()["total"] == 1


def test_patient_cannot_vread_a_held_version_after_approval(people, messages) -> None:
    doc = make_user("approver", "physician")
    review = Review.objects.get(communication_id=messages["held"])
    services.approve(review.pk, doc, text="请按说明书剂量服用对乙酰氨基酚片。")
    client = people["patient"]
    url = f"/fhir/Communication/{messages['held']}"
    assert _status(client, url) == 200
    assert _status(client, f"{url}/_history/2") == 200
    held_version = client.get(f"{url}/_history/1")
    assert held_version.status_code == 404
    assert UNSAFE not in held_version.content.decode()
    for name in ("rejected", "alert", "draft"):
        assert _status(client, f"/fhir/Communication/{messages[name]}/_history/1") == 404
    # the history Bundle counts and pages only the versions the patient may read
    history = client.get(f"{url}/_history").json()
    assert history["total"] == 1
    assert [e["response"]["etag"] for e in history["entry"]] == ['W/"2"']
    assert UNSAFE not in json.dumps(history, ensure_ascii=False)
    every = client.get("/fhir/Communication/_history").json()  # m-held v2 and "released"
    assert every["total"] == len(every["entry"]) == 2
    assert UNSAFE not in json.dumps(every, ensure_ascii=False)
    first = client.get("/fhir/Communication/_history?_count=1").json()
    assert first["total"] == 2 and len(first["entry"]) == 1
    nxt = next(link["url"] for link in first["link"] if link["relation"] == "next")
    second = client.get(nxt).json()
    assert len(second["entry"]) == 1
    assert not [link for link in second["link"] if link["relation"] == "next"]


def test_patient_sees_their_own_record_and_their_own_messages(people, messages) -> None:
    mine = {
        "resourceType": "Communication",
        "id": "m-mine",
        "status": "completed",
        "subject": {"reference": "Patient/c1"},
        "sender": {"reference": "Patient/c1"},
        "recipient": [{"reference": "Practitioner/pr1"}],
        "payload": [{"contentString": "我今天头晕"}],
    }
    assert (
        people["emr"].put("/fhir/Communication/m-mine", json.dumps(mine), FHIR).status_code == 201
    )
    client = people["patient"]
    assert _status(client, "/fhir/Patient/c1") == 200
    assert _status(client, "/fhir/Communication/m-mine") == 200
    assert _ids(client, "/fhir/Communication")[1] == sorted([messages["released"], "m-mine"])


def test_assigned_clinician_sees_every_message_outsiders_none(people, messages) -> None:
    names = ("released", *HIDDEN)
    for name in names:
        assert _status(people["clinician"], f"/fhir/Communication/{messages[name]}") == 200
    for persona in ("other_patient", "outsider_clinician", "c2"):
        for name in names:
            url = f"/fhir/Communication/{messages[name]}"
            assert _status(people[persona], url) == 404, (persona, name)
        assert _ids(people[persona], "/fhir/Communication") == (0, [])
    assert _status(people["anonymous"], f"/fhir/Communication/{messages['released']}") == 401


# ---- item 3: every R4 compartment parameter ----------------------------------------------


@pytest.fixture
def item3(people) -> dict[str, str]:
    resources = [
        {
            "resourceType": "Appointment",
            "id": "appt",
            "status": "booked",
            "participant": [
                {"actor": {"reference": "Practitioner/pr1"}, "status": "accepted"},
                {"actor": {"reference": "Patient/c1"}, "status": "accepted"},
            ],
        },
        {
            "resourceType": "Account",
            "id": "acct",
            "status": "active",
            "subject": [{"reference": "Patient/c2"}, {"reference": "Patient/c1"}],
        },
        {
            "resourceType": "Communication",
            "id": "recip-only",
            "status": "on-hold",
            "recipient": [{"reference": "Patient/c1"}],
            "payload": [{"contentString": "请带上化验单"}],
        },
        {
            "resourceType": "Observation",
            "id": "hiv",
            "status": "final",
            "code": HIV,
            "subject": {"identifier": {"system": "urn:oid:2.16.156.test.mrn", "value": "MRN-c1"}},
            "valueString": "阴性",
        },
    ]
    resp = post_bundle(people["emr"], transaction(*map(put, resources)))
    assert resp.status_code == 200, resp.content
    # a released message with only a recipient, as the gate (or older data) stores it
    store.write(
        {
            "resourceType": "Communication",
            "id": "recip-released",
            "status": "completed",
            "recipient": [{"reference": "Patient/c1"}],
            "payload": [{"contentString": "复诊时间已确认"}],
        }
    )
    return {
        "Appointment": "appt",
        "Account": "acct",
        "Communication": "recip-released",
        "Observation": "hiv",
    }


def test_each_case_is_in_the_right_compartment(item3) -> None:
    assert Resource.objects.get(resource_id="appt").patient_id == "c1"
    acct = Resource.objects.get(resource_id="acct")
    assert (acct.patient_id, acct.other_patients) == ("c2", {"c1": True})
    assert Resource.objects.get(resource_id="recip-only").patient_id == "c1"
    hiv = store.read("Observation", "hiv")
    assert hiv["subject"]["reference"] == "Patient/c1"  # resolved at write time
    assert hiv["subject"]["identifier"]["value"] == "MRN-c1"  # and the identifier kept


@pytest.mark.parametrize("rtype", ["Appointment", "Account", "Communication", "Observation"])
def test_each_case_is_visible_to_its_patient_and_clinician(people, item3, rtype) -> None:
    url = f"/fhir/{rtype}/{item3[rtype]}"
    for persona in ("patient", "clinician", "emr"):
        assert _status(people[persona], url) == 200, persona
    assert _status(people["patient"], f"{url}/_history/1") == 200


@pytest.mark.parametrize("rtype", ["Appointment", "Account", "Communication", "Observation"])
def test_each_case_is_invisible_to_outsiders(people, item3, rtype) -> None:
    url = f"/fhir/{rtype}/{item3[rtype]}"
    for persona in ("other_patient", "outsider_clinician"):
        resp = people[persona].get(url)
        assert resp.status_code == 404, persona
        assert resp.json()["resourceType"] == "OperationOutcome"
        assert _status(people[persona], f"{url}/_history/1") == 404
    assert _status(people["anonymous"], url) == 401


def test_outsiders_search_finds_none_of_them(people, item3) -> None:
    for persona in ("other_patient", "outsider_clinician"):
        assert _ids(people[persona], "/fhir/Observation") == (0, [])
        assert _ids(people[persona], "/fhir/Communication") == (0, [])
    assert _ids(people["patient"], "/fhir/Observation") == (1, ["hiv"])
    assert _ids(people["clinician"], "/fhir/Communication") == (2, ["recip-only", "recip-released"])
    # the patient sees the released one, not the on-hold one
    assert _ids(people["patient"], "/fhir/Communication") == (1, ["recip-released"])


def test_a_list_valued_subject_puts_the_account_in_both_compartments(people, item3) -> None:
    assert _status(people["c2"], "/fhir/Account/acct") == 200
    assert _status(people["patient"], "/fhir/Account/acct") == 200


@pytest.mark.parametrize(
    ("identifier", "code"),
    [
        ({"system": "urn:oid:2.16.156.test.mrn", "value": "MRN-nobody"}, "not-found"),
        ({"value": "DUP"}, "multiple-matches"),
        ({"system": "urn:x"}, "required"),
    ],
)
def test_identifier_reference_that_names_no_single_patient_is_refused(
    people, identifier, code
) -> None:
    dup = [{"system": "urn:a", "value": "DUP"}]
    for pid in ("c2", "c3"):
        resp = people["emr"].put(
            f"/fhir/Patient/{pid}", json.dumps(patient(pid, identifier=dup)), FHIR
        )
        assert resp.status_code == 200
    obs = {
        "resourceType": "Observation",
        "status": "final",
        "code": HIV,
        "subject": {"identifier": identifier},
        "valueString": "阳性",
    }
    resp = people["emr"].post("/fhir/Observation", json.dumps(obs), FHIR)
    assert resp.status_code == 422, resp.content
    issue = resp.json()["issue"][0]
    assert issue["code"] == code
    assert issue["expression"][0].startswith("Observation.subject")
    assert not Resource.objects.filter(resource_type="Observation").exists()


def test_identifier_reference_to_a_patient_in_the_same_bundle_is_resolved(people) -> None:
    obs = {
        "resourceType": "Observation",
        "id": "hiv-new",
        "status": "final",
        "code": HIV,
        "subject": {"type": "Patient", "identifier": {"system": "urn:new", "value": "N1"}},
    }
    new = patient("c-new", identifier=[{"system": "urn:new", "value": "N1"}])
    resp = post_bundle(people["emr"], transaction(put(new), put(obs)))
    assert resp.status_code == 200, resp.content
    assert store.read("Observation", "hiv-new")["subject"]["reference"] == "Patient/c-new"
    assert _status(people["patient"], "/fhir/Observation/hiv-new") == 404


def test_resources_in_no_compartment_are_not_shared_unless_reference_data(people) -> None:
    orphan = {"resourceType": "Observation", "id": "orphan", "status": "final", "code": HIV}
    assert (
        people["emr"].put("/fhir/Observation/orphan", json.dumps(orphan), FHIR).status_code == 201
    )
    for persona in ("patient", "clinician", "outsider_clinician"):
        assert _status(people[persona], "/fhir/Observation/orphan") == 404, persona
        assert _status(people[persona], "/fhir/Practitioner/pr1") == 200, persona
    assert _status(people["emr"], "/fhir/Observation/orphan") == 200
    assert _ids(people["patient"], "/fhir/Practitioner") == (1, ["pr1"])


def test_a_task_for_a_patient_stays_in_their_compartment(people) -> None:
    """R4 leaves Task out of the Patient compartment; AM-Med keeps ``Task.for``."""
    task = {
        "resourceType": "Task",
        "id": "t1",
        "status": "requested",
        "intent": "order",
        "for": {"reference": "Patient/c1"},
    }
    assert people["emr"].put("/fhir/Task/t1", json.dumps(task), FHIR).status_code == 201
    assert _status(people["patient"], "/fhir/Task/t1") == 200
    assert _status(people["other_patient"], "/fhir/Task/t1") == 404


# ---- the table and the backfill ----------------------------------------------------------


def test_the_table_covers_every_r4_resource_type_once() -> None:
    table = compartments.definition()
    listed, never = set(table["resources"]), set(table["never"])
    assert not listed & never and len(listed | never) == 145
    assert table["resources"]["Appointment"] == {"actor": ["participant.actor"]}
    assert table["resources"]["AllergyIntolerance"].keys() == {"patient", "recorder", "asserter"}
    assert "hl7.org/fhir/R4/compartmentdefinition-patient" in table["source"]


def test_gate_messages_carry_the_category_the_write_policy_knows() -> None:
    msg = gate.OutgoingMessage(patient_id="x", text="t", category="reminder")
    comm = gate.build_communication(msg, "id1", "completed")
    assert comm["category"][0]["coding"][0]["system"] == MESSAGE_CATEGORY_SYSTEM


def test_backfill_migration_places_existing_rows(people) -> None:
    from django.apps import apps

    store.write(
        {
            "resourceType": "Account",
            "id": "old-acct",
            "status": "active",
            "subject": [{"reference": "Patient/c2"}, {"reference": "Patient/c1"}],
        }
    )
    Resource.objects.filter(resource_id="old-acct").update(patient_id="", other_patients={})
    module = importlib.import_module("ammed_fhir.migrations.0008_backfill_compartments")
    module.backfill(apps, None)
    row = Resource.objects.get(resource_id="old-acct")
    assert (row.patient_id, row.other_patients) == ("c2", {"c1": True})
