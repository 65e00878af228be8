"""Due doses → gate → outbox → channels, with real commits, eager Celery and a real HTTP sink."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone
from orders_support import PID, med_request

from ammed_fhir import store
from ammed_fhir.models import Resource
from clinical.monitor import gate
from clinical.orders.channels import sign
from clinical.orders.models import Delivery, DoseReminder
from clinical.orders.services import adherence, delivery, dispatch
from clinical.orders.services.schedule import approve_order, sync_order

pytestmark = pytest.mark.django_db(transaction=True)


def order_with_due_doses(
    people, rid: str, sig: str, name: str, days_back: float = 1.0
) -> list[DoseReminder]:
    """An approved order scheduled from ``days_back`` ago: its past doses are due now."""
    store.write(med_request(rid, sig, name=name, authored="2026-11-01T09:00:00+08:00"))
    since = timezone.now() - dt.timedelta(days=days_back)
    sync_order(rid, now=since)
    approve_order(rid, people["doctor"], now=since)
    return list(
        DoseReminder.objects.filter(request_id=rid, due_at__lte=timezone.now()).order_by("due_at")
    )


def test_due_doses_go_out_once_through_gate_and_webhook(people, sink, client_for) -> None:
    due = order_with_due_doses(
        people, "d-1", "华法林钠片 3mg 口服 每日一次 晚饭后", "华法林钠片 3mg", 2
    )
    assert len(due) >= 1
    assert dispatch.enqueue_due() == len(due)  # eager Celery: sent and delivered now
    assert dispatch.enqueue_due() == 0
    keys = [r.key for r in due]
    assert sorted(sink.keys) == sorted(keys) and set(sink.keys.values()) == {1}
    comm = store.read("Communication", keys[0])
    assert comm["status"] == "completed"
    assert comm["about"] == [{"reference": "MedicationRequest/d-1"}]
    assert comm["category"][0]["coding"][0]["code"] == "reminder"
    text = comm["payload"][0]["contentString"]
    assert "华法林钠片 3mg" in text and "每次3mg" in text and "晚餐后" in text
    body = next(b for b in sink.received if b["idempotency_key"] == keys[0])
    assert body["structured"]["dose"] == "3mg" and body["structured"]["drug"] == "华法林钠片 3mg"
    # every POST (here one batch carrying both doses) is signed over its raw body
    assert len(sink.posts) == 1 and sink.posts[0][0]["X-AMMed-Batch"] == str(len(keys))
    for headers, raw in sink.posts:
        ts = headers["X-AMMed-Timestamp"]
        assert headers["X-AMMed-Signature"] == sign("test-secret", ts, raw)
        assert headers["X-AMMed-Signature"] != sign("other-secret", ts, raw)
    assert DoseReminder.objects.filter(key__in=keys, state="released").count() == len(keys)
    inbox = client_for(people["patient"]).get(f"/api/v1/patients/{PID}/inbox").json()
    assert keys[0] in [m["id"] for m in inbox["messages"]]


def test_resending_a_batch_changes_nothing(people, sink) -> None:
    due = order_with_due_doses(people, "d-2", "阿托伐他汀钙片 20mg qn 口服", "阿托伐他汀钙片 20mg")
    ids = [r.id for r in due]
    first = dispatch.send_batch(ids)
    again = dispatch.send_batch(ids)
    assert first["submitted"] == len(ids) and again == {
        "claimed": 0,
        "submitted": 0,
        "cancelled": 0,
        "failed": 0,
    }
    assert set(sink.keys.values()) == {1}
    versions = Resource.objects.get(
        resource_type="Communication", resource_id=due[0].key
    ).version_id
    assert versions == 1


def test_webhook_retries_with_backoff_and_never_duplicates(people, sink) -> None:
    sink.fail_first = 1
    due = order_with_due_doses(people, "d-3", "阿托伐他汀钙片 20mg qn 口服", "阿托伐他汀钙片 20mg")
    dispatch.send_batch([due[0].id])
    row = Delivery.objects.get(communication_id=due[0].key, channel="webhook")
    assert (row.state, row.attempts) == ("pending", 1)
    assert row.next_attempt_at > timezone.now() + dt.timedelta(seconds=3)
    assert delivery.deliver_batch([row.id])["delivered"] == 0  # not due yet
    Delivery.objects.filter(id=row.id).update(next_attempt_at=timezone.now())
    assert delivery.reclaim_and_enqueue() == 1  # eager: delivered now
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("delivered", 2)
    assert sink.keys[due[0].key] == 1


def test_backoff_is_exponential_and_capped(settings) -> None:
    settings.AMMED_WEBHOOK_BACKOFF_BASE_S = 5
    settings.AMMED_WEBHOOK_BACKOFF_CAP_S = 60
    assert [delivery.backoff(n).total_seconds() for n in range(1, 7)] == [5, 10, 20, 40, 60, 60]


def test_a_patient_on_another_clock_gets_their_local_time_released(people, sink) -> None:
    """The text shows the patient's own clock (their routine's zone); the monitor compares it
    with the structured time on that same clock, so it is released, not held."""
    from clinical.orders.models import PatientRoutine

    PatientRoutine.objects.create(patient_id=PID, timezone="Asia/Urumqi")  # UTC+6
    due = order_with_due_doses(people, "d-tz", "阿托伐他汀钙片 20mg qn 口服", "阿托伐他汀钙片 20mg")
    assert dispatch.send_batch([due[0].id])["submitted"] == 1
    comm = store.read("Communication", due[0].key)
    assert comm["status"] == "completed"
    urumqi = due[0].due_at.astimezone(dt.timezone(dt.timedelta(hours=6)))
    assert f"{urumqi:%H:%M}" in comm["payload"][0]["contentString"]
    assert sink.keys[due[0].key] == 1
    # the gateway gets the same clock: the due instant with the patient's offset
    body = next(b for b in sink.received if b["idempotency_key"] == due[0].key)
    assert body["structured"]["time"] == urumqi.isoformat()
    assert body["structured"]["time"].endswith("+06:00")


def test_enqueue_takes_the_earliest_due_doses_first_up_to_its_limit(people, sink) -> None:
    due = order_with_due_doses(
        people, "d-lim", "阿托伐他汀钙片 20mg tid 口服", "阿托伐他汀钙片 20mg"
    )
    assert len(due) >= 3
    assert dispatch.enqueue_due(limit=2) == 2  # eager Celery: sent now
    assert sorted(sink.keys) == sorted(r.key for r in due[:2])
    assert dispatch.enqueue_due() == len(due) - 2
    assert sorted(sink.keys) == sorted(r.key for r in due) and set(sink.keys.values()) == {1}


def test_enqueue_sends_each_step_as_it_commits(people, sink, monkeypatch) -> None:
    due = order_with_due_doses(
        people, "d-step", "阿托伐他汀钙片 20mg tid 口服", "阿托伐他汀钙片 20mg", 2
    )
    assert len(due) >= 5
    monkeypatch.setattr(dispatch, "_ENQUEUE_STEP", 2)
    sent_before_next_step: list[int] = []
    mark = dispatch._mark_enqueued

    def spy(now, stale, limit):
        sent_before_next_step.append(len(sink.keys))
        return mark(now, stale, limit)

    monkeypatch.setattr(dispatch, "_mark_enqueued", spy)
    assert dispatch.enqueue_due(limit=len(due) - 1) == len(due) - 1
    # eager Celery: each step of 2 was sent before the next step was marked
    assert sent_before_next_step[:3] == [0, 2, 4]
    assert sorted(sink.keys) == sorted(r.key for r in due[:-1])
    assert dispatch.enqueue_due() == 1
    assert set(sink.keys.values()) == {1} and len(sink.keys) == len(due)


def test_a_dose_whose_task_was_lost_is_enqueued_again_once_stale(people, sink, settings) -> None:
    due = order_with_due_doses(people, "d-4", "阿托伐他汀钙片 20mg qn 口服", "阿托伐他汀钙片 20mg")
    settings.AMMED_REMINDER_CLAIM_STALE_S = 300
    recent = timezone.now() - dt.timedelta(seconds=60)
    DoseReminder.objects.filter(request_id="d-4").update(enqueued_at=recent)
    assert dispatch.enqueue_due() == 0  # its task may still be queued: not twice
    old = timezone.now() - dt.timedelta(hours=1)
    DoseReminder.objects.filter(id=due[0].id).update(enqueued_at=old)  # the task was lost
    assert dispatch.enqueue_due() == 1
    assert sink.keys[due[0].key] == 1 and len(sink.keys) == 1


def _hold_lock(model, row_id: int, locked: threading.Event, release: threading.Event) -> None:
    """Another worker mid-batch: its own connection holds the row lock until ``release``."""
    try:
        with transaction.atomic():
            model.objects.select_for_update().get(id=row_id)
            locked.set()
            release.wait(30)
    finally:
        connection.close()


# Row locks held by another connection (SELECT ... FOR UPDATE SKIP LOCKED): PostgreSQL.
# The embedded default (SQLite) has one in-process worker, so nothing is claimed twice there.
@pytest.mark.postgres
def test_a_dose_another_worker_holds_is_skipped_not_sent_twice(people, sink) -> None:
    due = order_with_due_doses(people, "d-9", "阿托伐他汀钙片 20mg tid 口服", "阿托伐他汀钙片 20mg")
    assert len(due) >= 3
    locked, release = threading.Event(), threading.Event()
    other = threading.Thread(target=_hold_lock, args=(DoseReminder, due[0].id, locked, release))
    other.start()
    assert locked.wait(10)
    try:
        counts = dispatch.send_batch([r.id for r in due])
    finally:
        release.set()
        other.join(10)
    assert counts["claimed"] == counts["submitted"] == len(due) - 1
    assert due[0].key not in sink.keys
    assert DoseReminder.objects.get(id=due[0].id).state == "pending"
    # the lock is gone (that worker died or rolled back): the dose goes out, once
    assert dispatch.send_batch([r.id for r in due])["submitted"] == 1
    assert set(sink.keys) == {r.key for r in due} and set(sink.keys.values()) == {1}


# Row locks held by another connection (SELECT ... FOR UPDATE SKIP LOCKED): PostgreSQL.
# The embedded default (SQLite) has one in-process worker, so nothing is claimed twice there.
@pytest.mark.postgres
def test_a_delivery_another_worker_is_sending_is_skipped(people, sink) -> None:
    due = order_with_due_doses(
        people, "d-10", "阿托伐他汀钙片 20mg bid 口服", "阿托伐他汀钙片 20mg"
    )
    sink.fail_first = 10  # every first attempt fails: the rows stay pending for the test
    dispatch.send_batch([r.id for r in due])
    rows = list(Delivery.objects.filter(channel="webhook").order_by("id"))
    assert len(rows) == len(due) >= 2 and {r.state for r in rows} == {"pending"}
    Delivery.objects.update(next_attempt_at=timezone.now())
    sink.fail_first = 0
    locked, release = threading.Event(), threading.Event()
    other = threading.Thread(target=_hold_lock, args=(Delivery, rows[0].id, locked, release))
    other.start()
    assert locked.wait(10)
    try:
        counts = delivery.deliver_batch([r.id for r in rows])
    finally:
        release.set()
        other.join(10)
    assert counts == {"delivered": len(rows) - 1, "retry": 0, "failed": 0}
    assert Delivery.objects.get(id=rows[0].id).state == "pending"
    assert delivery.deliver_batch([rows[0].id])["delivered"] == 1
    assert {r.key for r in rows} <= set(sink.accepted)


def test_a_stopped_order_is_cancelled_at_claim(people, sink) -> None:
    due = order_with_due_doses(people, "d-5", "阿托伐他汀钙片 20mg qn 口服", "阿托伐他汀钙片 20mg")
    from clinical.orders.models import OrderSchedule

    OrderSchedule.objects.filter(request_id="d-5").update(status="inactive")
    counts = dispatch.send_batch([r.id for r in due])
    assert counts["cancelled"] == len(due) and not sink.keys


def test_held_messages_are_not_delivered(people, sink, monkeypatch) -> None:
    def hold(msg: gate.OutgoingMessage) -> gate.GateResult:
        comm = store.write(gate.build_communication(msg, msg.idempotency_key, "on-hold"))
        return gate.GateResult(action="hold", communication=comm)

    monkeypatch.setattr(gate, "submit", hold)
    monkeypatch.setattr(gate, "submit_many", lambda msgs, **_: [hold(m) for m in msgs])
    due = order_with_due_doses(people, "d-6", "阿托伐他汀钙片 20mg qn 口服", "阿托伐他汀钙片 20mg")
    dispatch.send_batch([due[0].id])
    assert not sink.keys and not Delivery.objects.exists()
    assert DoseReminder.objects.get(id=due[0].id).state == "submitted"
    # A clinician releases it later: the gate calls the release handlers.
    comm = store.write({**store.read("Communication", due[0].key), "status": "completed"})
    delivery.on_released(comm)
    assert sink.keys[due[0].key] == 1
    body = next(b for b in sink.received if b["idempotency_key"] == due[0].key)
    # no routine: the site's clock (Asia/Shanghai), the same instant
    assert body["structured"]["time"].endswith("+08:00")
    assert dt.datetime.fromisoformat(body["structured"]["time"]) == due[0].due_at
    assert DoseReminder.objects.get(id=due[0].id).state == "released"


def test_consecutive_missed_anticoagulant_alerts_the_care_team_once(people, sink, settings) -> None:
    due = order_with_due_doses(
        people, "d-7", "华法林钠片 3mg 口服 每日一次 晚饭后", "华法林钠片 3mg", 3
    )
    dispatch.send_batch([r.id for r in due])
    assert len(due) >= 2
    changed = adherence.mark_missed(timezone.now() + dt.timedelta(days=1))
    assert changed == ["d-7"]
    keys = adherence.escalate(changed)
    assert len(keys) == 1 and keys[0].startswith("alert-miss-")
    alert = store.read("Communication", keys[0])
    assert alert["recipient"] == [{"reference": "Practitioner/o-prac"}]
    assert "连续2次未服抗凝药" in alert["payload"][0]["contentString"]
    assert sink.keys[keys[0]] == 1
    assert adherence.escalate(changed) == []  # same episode: no second alert


def test_missed_dose_guidance_for_warfarin_is_same_day_only(people) -> None:
    due = order_with_due_doses(
        people, "d-8", "华法林钠片 3mg 口服 每日一次 晚饭后", "华法林钠片 3mg", 3
    )
    rem = due[0]
    same_day = rem.due_at + dt.timedelta(hours=2)
    next_day = rem.due_at + dt.timedelta(days=1, hours=-1)
    assert adherence.missed_dose_guidance(rem, same_day)["action"] == "take"
    nxt = adherence.missed_dose_guidance(rem, next_day)
    assert nxt["action"] == "skip" and "切勿加倍" in nxt["text"] and "Coumadin" in nxt["source"]


def test_missed_dose_guidance_default_rule_uses_half_interval(people) -> None:
    due = order_with_due_doses(people, "d-9", "阿莫西林胶囊 0.5g tid", "阿莫西林胶囊 0.5g", 2)
    rem, nxt = due[0], due[1]
    interval = nxt.due_at - rem.due_at
    early = adherence.missed_dose_guidance(rem, rem.due_at + interval * 0.1)
    late = adherence.missed_dose_guidance(rem, nxt.due_at - interval * 0.4)
    assert (early["action"], late["action"]) == ("take", "skip")
    assert "两倍" in late["text"] and "NHS" in late["source"]


def test_low_adherence_alerts_once_a_day(people, sink) -> None:
    due = order_with_due_doses(people, "d-10", "阿莫西林胶囊 0.5g tid", "阿莫西林胶囊 0.5g", 3)
    dispatch.send_batch([r.id for r in due])
    DoseReminder.objects.filter(id=due[0].id).update(response="taken")
    DoseReminder.objects.filter(id__in=[r.id for r in due[1:]]).update(response="missed")
    keys = adherence.escalate(["d-10"])
    assert [k for k in keys if k.startswith("alert-adh-")]
    assert adherence.escalate(["d-10"]) == []


def test_email_channel_sends_to_the_patient_address(people, settings) -> None:
    from django.core import mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.AMMED_CHANNELS = ["email"]
    due = order_with_due_doses(people, "d-11", "阿托伐他汀钙片 20mg qn 口服", "阿托伐他汀钙片 20mg")
    dispatch.send_batch([due[0].id])
    assert [m.to for m in mail.outbox] == [[f"{PID}@example.org"]]
    assert "阿托伐他汀钙片 20mg" in mail.outbox[0].body
    assert Delivery.objects.get(communication_id=due[0].key).state == "delivered"


def test_openapi_schema_documents_the_orders_api(people, client_for) -> None:
    schema = client_for(people["doctor"]).get("/api/schema/?format=json").json()
    assert "/api/v1/orders/parse-sig" in schema["paths"]
    assert "/api/v1/reminders/{reminder_id}/ack" in schema["paths"]
