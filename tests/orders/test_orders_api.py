"""The orders HTTP API: parse-sig, reminders, acks, adherence, routine, approval; personas."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from orders_support import OTHER, PID, TZ, med_request
from rest_framework.test import APIClient

from ammed_fhir import store
from clinical.orders.models import DoseReminder
from clinical.orders.services.schedule import approve_order, sync_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def doses(people) -> list[DoseReminder]:
    """An approved qd order for PID, scheduled from three days ago."""
    store.write(
        med_request(
            "api-1",
            "阿托伐他汀钙片 20mg qn 口服",
            name="阿托伐他汀钙片 20mg",
            authored="2026-11-01",
        )
    )
    since = timezone.now() - dt.timedelta(days=3)
    sync_order("api-1", now=since)
    approve_order("api-1", people["doctor"], now=since)
    rows = list(DoseReminder.objects.filter(request_id="api-1").order_by("due_at"))
    DoseReminder.objects.filter(due_at__lte=timezone.now()).update(state="released")
    return rows


def test_parse_sig(people, client_for) -> None:
    resp = client_for(people["doctor"]).post(
        "/api/v1/orders/parse-sig",
        {"text": "泮托拉唑钠肠溶片 40mg qd 早餐前半小时口服 疗程14天"},
        format="json",
    )
    assert resp.status_code == 200
    body = resp.json()
    assert body["medication"] == "泮托拉唑钠肠溶片" and body["needs_review"] is False
    assert body["dosage"]["timing"]["repeat"]["when"] == ["ACM"]
    assert body["dosage"]["timing"]["repeat"]["offset"] == 30


def test_parse_sig_never_invents_timing(people, client_for) -> None:
    body = (
        client_for(people["doctor"])
        .post("/api/v1/orders/parse-sig", {"text": "一天吃几次看情况"}, format="json")
        .json()
    )
    assert body["needs_review"] is True and "timing" not in body["dosage"] and body["issues"]


@pytest.mark.parametrize(
    "payload", [{}, {"text": ""}, {"text": "   "}, {"text": "x" * 501}, {"text": ["qd"]}]
)
def test_parse_sig_rejects_bad_input(people, client_for, payload) -> None:
    resp = client_for(people["doctor"]).post("/api/v1/orders/parse-sig", payload, format="json")
    assert resp.status_code == 400 and "text" in resp.json()


def test_parse_sig_needs_login() -> None:
    assert APIClient().post(
        "/api/v1/orders/parse-sig", {"text": "qd"}, format="json"
    ).status_code in (401, 403)


def test_reminders_list_with_states(doses, people, client_for) -> None:
    start = timezone.localtime(doses[0].due_at).date().isoformat()
    resp = client_for(people["patient"]).get(
        f"/api/v1/patients/{PID}/reminders?from={start}&to={start}"
    )
    assert resp.status_code == 200
    items = resp.json()["reminders"]
    assert [i["medication"] for i in items] == ["阿托伐他汀钙片 20mg"]
    assert items[0]["due_at"].endswith("21:00:00+08:00") and items[0]["dose"] == "20mg"


@pytest.mark.parametrize("persona", ["outsider", "other"])
def test_reminders_of_someone_else_look_missing(doses, people, client_for, persona) -> None:
    assert client_for(people[persona]).get(f"/api/v1/patients/{PID}/reminders").status_code == 404


def test_unknown_patient_is_404(people, client_for) -> None:
    admin = type(people["doctor"]).objects.create_superuser("o_admin")
    assert client_for(admin).get("/api/v1/patients/nobody/reminders").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "from=yesterday",
        "from=2026-13-45",
        "from=2026-11-30&to=2026-11-01",
        "from=2026-01-01&to=2026-12-31",
    ],
)
def test_bad_windows_are_400(people, client_for, query) -> None:
    resp = client_for(people["patient"]).get(f"/api/v1/patients/{PID}/reminders?{query}")
    assert resp.status_code == 400


def test_ack_taken_is_idempotent(doses, people, client_for) -> None:
    c = client_for(people["patient"])
    url = f"/api/v1/reminders/{doses[0].id}/ack"
    first = c.post(url, {"status": "taken"}, format="json")
    second = c.post(url, {"status": "taken"}, format="json")
    assert first.status_code == second.status_code == 200
    assert (first.json()["changed"], second.json()["changed"]) == (True, False)
    assert DoseReminder.objects.get(id=doses[0].id).response == "taken"


def test_ack_conflicting_final_answer_is_409(doses, people, client_for) -> None:
    c = client_for(people["patient"])
    url = f"/api/v1/reminders/{doses[0].id}/ack"
    c.post(url, {"status": "taken"}, format="json")
    resp = c.post(url, {"status": "skipped"}, format="json")
    assert resp.status_code == 409 and DoseReminder.objects.get(id=doses[0].id).response == "taken"


def test_snooze_creates_one_rereminder_and_answer_lands_on_the_dose(
    doses, people, client_for
) -> None:
    c = client_for(people["patient"])
    resp = c.post(f"/api/v1/reminders/{doses[0].id}/ack", {"status": "snoozed"}, format="json")
    assert resp.status_code == 200
    child = DoseReminder.objects.get(snooze_of_key=doses[0].key)
    assert child.state == "pending" and "稍后提醒" in child.instruction
    c.post(f"/api/v1/reminders/{child.id}/ack", {"status": "taken"}, format="json")
    assert DoseReminder.objects.get(id=doses[0].id).response == "taken"


@pytest.mark.parametrize("persona", ["other", "outsider"])
def test_acking_someone_elses_reminder_is_404(doses, people, client_for, persona) -> None:
    resp = client_for(people[persona]).post(
        f"/api/v1/reminders/{doses[0].id}/ack", {"status": "taken"}, format="json"
    )
    assert resp.status_code == 404
    assert DoseReminder.objects.get(id=doses[0].id).response == ""


@pytest.mark.parametrize(
    "payload", [{"status": "eaten"}, {}, {"status": "taken", "at": "tomorrow"}]
)
def test_bad_acks_are_400(doses, people, client_for, payload) -> None:
    resp = client_for(people["patient"]).post(
        f"/api/v1/reminders/{doses[0].id}/ack", payload, format="json"
    )
    assert resp.status_code == 400


def test_ack_in_the_future_is_400(doses, people, client_for) -> None:
    at = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    resp = client_for(people["patient"]).post(
        f"/api/v1/reminders/{doses[0].id}/ack", {"status": "taken", "at": at}, format="json"
    )
    assert resp.status_code == 400


def test_unknown_reminder_is_404(people, client_for) -> None:
    assert (
        client_for(people["patient"])
        .post("/api/v1/reminders/999999/ack", {"status": "taken"}, format="json")
        .status_code
        == 404
    )


def test_adherence_counts(doses, people, client_for) -> None:
    past = [d for d in doses if d.due_at <= timezone.now()]
    assert len(past) == 3
    DoseReminder.objects.filter(id=past[0].id).update(response="taken")
    DoseReminder.objects.filter(id=past[1].id).update(response="missed")
    DoseReminder.objects.filter(id=past[2].id).update(response="taken")
    body = client_for(people["doctor"]).get(f"/api/v1/patients/{PID}/adherence").json()
    assert body["overall"]["taken"] == 2 and body["overall"]["missed"] == 1
    assert body["overall"]["adherence"] == pytest.approx(0.667)
    assert body["medications"][0]["medication"] == "阿托伐他汀钙片 20mg"
    assert len(body["daily"]) == 3


def test_missed_doses_carry_guidance(doses, people, client_for) -> None:
    DoseReminder.objects.filter(id=doses[0].id).update(response="missed")
    day = timezone.localtime(doses[0].due_at).date().isoformat()
    items = (
        client_for(people["patient"])
        .get(f"/api/v1/patients/{PID}/reminders?from={day}&to={day}")
        .json()["reminders"]
    )
    assert "切勿" in items[0]["missed_dose_guidance"]["text"]


def test_routine_update_reschedules(doses, people, client_for) -> None:
    c = client_for(people["patient"])
    resp = c.put(f"/api/v1/patients/{PID}/routine", {"bed_time": "23:30"}, format="json")
    assert resp.status_code == 200
    nxt = (
        DoseReminder.objects.filter(request_id="api-1", state="pending").order_by("due_at").first()
    )
    assert timezone.localtime(nxt.due_at).strftime("%H:%M") == "22:30"  # NIGHT = bed - 60 min


def test_routine_must_be_in_day_order(doses, people, client_for) -> None:
    resp = client_for(people["patient"]).put(
        f"/api/v1/patients/{PID}/routine", {"breakfast_time": "13:00"}, format="json"
    )
    assert resp.status_code == 400


def test_routine_of_someone_else_is_404(people, client_for) -> None:
    assert (
        client_for(people["other"])
        .put(f"/api/v1/patients/{PID}/routine", {"bed_time": "23:00"}, format="json")
        .status_code
        == 404
    )


def test_patients_cannot_approve_orders(people, client_for) -> None:
    store.write(med_request("api-2", "阿托伐他汀钙片 20mg qn 口服"))
    sync_order("api-2")
    assert client_for(people["patient"]).post("/api/v1/orders/api-2/approve").status_code == 403
    assert client_for(people["outsider"]).post("/api/v1/orders/api-2/approve").status_code == 404
    resp = client_for(people["doctor"]).post("/api/v1/orders/api-2/approve")
    assert resp.status_code == 200 and resp.json()["status"] == "scheduled"
    orders = client_for(people["patient"]).get(f"/api/v1/patients/{PID}/orders").json()["orders"]
    assert orders[0]["approved_by"] == "o_doc"


def test_inbox_of_other_patient_is_404(people, client_for) -> None:
    assert client_for(people["patient"]).get(f"/api/v1/patients/{OTHER}/inbox").status_code == 404


def test_tz_constant_matches_shanghai() -> None:
    assert TZ.utcoffset(None) == dt.timedelta(hours=8)
