"""Guidance never reads a medicine it cannot identify as absent (#15, #23), over HTTP.

A current medicine named in a way the knowledge layer cannot read (a hospital's own
preparation, an unknown brand) may be an anticoagulant: with melaena the gi-bleed rule on an
antithrombotic would be an emergency, so the answer says so and names the medicine. The same
medicine with a complaint no medicine-dependent rule needs raises nothing (only the existing
"could not check" sentence)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from tests.monitor.ammed_monitor_helpers import demo_db  # noqa: F401

URL = "/api/v1/guidance/medication"
UNREAD = "院内制剂0452号"
pytestmark = pytest.mark.django_db


@pytest.fixture
def api(demo_db) -> APIClient:  # noqa: F811
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username="dr_wang"))
    return client


def _ask(api: APIClient, meds: list[str], words: list[str]) -> dict[str, Any]:
    body = {"patient": {"age_years": 70, "current_medications": meds}, "symptoms": words}
    resp = api.post(URL, {**body, "cabinet": ["泰诺林"]}, format="json")
    assert resp.status_code == 200, resp.content[:400]
    return resp.json()


def _flags(out: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["code"]: f for f in out["see_doctor"]["flags"]}


def test_melaena_with_an_unread_medicine_is_the_antithrombotic_bleed_emergency(api):
    without = _ask(api, [], ["黑便"])
    got = _ask(api, [UNREAD], ["黑便"])
    flag = _flags(got)["syndrome-unread-medication"]
    assert flag["urgency"] == "emergency" and UNREAD in flag["text"]
    assert got["see_doctor"]["urgency"] == "emergency"
    assert "syndrome-unread-medication" not in _flags(without)


def test_a_known_antithrombotic_is_not_called_unread(api):
    got = _ask(api, ["波立维"], ["黑便"])
    assert "syndrome-gi-bleed-antithrombotic" in _flags(got)
    assert "syndrome-unread-medication" not in _flags(got)


def test_an_unread_medicine_with_a_complaint_that_needs_no_medicine_raises_nothing(api):
    without = _ask(api, [], ["鼻塞"])
    got = _ask(api, [UNREAD], ["鼻塞"])
    assert "syndrome-unread-medication" not in _flags(got)
    assert got["see_doctor"]["urgency"] == without["see_doctor"]["urgency"]
