"""``ammed_fhir.bulk.insert_ignoring_conflicts`` on PostgreSQL: new rows in, existing rows
untouched, the new rows' ids back; defaults applied like bulk_create."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ammed_fhir import bulk
from clinical.orders.models import Delivery

pytestmark = pytest.mark.django_db


def row(comm: str, channel: str = "webhook", **extra) -> dict:
    return {
        "communication_id": comm,
        "patient_id": "p1",
        "channel": channel,
        "key": comm,
        "payload": {"text": "请按时服药。", "n": 1, "nested": {"a": [1, 2]}},
        "next_attempt_at": timezone.now(),
        **extra,
    }


def test_inserts_new_rows_and_skips_existing_ones() -> None:
    first = bulk.insert_ignoring_conflicts(
        Delivery, [row("c1"), row("c2")], ["communication_id", "channel"], ["id", "key"]
    )
    assert sorted(r["key"] for r in first) == ["c1", "c2"]
    again = bulk.insert_ignoring_conflicts(
        Delivery,
        [row("c1", payload={"text": "changed"}), row("c3"), row("c1", channel="email")],
        ["communication_id", "channel"],
        ["id", "key"],
    )
    assert sorted(r["key"] for r in again) == ["c1", "c3"]  # c1 by email is new, c1 webhook not
    assert Delivery.objects.count() == 4
    kept = Delivery.objects.get(communication_id="c1", channel="webhook")
    assert kept.payload == {"text": "请按时服药。", "n": 1, "nested": {"a": [1, 2]}}
    assert {r["id"] for r in first} <= set(Delivery.objects.values_list("id", flat=True))


def test_missing_fields_take_their_defaults() -> None:
    (new,) = bulk.insert_ignoring_conflicts(
        Delivery, [row("c9")], ["communication_id", "channel"], ["id"]
    )
    stored = Delivery.objects.get(id=new["id"])
    assert (stored.state, stored.attempts, stored.last_error) == ("pending", 0, "")
    assert stored.created is not None and stored.delivered_at is None


def test_upsert_updates_the_named_fields_and_keeps_the_others(django_user_model) -> None:
    from clinical.orders.models import OrderSchedule

    clinician = django_user_model.objects.create(username="dr-upsert")

    def plan(rid: str, status: str, dosage: dict) -> dict:
        return {"request_id": rid, "patient_id": "p1", "status": status, "dosage": dosage}

    fields = ["patient_id", "status", "dosage"]
    bulk.upsert(OrderSchedule, [plan("r1", "scheduled", {"text": "qd"})], ["request_id"], fields)
    first = OrderSchedule.objects.get(request_id="r1")
    OrderSchedule.objects.filter(id=first.id).update(
        approved_fingerprint="fp-1", approved_by=clinician
    )
    bulk.upsert(
        OrderSchedule,
        [plan("r1", "needs_review", {"text": "bid", "n": [1, 2]}), plan("r2", "scheduled", {})],
        ["request_id"],
        fields,
    )
    again = OrderSchedule.objects.get(request_id="r1")
    assert again.id == first.id
    assert (again.status, again.dosage) == ("needs_review", {"text": "bid", "n": [1, 2]})
    assert (again.approved_fingerprint, again.approved_by_id) == ("fp-1", clinician.id)
    assert again.updated > first.updated  # auto_now refreshed on update
    assert OrderSchedule.objects.get(request_id="r2").issues == []  # default applied
