"""Missed-dose guidance passes the output monitor on both paths (API response, message)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from orders_support import PID, med_request

from ammed_fhir import store
from clinical.orders.models import DoseReminder
from clinical.orders.services import adherence
from clinical.orders.services.schedule import approve_order, sync_order

pytestmark = pytest.mark.django_db
UNSAFE = "漏服了没关系，下次请服用双倍剂量补上。"  # the monitor holds this (medication_increase)


@pytest.fixture
def missed(people) -> DoseReminder:
    """A released atorvastatin dose from three days ago that the patient missed."""
    store.write(
        med_request(
            "gm-1", "阿托伐他汀钙片 20mg qn 口服", name="阿托伐他汀钙片 20mg", authored="2026-11-01"
        )
    )
    since = timezone.now() - dt.timedelta(days=3)
    sync_order("gm-1", now=since)
    approve_order("gm-1", people["doctor"], now=since)
    DoseReminder.objects.filter(due_at__lte=timezone.now()).update(state="released")
    rem = DoseReminder.objects.filter(request_id="gm-1").order_by("due_at").first()
    DoseReminder.objects.filter(id=rem.id).update(response="missed")
    rem.refresh_from_db()
    return rem


@pytest.fixture
def unsafe_rule(monkeypatch) -> None:
    """The sourced rule's text replaced by advice the monitor must hold (a bad data edit)."""
    rules = adherence.missed_rules()
    bad: dict[str, Any] = {
        **rules,
        "default": {**rules["default"], "take": UNSAFE, "skip": UNSAFE, "never_double": ""},
    }
    monkeypatch.setattr(adherence, "missed_rules", lambda: bad)


def _guidance(client_for, people, rem: DoseReminder) -> dict[str, Any]:
    day = timezone.localtime(rem.due_at).date().isoformat()
    items = (
        client_for(people["patient"])
        .get(f"/api/v1/patients/{PID}/reminders?from={day}&to={day}")
        .json()["reminders"]
    )
    return next(i for i in items if i["id"] == rem.id)["missed_dose_guidance"]


def test_api_guidance_that_passes_the_monitor_is_returned(missed, people, client_for) -> None:
    g = _guidance(client_for, people, missed)
    assert g["held"] is False and g["action"] in ("take", "skip")
    assert "切勿" in g["text"] and g["source"]


def test_api_guidance_held_by_the_monitor_gives_the_fallback(
    missed, people, client_for, unsafe_rule
) -> None:
    g = _guidance(client_for, people, missed)
    assert g == {
        "action": "ask_clinician",
        "text": "请联系您的医生或药师确认如何补服",
        "held": True,
    }
    assert "双倍" not in str(g)


def test_api_guidance_fails_closed_when_the_monitor_kb_is_off(
    missed, people, client_for, settings
) -> None:
    settings.AMMED_MONITOR_KB = "off"
    g = _guidance(client_for, people, missed)
    assert g["held"] is True and g["text"] == adherence.GUIDANCE_FALLBACK


def test_guidance_message_goes_through_the_gate_and_is_released(missed) -> None:
    result = adherence.send_missed_dose_guidance(missed)
    assert result.action == "release"
    comm = store.read("Communication", result.communication["id"])
    assert comm["status"] == "completed"
    assert "切勿" in comm["payload"][0]["contentString"]
    again = adherence.send_missed_dose_guidance(missed)  # idempotent per missed dose
    assert again.communication["id"] == result.communication["id"]


def test_held_guidance_message_waits_on_hold(missed, unsafe_rule) -> None:
    result = adherence.send_missed_dose_guidance(missed)
    assert result.action == "hold"
    comm = store.read("Communication", result.communication["id"])
    assert comm["status"] == "on-hold"
    assert any(f["code"] == "medication_increase" for f in result.findings)
