"""Change events: AM-Med's own writes reach only the subscribers that ask for them."""

from __future__ import annotations

from typing import Any

import pytest

from ammed_fhir import events, tasks
from ammed_fhir.events import OWN, Change

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
    """Only our two handlers subscribed; what ``resources_changed.delay`` was given."""
    for calls in CALLS.values():
        calls.clear()
    monkeypatch.setattr(events, "_SUBSCRIBERS", {})
    delayed: list[list[dict[str, Any]]] = []
    monkeypatch.setattr(tasks.resources_changed, "delay", delayed.append)
    return delayed


@pytest.mark.django_db
def test_own_writes_alone_queue_no_task_when_nobody_asked(
    sent, django_capture_on_commit_callbacks
) -> None:
    events.subscribe(PLAIN)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        events.publish_on_commit([MINE, MINE])
    assert callbacks == [] and sent == []


@pytest.mark.django_db
def test_own_writes_are_dropped_from_a_mixed_batch(
    sent, django_capture_on_commit_callbacks
) -> None:
    events.subscribe(PLAIN)
    with django_capture_on_commit_callbacks(execute=True):
        events.publish_on_commit([EMR, MINE])
    assert sent == [[EMR.as_dict()]]


@pytest.mark.django_db
def test_a_subscriber_that_asks_gets_own_writes_the_others_do_not(
    sent, django_capture_on_commit_callbacks
) -> None:
    events.subscribe(PLAIN)
    events.subscribe(OWN_PATH, own=True)
    with django_capture_on_commit_callbacks(execute=True):
        events.publish_on_commit([EMR, MINE])
    assert sent == [[EMR.as_dict(), MINE.as_dict()]]
    tasks.resources_changed(sent[0])  # what the worker runs
    assert CALLS["own"] == [[EMR, MINE]]
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
