"""Batched webhook delivery: one signed POST carries many messages, each with its key; the
sink deduplicates per key; failures are retried with backoff; a confirmed message is never
sent again."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone
from test_orders_dispatch import order_with_due_doses

from clinical.orders.channels import WebhookChannel, sign
from clinical.orders.models import Delivery
from clinical.orders.services import delivery, dispatch

pytestmark = pytest.mark.django_db(transaction=True)  # release handlers run on commit


def test_batch_post_is_signed_and_carries_every_key(people, sink, settings) -> None:
    channel = WebhookChannel()
    items = [(f"k-{i}", {"text": f"提醒{i}", "category": "reminder"}) for i in range(3)]
    outcomes = channel.send_many(items)
    assert outcomes == {"k-0": None, "k-1": None, "k-2": None}
    assert len(sink.posts) == 1
    headers, raw = sink.posts[0]
    assert headers["X-AMMed-Batch"] == "3" and headers["Idempotency-Key"].startswith("batch-")
    assert headers["X-AMMed-Signature"] == sign("test-secret", headers["X-AMMed-Timestamp"], raw)
    body = json.loads(raw)
    assert [m["idempotency_key"] for m in body["messages"]] == ["k-0", "k-1", "k-2"]
    assert body["messages"][1]["text"] == "提醒1"


def test_sink_dedups_each_key_inside_batches(people, sink) -> None:
    channel = WebhookChannel()
    channel.send_many([("a", {"text": "x"}), ("b", {"text": "y"})])
    outcomes = channel.send_many([("b", {"text": "y"}), ("c", {"text": "z"})])
    assert outcomes == {"b": None, "c": None}  # 409 for b = already delivered
    assert sink.accepted == ["a", "b", "c"] and sink.keys["b"] == 2


def test_a_key_refused_inside_a_batch_is_retried_alone(people, sink) -> None:
    due = order_with_due_doses(
        people, "wb-2", "阿托伐他汀钙片 20mg qn 口服", "阿托伐他汀钙片 20mg", 3
    )
    assert len(due) >= 2
    sink.fail_keys = {due[0].key}
    dispatch.send_batch([r.id for r in due])
    states = dict(Delivery.objects.filter(channel="webhook").values_list("key", "state"))
    assert states.pop(due[0].key) == "pending"
    assert set(states.values()) == {"delivered"}
    Delivery.objects.filter(key=due[0].key).update(next_attempt_at=timezone.now())
    assert delivery.reclaim_and_enqueue() == 1
    assert sorted(sink.accepted) == sorted(r.key for r in due)
    assert set(sink.keys.values()) == {1}  # the others were not sent again


def test_failed_batch_is_retried_with_backoff_and_never_duplicated(people, sink) -> None:
    sink.fail_first = 1  # the first POST (the whole batch) gets a 503
    due = order_with_due_doses(
        people, "wb-1", "阿托伐他汀钙片 20mg qn 口服", "阿托伐他汀钙片 20mg", 3
    )
    dispatch.send_batch([r.id for r in due])
    rows = list(Delivery.objects.filter(channel="webhook").order_by("id"))
    assert len(rows) == len(due) >= 2
    assert {(r.state, r.attempts) for r in rows} == {("pending", 1)}
    assert all(r.next_attempt_at > timezone.now() for r in rows)
    assert not sink.accepted
    Delivery.objects.filter(channel="webhook").update(next_attempt_at=timezone.now())
    assert delivery.reclaim_and_enqueue() == len(due)  # eager: one batch POST again
    assert sorted(sink.accepted) == sorted(r.key for r in due)
    assert set(Delivery.objects.filter(channel="webhook").values_list("state", flat=True)) == {
        "delivered"
    }
    # confirmed deliveries are never sent again, whatever asks for them
    posts = len(sink.posts)
    assert delivery.deliver_batch([r.id for r in rows]) == {"delivered": 0, "retry": 0, "failed": 0}
    assert len(sink.posts) == posts and set(sink.keys.values()) == {1}
