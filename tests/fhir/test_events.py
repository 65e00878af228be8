"""Change events: AM-Med's own writes reach only the subscribers that ask for them."""

from __future__ import annotations

from typing import Any

import pytest

from ammed_fhir import events, outbox, tasks
from ammed_fhir.events import OWN, Change
from ammed_fhir.models import OutboxEvent

CALLS: dict[str, list[list[Change]]] = {"plain": [], "own": []}


def plain_handler(changes: list[Change]) -> None:
    CALLS["plain"].append(changes)


def own_handler(changes: list[Change]) -> None:
    CALLS["own"].append(changes)


PLAIN = f"{__name__}.plain_handler"
OWN_PATH = f"{__name__}.own_handler"

EMR = Change("Observation", "o1", 1, "p1", "create")
MINE = Change("Communication", "dose-1", 1, "p1", "create", OWN)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[list[dict[str, Any]]]:
    """Only our two handlers subscribed; the payloads of the outbox events recorded (a
    list filled in as events are written)."""
    for calls in CALLS.values():
        calls.clear()
    monkeypatch.setattr(events, "_SUBSCRIBERS", {})
    recorded: list[list[dict[str, Any]]] = []
    real = outbox.record

    def record(payload: list[dict[str, Any]], **kw: Any) -> Any:
        recorded.append(payload)
        return real(payload, **kw)

    monkeypatch.setattr(outbox, "record", record)
    return recorded


@pytest.mark.django_db
def test_own_writes_alone_queue_no_task_when_nobody_asked(
    sent, django_capture_on_commit_callbacks
) -> None:
    events.subscribe(PLAIN)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        events.publish_on_commit([MINE, MINE])
    assert callbacks == [] and sent == [] and not OutboxEvent.objects.exists()


@pytest.mark.django_db
def test_own_writes_are_dropped_from_a_mixed_batch(
    sent, django_capture_on_commit_callbacks
) -> None:
    events.subscribe(PLAIN)
    with django_capture_on_commit_callbacks(execute=True):
        events.publish_on_commit([EMR, MINE])
    assert sent == [[EMR.as_dict()]]
    assert CALLS["plain"] == [[EMR]]


@pytest.mark.django_db
def test_a_subscriber_that_asks_gets_own_writes_the_others_do_not(
    sent, django_capture_on_commit_callbacks
) -> None:
    events.subscribe(PLAIN)
    events.subscribe(OWN_PATH, own=True)
    with django_capture_on_commit_callbacks(execute=True):
        events.publish_on_commit([EMR, MINE])
    assert sent == [[EMR.as_dict(), MINE.as_dict()]]
    assert CALLS["own"] == [[EMR, MINE]]
    assert CALLS["plain"] == [[EMR]]
    assert OutboxEvent.objects.get().dispatched_at is not None


def test_the_legacy_task_still_fans_out(sent) -> None:
    events.subscribe(PLAIN)
    assert tasks.resources_changed([EMR.as_dict(), MINE.as_dict()]) == 2
    assert CALLS["plain"] == [[EMR]]


def test_a_subscriber_is_not_called_for_own_writes_only(sent) -> None:
    events.subscribe(PLAIN)
    events.subscribe(OWN_PATH, own=True)
    events.dispatch([MINE])
    assert CALLS["own"] == [[MINE]] and CALLS["plain"] == []


def test_subscribing_twice_keeps_the_wider_wish(sent) -> None:
    events.subscribe(OWN_PATH, own=True)
    events.subscribe(OWN_PATH)
    assert events.subscribers() == [OWN_PATH]
    events.dispatch([MINE])
    assert CALLS["own"] == [[MINE]]
