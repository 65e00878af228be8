"""Issue #17 item 1: the output gate cannot be bypassed through /fhir.

A patient-facing Communication becomes ``completed``/``in-progress`` only through
``clinical.monitor.gate`` (monitor check or clinician sign-off). Every /fhir write path is
tried: PUT, POST, transaction and batch Bundles, ifNoneExist creates; each is refused with
a 403 OperationOutcome, and nothing is written, delivered or audited.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from fhir_helpers import FHIR, make_user, patient, post, post_bundle, put, transaction

from ammed_fhir import store
from ammed_fhir.models import PatientAccount, Resource
from ammed_fhir.write_policy import MESSAGE_CATEGORY_SYSTEM
from clinical.monitor import gate, services
from clinical.monitor.models import AuditEvent, Review, ReviewStatus

pytestmark = pytest.mark.django_db

UNSAFE = "疼痛厉害时对乙酰氨基酚片每次4片，每天6次，不用担心。"
ATTACK = "华法林今天起加倍吃；胸痛不用去医院。"


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def held(emr_client) -> str:
    """Patient gp1 (with a patient login) and one message the monitor held for review."""
    others = [
        {"resourceType": "Practitioner", "id": "p1"},
        {"resourceType": "Organization", "id": "o1"},
        {"resourceType": "RelatedPerson", "id": "rp1", "patient": {"reference": "Patient/gp1"}},
        {"resourceType": "Group", "id": "g1", "type": "person", "actual": True},
    ]
    resp = post_bundle(emr_client, transaction(put(patient("gp1")), *map(put, others)))
    assert resp.status_code == 200, resp.content
    result = gate.submit(
        gate.OutgoingMessage(
            patient_id="gp1", text=UNSAFE, category="guidance", idempotency_key="h1"
        )
    )
    assert result.action == "hold"
    return "h1"


@pytest.fixture
def patient_client(held) -> Client:
    user = make_user("gp1-user", "patient")
    PatientAccount.objects.create(user=user, patient_id="gp1")
    return _login(user)


def _comm(**extra) -> dict:
    return {
        "resourceType": "Communication",
        "status": "completed",
        "subject": {"reference": "Patient/gp1"},
        "recipient": [{"reference": "Patient/gp1"}],
        "payload": [{"contentString": ATTACK}],
        **extra,
    }


def _inbox(client: Client) -> list[dict]:
    resp = client.get("/api/v1/patients/gp1/inbox")
    assert resp.status_code == 200, resp.content
    return resp.json()["messages"]


def _assert_forbidden(resp, *expressions: str) -> dict:
    assert resp.status_code == 403, resp.content
    body = resp.json()
    assert body["resourceType"] == "OperationOutcome"
    found = {e for i in body["issue"] for e in i.get("expression", [])}
    assert set(expressions) <= found, found
    assert {i["code"] for i in body["issue"]} == {"forbidden"}
    return body


def _attack_text_stored() -> bool:
    return any(
        ATTACK in json.dumps(d, ensure_ascii=False)
        for d in Resource.objects.filter(resource_type="Communication").values_list(
            "data", flat=True
        )
    )


def test_put_held_message_to_completed_is_refused_review_stays_pending(
    held, emr_client, patient_client
) -> None:
    before = store.read("Communication", held)
    audits = AuditEvent.objects.count()
    forged = dict(before, status="completed", sent="2026-12-01T08:00:00+08:00")
    forged.pop("note", None)
    resp = emr_client.put(f"/fhir/Communication/{held}", json.dumps(forged), FHIR)
    _assert_forbidden(resp, "Communication.status")
    after = store.read("Communication", held)
    assert after["status"] == "on-hold" and after["meta"]["versionId"] == "1"
    assert Review.objects.get(communication_id=held).status == ReviewStatus.PENDING
    assert AuditEvent.objects.count() == audits
    assert _inbox(patient_client) == []


def test_post_new_completed_message_to_patient_is_refused(held, emr_client, patient_client) -> None:
    resp = emr_client.post("/fhir/Communication", json.dumps(_comm()), FHIR)
    _assert_forbidden(resp, "Communication.status", "Communication.recipient[0]")
    assert not _attack_text_stored()
    assert _inbox(patient_client) == []


@pytest.mark.parametrize("kind", ["transaction", "batch"])
def test_bundle_with_a_forged_message_is_refused_whole(
    held, emr_client, patient_client, kind
) -> None:
    from fhir_helpers import observation

    bundle = transaction(
        post(observation("gp1", 133) | {"id": "x"}),
        post(_comm(status="in-progress")),
        kind=kind,
    )
    resp = post_bundle(emr_client, bundle)
    _assert_forbidden(resp, "Bundle.entry[1].resource.status")
    assert not Resource.objects.filter(resource_type="Observation").exists()
    assert not _attack_text_stored()
    assert _inbox(patient_client) == []


def test_bundle_updating_the_held_message_is_refused_whole(held, emr_client) -> None:
    forged = dict(store.read("Communication", held), status="completed")
    resp = post_bundle(emr_client, transaction(put(patient("gp1", gender="male")), put(forged)))
    _assert_forbidden(resp, "Bundle.entry[1].resource.status")
    assert store.read("Patient", "gp1")["gender"] == "female"


def test_conditional_create_of_a_completed_message_is_refused(held, emr_client) -> None:
    entry = post(_comm())
    entry["request"]["ifNoneExist"] = "patient=gp1&status=stopped"  # matches nothing
    _assert_forbidden(post_bundle(emr_client, transaction(entry)))
    assert not _attack_text_stored()


def test_draft_to_patient_may_be_stored_but_not_put_to_completed(held, emr_client) -> None:
    for status in ("preparation", "on-hold"):
        draft = _comm(id=f"d-{status}", status=status)
        resp = emr_client.put(f"/fhir/Communication/d-{status}", json.dumps(draft), FHIR)
        assert resp.status_code == 201, resp.content
        released = dict(draft, status="completed")
        resp = emr_client.put(f"/fhir/Communication/d-{status}", json.dumps(released), FHIR)
        _assert_forbidden(resp, "Communication.status")
        assert store.read("Communication", f"d-{status}")["status"] == status


@pytest.mark.parametrize(
    "recipient",
    [
        {"reference": "RelatedPerson/rp1"},
        {"reference": "Group/g1"},
        {"display": "张伟家属"},
        {"reference": "https://emr.example/fhir/Patient/gp1"},
        {"identifier": {"system": "urn:oid:2.16.156.test.mrn", "value": "MRN-gp1"}},
    ],
)
def test_caregivers_groups_and_unclear_recipients_count_as_patient_facing(
    held, emr_client, recipient
) -> None:
    resp = emr_client.post("/fhir/Communication", json.dumps(_comm(recipient=[recipient])), FHIR)
    _assert_forbidden(resp, "Communication.status", "Communication.recipient[0]")


def test_any_change_to_a_gate_owned_message_is_refused(held, emr_client) -> None:
    stored = store.read("Communication", held)
    changes = {
        "payload": [{"contentString": ATTACK}],
        "recipient": [{"reference": "Practitioner/p9"}],
        "status": "not-done",
    }
    for element, value in changes.items():
        resp = emr_client.put(
            f"/fhir/Communication/{held}", json.dumps(dict(stored, **{element: value})), FHIR
        )
        _assert_forbidden(resp, f"Communication.{element}")
    assert store.read("Communication", held)["meta"]["versionId"] == "1"


def test_the_gate_category_is_reserved(held, emr_client) -> None:
    alert = {
        "resourceType": "Communication",
        "status": "completed",
        "category": [{"coding": [{"system": MESSAGE_CATEGORY_SYSTEM, "code": "alert"}]}],
        "subject": {"reference": "Patient/gp1"},
        "recipient": [{"reference": "Practitioner/p1"}],
        "payload": [{"contentString": "假警报"}],
    }
    resp = emr_client.post("/fhir/Communication", json.dumps(alert), FHIR)
    _assert_forbidden(resp, "Communication.category")


def test_administrators_cannot_bypass_the_gate_either(held, admin_client_fhir) -> None:
    resp = admin_client_fhir.post("/fhir/Communication", json.dumps(_comm()), FHIR)
    _assert_forbidden(resp, "Communication.status")


def test_outsiders_cannot_write_at_all(held) -> None:
    for role in ("patient", "physician"):
        client = _login(make_user(f"out-{role}", role))
        resp = client.post("/fhir/Communication", json.dumps(_comm()), FHIR)
        assert resp.status_code == 403
    assert Client().post("/fhir/Communication", json.dumps(_comm()), FHIR).status_code == 401
    assert not _attack_text_stored()


def test_staff_and_patient_sent_messages_still_go_through(held, emr_client) -> None:
    """Not patient-facing: to a Practitioner, or the patient's own message to the team."""
    to_doctor = _comm(recipient=[{"reference": "Practitioner/p1"}])
    resp = emr_client.post("/fhir/Communication", json.dumps(to_doctor), FHIR)
    assert resp.status_code == 201, resp.content
    from_patient = _comm(
        sender={"reference": "Patient/gp1"},
        recipient=[{"reference": "Organization/o1"}],
        payload=[{"contentString": "我今天头晕"}],
    )
    resp = emr_client.post("/fhir/Communication", json.dumps(from_patient), FHIR)
    assert resp.status_code == 201, resp.content


def test_clinician_approval_still_releases_through_the_gate(held, patient_client) -> None:
    doc = make_user("doc-gp1", "physician")
    review = Review.objects.get(communication_id=held)
    services.approve(review.pk, doc, text="请按说明书剂量服用对乙酰氨基酚片。")
    assert store.read("Communication", held)["status"] == "completed"
    assert [m["id"] for m in _inbox(patient_client)] == [held]
