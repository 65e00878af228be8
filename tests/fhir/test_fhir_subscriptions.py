"""R4 Subscriptions, rest-hook (#19): a real local HTTP receiver gets CarePlans, released
Communications and Flags; one that is down for a while gets them after it comes back; one
down past the retry window leaves a dead letter; bearer and HMAC headers."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fhir_helpers import FHIR, patient, post_bundle, put, transaction

from ammed_fhir import store
from ammed_fhir.subscriptions import delivery
from ammed_fhir.subscriptions.models import Delivery

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_active_check():
    """The own-writes gate's per-process answer must not outlive a test's Subscriptions."""
    delivery.forget_active()
    yield
    delivery.forget_active()


class Receiver:
    """An EMR endpoint on 127.0.0.1: records every request, answers ``status``."""

    def __init__(self, port: int = 0, status: int = 200):
        self.requests: list[dict] = []
        self.status = status
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                outer.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body,
                    }
                )
                self.send_response(outer.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_POST = do_PUT = _handle

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/emr/hook"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _subscribe(client, criteria: str, endpoint: str, *, payload: bool = True, header=None):
    sub = {
        "resourceType": "Subscription",
        "status": "requested",
        "reason": "EMR wants AM-Med's care plans and messages",
        "criteria": criteria,
        "channel": {"type": "rest-hook", "endpoint": endpoint},
    }
    if payload:
        sub["channel"]["payload"] = "application/fhir+json"
    if header:
        sub["channel"]["header"] = header
    resp = client.post("/fhir/Subscription", data=json.dumps(sub), content_type=FHIR)
    assert resp.status_code == 201, resp.content
    assert resp.json()["status"] == "active"
    return resp.json()["id"]


def _careplan(pid: str, cid: str = "cp1", status: str = "active") -> dict:
    return {
        "resourceType": "CarePlan",
        "id": cid,
        "status": status,
        "intent": "plan",
        "subject": {"reference": f"Patient/{pid}"},
    }


def _comm(pid: str, cid: str, status: str) -> dict:
    return {
        "resourceType": "Communication",
        "id": cid,
        "status": status,
        "subject": {"reference": f"Patient/{pid}"},
        "recipient": [{"reference": f"Patient/{pid}"}],
        "payload": [{"contentString": "请按时服药"}],
    }


@pytest.fixture
def stored_patient(emr_client) -> None:
    assert post_bundle(emr_client, transaction(put(patient("sp1")))).status_code == 200


def test_careplan_written_by_ammed_is_pushed_with_bearer_and_hmac(
    emr_client, stored_patient, receiver, settings, django_capture_on_commit_callbacks
) -> None:
    settings.AMMED_SUBSCRIPTION_HMAC_KEY = "shared-secret"
    sid = _subscribe(
        emr_client, "CarePlan?patient=sp1", receiver.url, header=["Authorization: Bearer t0k"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        store.write(_careplan("sp1"))
        store.write(_careplan("other-patient-not-matching", cid="cp2"))
    assert len(receiver.requests) == 1
    got = receiver.requests[0]
    assert got["method"] == "PUT" and got["path"] == "/emr/hook/CarePlan/cp1"
    assert got["headers"]["authorization"] == "Bearer t0k"
    assert got["headers"]["x-ammed-subscription"] == f"Subscription/{sid}"
    stamp = got["headers"]["x-ammed-timestamp"]
    assert got["headers"]["x-ammed-signature"] == delivery.sign(got["body"], stamp, "shared-secret")
    assert json.loads(got["body"])["id"] == "cp1"
    row = Delivery.objects.get()
    assert row.status == Delivery.Status.DELIVERED and row.attempts == 1


def test_only_released_communications_notify(
    emr_client, stored_patient, receiver, django_capture_on_commit_callbacks
) -> None:
    _subscribe(emr_client, "Communication?patient=sp1", receiver.url, payload=False)
    with django_capture_on_commit_callbacks(execute=True):
        store.write(_comm("sp1", "m1", "on-hold"))
    assert receiver.requests == []  # held: the EMR never hears of it
    with django_capture_on_commit_callbacks(execute=True):
        store.write(_comm("sp1", "m1", "completed"))  # released
    assert [(r["method"], r["path"], r["body"]) for r in receiver.requests] == [
        ("POST", "/emr/hook", b"")
    ]
    assert receiver.requests[0]["headers"]["x-ammed-event"] == "Communication/m1/_history/2"


def test_flag_alerts_notify(
    emr_client, stored_patient, receiver, django_capture_on_commit_callbacks
) -> None:
    _subscribe(emr_client, "Flag?status=active", receiver.url)
    flag = {
        "resourceType": "Flag",
        "id": "f1",
        "status": "active",
        "code": {"text": "跌倒风险"},
        "subject": {"reference": "Patient/sp1"},
    }
    with django_capture_on_commit_callbacks(execute=True):
        store.write(flag)
    assert [r["path"] for r in receiver.requests] == ["/emr/hook/Flag/f1"]


def test_receiver_down_for_a_while_gets_it_later(
    emr_client, stored_patient, django_capture_on_commit_callbacks
) -> None:
    port = _free_port()
    _subscribe(emr_client, "CarePlan?patient=sp1", f"http://127.0.0.1:{port}/hook")
    with django_capture_on_commit_callbacks(execute=True):
        store.write(_careplan("sp1"))
    row = Delivery.objects.get()
    assert row.status == Delivery.Status.PENDING and row.attempts == 1 and row.last_error
    start = row.created
    # down for six hours: every due retry fails, backing off, still pending
    now = start
    for _ in range(30):
        now = Delivery.objects.get().next_attempt_at
        if now > start + dt.timedelta(hours=6):
            break
        assert delivery.retry_due(now=now) == 0
    row = Delivery.objects.get()
    assert row.status == Delivery.Status.PENDING and row.attempts > 5
    gaps_capped = row.next_attempt_at - now <= dt.timedelta(seconds=1800)
    assert gaps_capped
    back = Receiver(port=port)
    try:
        assert delivery.retry_due(now=row.next_attempt_at) == 1
    finally:
        back.stop()
    assert [r["path"] for r in back.requests] == ["/hook/CarePlan/cp1"]
    assert Delivery.objects.get().status == Delivery.Status.DELIVERED


def test_down_past_the_retry_window_is_a_dead_letter(
    emr_client, stored_patient, django_capture_on_commit_callbacks, settings
) -> None:
    receiver = Receiver(status=503)
    try:
        _subscribe(emr_client, "CarePlan?patient=sp1", receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            store.write(_careplan("sp1"))
        row = Delivery.objects.get()
        assert row.status == Delivery.Status.PENDING and row.last_status_code == 503
        # still retried 23 hours later (at least 24 h of retries)
        assert delivery.retry_due(now=row.created + dt.timedelta(hours=23)) == 0
        assert Delivery.objects.get().status == Delivery.Status.PENDING
        late = row.created + dt.timedelta(hours=settings.AMMED_SUBSCRIPTION_RETRY_HOURS, minutes=1)
        assert delivery.retry_due(now=late) == 0
        assert Delivery.objects.get().status == Delivery.Status.DEAD
        assert delivery.retry_due(now=late + dt.timedelta(days=1)) == 0  # dead stays dead
        assert len(receiver.requests) == 3
    finally:
        receiver.stop()


def test_dead_letters_are_listed_and_retried_in_the_admin(
    admin_client_fhir, emr_client, stored_patient, receiver
) -> None:
    sid = _subscribe(emr_client, "CarePlan?patient=sp1", receiver.url)
    row = Delivery.objects.create(
        subscription_id=sid,
        resource_type="CarePlan",
        resource_id="cp1",
        version_id=1,
        endpoint=receiver.url,
        status=Delivery.Status.DEAD,
        attempts=60,
        created=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        next_attempt_at=dt.datetime(2026, 1, 4, tzinfo=dt.UTC),
        last_error="ConnectionRefusedError",
    )
    store.write(_careplan("sp1"))
    page = admin_client_fhir.get("/admin/fhir_subscriptions/delivery/?status=dead")
    assert page.status_code == 200 and b"ConnectionRefusedError" in page.content
    resp = admin_client_fhir.post(
        "/admin/fhir_subscriptions/delivery/",
        {"action": "retry_now", "_selected_action": [row.pk]},
    )
    assert resp.status_code == 302
    assert delivery.retry_due() == 1
    assert Delivery.objects.get(pk=row.pk).status == Delivery.Status.DELIVERED


def test_unservable_subscriptions_are_refused(emr_client) -> None:
    for criteria, channel in [
        ("Observation?patient=1", {"type": "rest-hook", "endpoint": "http://127.0.0.1:1/h"}),
        ("CarePlan?bogus=1", {"type": "rest-hook", "endpoint": "http://127.0.0.1:1/h"}),
        ("CarePlan?patient=1", {"type": "websocket"}),
        ("CarePlan?patient=1", {"type": "rest-hook", "endpoint": "file:///etc/passwd"}),
    ]:
        sub = {
            "resourceType": "Subscription",
            "status": "requested",
            "reason": "x",
            "criteria": criteria,
            "channel": channel,
        }
        resp = emr_client.post("/fhir/Subscription", data=json.dumps(sub), content_type=FHIR)
        assert resp.status_code == 422, (criteria, resp.content)
        assert resp.json()["resourceType"] == "OperationOutcome"


def test_a_cancelled_subscription_stops_deliveries(
    emr_client, stored_patient, receiver, django_capture_on_commit_callbacks
) -> None:
    sid = _subscribe(emr_client, "CarePlan?patient=sp1", receiver.url)
    sub = store.read("Subscription", sid)
    store.write(sub | {"status": "off"})
    with django_capture_on_commit_callbacks(execute=True):
        store.write(_careplan("sp1"))
    assert receiver.requests == [] and not Delivery.objects.exists()


def test_a_subscription_past_its_end_is_silent(
    emr_client, stored_patient, receiver, django_capture_on_commit_callbacks
) -> None:
    sid = _subscribe(emr_client, "CarePlan?patient=sp1", receiver.url)
    store.write(store.read("Subscription", sid) | {"end": "2020-01-01T00:00:00+00:00"})
    with django_capture_on_commit_callbacks(execute=True):
        store.write(_careplan("sp1"))
    assert receiver.requests == []


def test_own_writes_record_events_only_while_a_subscription_listens(
    emr_client, stored_patient, receiver, django_capture_on_commit_callbacks
) -> None:
    from ammed_fhir.events import OWN
    from ammed_fhir.models import OutboxEvent

    delivery.forget_active()
    before = OutboxEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        store.write_validated([_comm("sp1", "own1", "completed")], origin=OWN)
    assert OutboxEvent.objects.count() == before  # the gate's peak stays free of events
    _subscribe(emr_client, "Communication?patient=sp1", receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        store.write_validated([_comm("sp1", "own1", "completed")], origin=OWN)
    assert [r["path"] for r in receiver.requests] == ["/emr/hook/Communication/own1"]


def test_header_credentials_are_never_served_back(
    emr_client, stored_patient, receiver, django_capture_on_commit_callbacks
) -> None:
    """A receiver's bearer token is stored for delivery but no /fhir reader sees it (another
    integration account included); a PUT that sends the *** back is refused, not stored."""
    sid = _subscribe(
        emr_client, "CarePlan?patient=sp1", receiver.url, header=["Authorization: Bearer t0k"]
    )
    read = emr_client.get(f"/fhir/Subscription/{sid}").json()  # without the fix: Bearer t0k
    assert read["channel"]["header"] == ["Authorization: ***"]
    assert "t0k" not in emr_client.get("/fhir/Subscription").content.decode()
    history = emr_client.get(f"/fhir/Subscription/{sid}/_history").json()
    assert "t0k" not in json.dumps(history)
    resp = emr_client.put(f"/fhir/Subscription/{sid}", data=json.dumps(read), content_type=FHIR)
    assert resp.status_code in (400, 422), resp.content
    assert "channel.header[0]" in resp.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        store.write(_careplan("sp1"))
    assert receiver.requests[0]["headers"]["authorization"] == "Bearer t0k"  # still delivered
