"""submit_many(): the batch door keeps submit()'s guarantees (hold/release, idempotency,
release handlers only for released messages, one change event for the batch)."""

from __future__ import annotations

import pytest
from ammed_monitor_helpers import RELEASED
from ammed_monitor_helpers import demo_db as demo_db

from ammed_fhir import events, store
from ammed_fhir.validation import FhirValidationError
from clinical.monitor import gate
from clinical.monitor.models import AuditEvent, Review, ReviewStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_db")]

SAFE = "张伟您好，请今晚饭后按时服用华法林钠片3mg。如出现黑便、牙龈出血不止，请及时就医。"
UNSAFE = "疼痛厉害时对乙酰氨基酚片每次4片，每天6次，不用担心。"


@pytest.fixture(autouse=True)
def handler():
    gate.register_release_handler("ammed_monitor_helpers.record_release")
    RELEASED.clear()
    yield
    gate._RELEASE_HANDLERS.remove("ammed_monitor_helpers.record_release")


def _msg(text: str, key: str, patient: str = "demo-surgery") -> gate.OutgoingMessage:
    return gate.OutgoingMessage(
        patient_id=patient, text=text, category="guidance", idempotency_key=key
    )


def test_mix_of_held_and_released_in_order_with_handlers_only_for_released(
    django_capture_on_commit_callbacks,
):
    msgs = [_msg(SAFE, "b-1"), _msg(UNSAFE, "b-2"), _msg(SAFE, "b-3"), _msg(SAFE, "b-4", "nobody")]
    with django_capture_on_commit_callbacks(execute=True):
        results = gate.submit_many(msgs)
    assert [r.action for r in results] == ["release", "hold", "release", "hold"]
    assert [r.communication["id"] for r in results] == ["b-1", "b-2", "b-3", "b-4"]
    assert {"dose_single_exceeds_max", "dose_daily_exceeds_max"} <= {
        f["code"] for f in results[1].findings
    }
    assert "patient_unknown" in {f["code"] for f in results[3].findings}
    assert store.read("Communication", "b-1")["status"] == "completed"
    held = store.read("Communication", "b-2")
    assert held["status"] == "on-hold" and "sent" not in held
    # reviews + audit for the held ones only, in the same shape as submit()
    assert sorted(Review.objects.values_list("communication_id", flat=True)) == ["b-2", "b-4"]
    review = Review.objects.get(communication_id="b-2")
    assert review.status == ReviewStatus.PENDING and review.original_text == UNSAFE
    assert list(review.audit_events.values_list("action", flat=True)) == ["hold", "notify"]
    assert AuditEvent.objects.filter(action="hold").count() == 2
    # release handlers: the two released patient messages + the care-team alert for b-2
    # (b-4's patient is unknown: its alert has no clinician, still an alert Communication)
    patient_facing = [c["id"] for c in RELEASED if c["category"][0]["coding"][0]["code"] != "alert"]
    assert patient_facing == ["b-1", "b-3"]
    alerts = [c for c in RELEASED if c["category"][0]["coding"][0]["code"] == "alert"]
    assert {a["about"][0]["reference"] for a in alerts} == {
        "Communication/b-2",
        "Communication/b-4",
    }


def test_resubmit_is_idempotent_and_runs_no_handler_again(django_capture_on_commit_callbacks):
    msgs = [_msg(SAFE, "r-1"), _msg(UNSAFE, "r-2")]
    with django_capture_on_commit_callbacks(execute=True):
        gate.submit_many(msgs)
    RELEASED.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = gate.submit_many([*msgs, _msg(SAFE, "r-3"), _msg(SAFE, "r-3")])
    assert [r.action for r in again] == ["release", "hold", "release", "release"]
    assert [r.communication["id"] for r in again] == ["r-1", "r-2", "r-3", "r-3"]
    assert [c["id"] for c in RELEASED] == ["r-3"]  # only the new one, once
    assert Review.objects.filter(communication_id="r-2").count() == 1
    assert store.read("Communication", "r-1")["meta"]["versionId"] == "1"
    # and the single-message door agrees with the batch
    assert gate.submit(_msg(UNSAFE, "r-2")).action == "hold"


def test_one_change_event_for_a_released_batch(monkeypatch, django_capture_on_commit_callbacks):
    published: list[list[events.Change]] = []
    real = events.publish_on_commit
    monkeypatch.setattr(events, "publish_on_commit", lambda ch: (published.append(ch), real(ch)))
    with django_capture_on_commit_callbacks(execute=False):
        gate.submit_many([_msg(SAFE, f"e-{i}") for i in range(5)])
    assert len(published) == 1
    assert sorted(c.resource_id for c in published[0]) == [f"e-{i}" for i in range(5)]


def test_invalid_message_writes_nothing():
    bad = gate.OutgoingMessage(
        patient_id="demo-surgery", text="", category="guidance", idempotency_key="v-2"
    )
    with pytest.raises(FhirValidationError):
        gate.submit_many([_msg(SAFE, "v-1"), bad])
    assert store.read("Communication", "v-1") is None
    assert RELEASED == []


def test_fresh_keys_that_exist_after_all_are_answered_from_the_store(
    django_capture_on_commit_callbacks,
):
    """``fresh=True`` skips the look-up, not the guarantee: the unique constraint catches a
    key that exists and the batch is answered from the store, with no second version."""
    with django_capture_on_commit_callbacks(execute=True):
        gate.submit_many([_msg(SAFE, "f-1"), _msg(UNSAFE, "f-2")])
    RELEASED.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = gate.submit_many(
            [_msg(SAFE, "f-1"), _msg(UNSAFE, "f-2"), _msg(SAFE, "f-3")], fresh=True
        )
    assert [r.action for r in again] == ["release", "hold", "release"]
    assert [c["id"] for c in RELEASED if c["id"].startswith("f-")] == ["f-3"]
    assert store.read("Communication", "f-1")["meta"]["versionId"] == "1"
    assert Review.objects.filter(communication_id="f-2").count() == 1
