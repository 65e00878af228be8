"""``check_repeat_ack``: a repeat "taken" costs a fixed number of queries, whatever the
number of doses taken in the window (it used to cost queries per dose and per name)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clinical.orders.models import DoseReminder, ReminderState, Response
from clinical.orders.services.adherence import check_repeat_ack

pytestmark = pytest.mark.django_db


def _taken(key: str, medication: str, hours_ago: float) -> DoseReminder:
    return DoseReminder.objects.create(
        key=key,
        patient_id="p-ack",
        request_id=f"mr-{key}",
        medication=medication,
        due_at=timezone.now() - timedelta(hours=hours_ago),
        state=ReminderState.RELEASED,
        response=Response.TAKEN,
        responded_at=timezone.now() - timedelta(hours=hours_ago),
    )


def _cost(medicines: list[str]) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as ctx:
        found = check_repeat_ack("p-ack", medicines)
    return found, len(ctx.captured_queries)


def test_no_critical_dose_costs_the_same_for_2_or_20_doses() -> None:
    for i in range(2):
        _taken(f"cef-{i}", "头孢呋辛酯片 0.25g", 1 + i)
    found, few = _cost(["头孢呋辛", "阿莫西林"])
    assert found is None
    for i in range(2, 20):
        _taken(f"cef-{i}", "头孢呋辛酯片 0.25g", 1 + i / 10)
    found, many = _cost(["头孢呋辛", "阿莫西林"])
    assert found is None and many == few


def test_a_warfarin_dose_among_many_alerts_once() -> None:
    for i in range(10):
        _taken(f"cef-{i}", "头孢呋辛酯片 0.25g", 1 + i / 10)
    _taken("warf", "华法林钠片 3mg", 2)
    found, _ = _cost(["华法林"])
    assert found is not None and found.critical_class == "anticoagulant"
    assert found.reminder.key == "warf" and found.alerted_now
    again, _ = _cost(["华法林"])
    assert again is not None and again.alert_key == found.alert_key
    assert not again.alerted_now  # the care team is alerted once per dose
