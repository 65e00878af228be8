"""The change-event outbox: written with the data, drained by Celery; a broker outage
delays events, never loses them, and never turns a committed write into a 500."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from broker_outage import broker_unreachable
from django.core.management import call_command
from django.db import transaction as db_transaction
from django.utils import timezone
from fhir_helpers import observation, patient, post, post_bundle, put, transaction

from ammed_fhir import events, outbox, store
from ammed_fhir.events import Change
from ammed_fhir.models import OutboxEvent, Resource

CALLS: list[list[Change]] = []
FAIL = {"times": 0}


def flaky_handler(changes: list[Change]) -> None:
    if FAIL["times"] > 0:
        FAIL["times"] -= 1
        raise RuntimeError("subscriber down (patient text must not be logged)")
    CALLS.append(changes)


@pytest.fixture
def flaky(monkeypatch: pytest.MonkeyPatch) -> list[list[Change]]:
    CALLS.clear()
    FAIL["times"] = 0
    monkeypatch.setattr(events, "_SUBSCRIBERS", {f"{__name__}.flaky_handler": False})
    return CALLS


def med_request(rid: str, pid: str) -> dict[str, Any]:
    return {
        "resourceType": "MedicationRequest",
        "id": rid,
        "status": "active",
        "intent": "order",
        "medicationCodeableConcept": {"text": "氨氯地平片 5mg"},
        "subject": {"reference": f"Patient/{pid}"},
        "authoredOn": "2026-11-28T09:00:00+08:00",
        "dosageInstruction": [{"text": "氨氯地平片 5mg 每日1次 口服"}],
    }


def _later(seconds: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=seconds)


# --- the outbox itself ---------------------------------------------------------------


@pytest.mark.django_db
def test_an_event_row_is_written_with_the_data_and_dispatched_on_commit(
    flaky, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        store.write(patient("ob1"))
    row = OutboxEvent.objects.get()
    assert row.dispatched_at is not None and row.attempts == 1 and row.last_error == ""
    assert row.payload == [Change("Patient", "ob1", 1, "ob1", "create").as_dict()]
    assert [[c.resource_id for c in batch] for batch in flaky] == [["ob1"]]


@pytest.mark.django_db
def test_eager_a_failing_subscriber_still_fails_loudly_and_the_event_is_kept(
    flaky, django_capture_on_commit_callbacks
) -> None:
    FAIL["times"] = 1
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        store.write(patient("ob9"))
    row = OutboxEvent.objects.get()
    assert row.dispatched_at is None and row.attempts == 1 and row.last_error == "RuntimeError"
    OutboxEvent.objects.update(next_attempt_at=timezone.now())
    assert outbox.drain() == 1 and len(flaky) == 1


@pytest.mark.django_db
def test_the_payload_names_resources_never_their_content(flaky) -> None:
    store.write(patient("ob2", name=[{"text": "王秘密"}]))
    (payload,) = OutboxEvent.objects.values_list("payload", flat=True)
    assert "王秘密" not in str(payload)
    assert set(payload[0]) == {
        "resource_type",
        "resource_id",
        "version_id",
        "patient_id",
        "action",
        "origin",
    }


@pytest.mark.django_db
def test_a_rolled_back_write_leaves_no_event(flaky) -> None:
    with pytest.raises(RuntimeError), db_transaction.atomic():
        store.write(patient("ob3"))
        raise RuntimeError("rollback")
    assert not OutboxEvent.objects.exists()


@pytest.mark.django_db
def test_an_event_is_claimed_once(flaky) -> None:
    store.write(patient("ob4"))
    (pk,) = OutboxEvent.objects.values_list("pk", flat=True)
    assert outbox.dispatch_ids([pk]) == 1
    assert outbox.dispatch_ids([pk]) == 0
    assert outbox.drain() == 0
    assert len(flaky) == 1


@pytest.mark.django_db
def test_a_claimed_event_is_left_to_its_drain_until_the_lease_ends(flaky, settings) -> None:
    store.write(patient("ob5"))
    (pk,) = OutboxEvent.objects.values_list("pk", flat=True)
    lease = dt.timedelta(seconds=settings.AMMED_OUTBOX_LEASE_S)
    assert outbox._claim([pk], timezone.now()) == [pk]  # a worker died holding it
    assert outbox.drain() == 0
    OutboxEvent.objects.filter(pk=pk).update(next_attempt_at=timezone.now() - lease)
    assert outbox.drain() == 1 and len(flaky) == 1


@pytest.mark.django_db
def test_a_failing_subscriber_backs_off_and_the_event_is_retried(flaky, caplog) -> None:
    FAIL["times"] = 1
    store.write(patient("ob6"))
    assert outbox.drain() == 0
    row = OutboxEvent.objects.get()
    assert row.dispatched_at is None and row.attempts == 1
    assert row.last_error == "RuntimeError"
    assert row.next_attempt_at > _later(20)
    assert "patient text" not in caplog.text and "RuntimeError" in caplog.text
    assert outbox.drain() == 0  # still backing off
    OutboxEvent.objects.update(next_attempt_at=timezone.now())
    assert outbox.drain() == 1
    row.refresh_from_db()
    assert row.dispatched_at is not None and row.last_error == "" and len(flaky) == 1


def test_backoff_is_exponential_and_capped(settings) -> None:
    settings.AMMED_OUTBOX_BACKOFF_BASE_S = 30
    settings.AMMED_OUTBOX_BACKOFF_CAP_S = 3600
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 8, 20)] == [
        30,
        60,
        120,
        3600,
        3600,
    ]


@pytest.mark.django_db
def test_after_max_attempts_an_event_stays_visible_until_ops_retry_it(flaky, settings) -> None:
    settings.AMMED_OUTBOX_MAX_ATTEMPTS = 2
    FAIL["times"] = 2
    store.write(patient("ob7"))
    for _ in range(3):
        outbox.drain()
        OutboxEvent.objects.update(next_attempt_at=timezone.now())
    assert list(outbox.failed().values_list("attempts", flat=True)) == [2]
    assert outbox.drain() == 0  # given up: no longer claimed
    call_command("drain_outbox", "--retry-failed")
    assert not outbox.failed().exists() and outbox.pending().count() == 0
    assert len(flaky) == 1


@pytest.mark.django_db
def test_old_dispatched_events_are_purged(flaky, settings) -> None:
    store.write(patient("ob8"))
    outbox.drain()
    assert outbox.purge() == 0
    assert outbox.purge(now=_later(86400 * (settings.AMMED_OUTBOX_KEEP_DAYS + 1))) == 1


# --- a broker outage -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_post_fhir_with_the_broker_down_answers_200_and_the_drain_delivers_later(
    emr_client, caplog
) -> None:
    from clinical.orders.models import OrderSchedule

    bundle = transaction(put(patient("down1")), put(med_request("down1-mr", "down1")))
    with broker_unreachable():
        resp = post_bundle(emr_client, bundle)
    assert resp.status_code == 200, resp.content
    assert "broker unreachable: ammed_fhir.drain_events not enqueued" in caplog.text
    assert [e["response"]["status"] for e in resp.json()["entry"]] == ["201 Created"] * 2
    assert Resource.objects.filter(resource_id__in=["down1", "down1-mr"]).count() == 2
    event = OutboxEvent.objects.get()
    assert event.dispatched_at is None and event.attempts == 0  # waiting, not lost
    assert not OrderSchedule.objects.filter(request_id="down1-mr").exists()

    assert outbox.drain() == 1  # the broker is back (eager): the beat's drain
    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert OrderSchedule.objects.filter(request_id="down1-mr").exists()  # reminders planned


@pytest.mark.django_db(transaction=True)
def test_the_drain_outbox_command_dispatches_what_the_outage_left(emr_client) -> None:
    with broker_unreachable():
        resp = post_bundle(emr_client, transaction(put(patient("down2"))))
    assert resp.status_code == 200
    assert outbox.pending().count() == 1
    call_command("drain_outbox")
    assert outbox.pending().count() == 0


# --- idempotent retries by the EMR -----------------------------------------------------


def _retry_bundle() -> dict[str, Any]:
    pat = patient("idem1")
    obs = observation("idem1", id="idem1-bp")
    enc = {
        "resourceType": "Encounter",
        "status": "finished",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
        "subject": {"reference": "Patient/idem1"},
    }
    pat2 = patient("ignored", identifier=[{"system": "urn:oid:2.16.156.test.mrn", "value": "N2"}])
    del pat2["id"]
    created = post(pat2, "urn:uuid:9a3c0c1e-0000-4000-8000-000000000001")
    created["request"]["ifNoneExist"] = "identifier=urn:oid:2.16.156.test.mrn|N2"
    return transaction(put(pat), put(obs), put({**enc, "id": "idem1-enc"}), created)


@pytest.mark.django_db
def test_the_same_bundle_posted_again_after_a_timeout_makes_no_duplicates(emr_client) -> None:
    first = post_bundle(emr_client, _retry_bundle())
    assert first.status_code == 200, first.content
    counts = {
        t: Resource.objects.filter(resource_type=t).count()
        for t in ("Patient", "Observation", "Encounter")
    }
    again = post_bundle(emr_client, _retry_bundle())
    assert again.status_code == 200, again.content
    assert counts == {
        t: Resource.objects.filter(resource_type=t).count()
        for t in ("Patient", "Observation", "Encounter")
    }
    assert counts == {"Patient": 2, "Observation": 1, "Encounter": 1}
    statuses = [e["response"]["status"] for e in again.json()["entry"]]
    assert statuses == ["200 OK", "200 OK", "200 OK", "200 OK"]
    locations = [e["response"]["location"] for e in first.json()["entry"]]
    assert (
        again.json()["entry"][3]["response"]["location"].split("/_history")[0]
        == (locations[3].split("/_history")[0])
    )
