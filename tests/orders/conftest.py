"""Fixtures of the orders tests: personas, a patient with orders, a local webhook sink."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from ammed_fhir import store
from ammed_fhir.models import PatientAccount, PatientAssignment, PractitionerAccount
from clinical.orders.channels import WebhookChannel

TZ = dt.timezone(dt.timedelta(hours=8))
PID = "orders-p1"
OTHER = "orders-p2"


def patient(pid: str, name: str = "测试") -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "id": pid,
        "name": [{"text": name}],
        "birthDate": "1960-05-01",
        "gender": "male",
        "telecom": [{"system": "email", "value": f"{pid}@example.org"}],
    }


def med_request(
    rid: str,
    sig: str,
    *,
    pid: str = PID,
    name: str = "氨氯地平片 5mg",
    status: str = "active",
    authored: str = "2026-11-28T09:00:00+08:00",
    **extra: Any,
) -> dict[str, Any]:
    mr: dict[str, Any] = {
        "resourceType": "MedicationRequest",
        "id": rid,
        "status": status,
        "intent": "order",
        "medicationCodeableConcept": {"text": name},
        "subject": {"reference": f"Patient/{pid}"},
        "authoredOn": authored,
        "dosageInstruction": [{"text": sig}],
    }
    mr.update(extra)
    return mr


@pytest.fixture
def people(db) -> dict[str, Any]:
    User = get_user_model()
    groups = {g: Group.objects.get_or_create(name=g)[0] for g in ("physician", "nurse", "patient")}
    doc = User.objects.create_user("o_doc", email="doc@example.org")
    doc.groups.add(groups["physician"])
    outsider = User.objects.create_user("o_nurse")
    outsider.groups.add(groups["nurse"])
    pat = User.objects.create_user("o_patient")
    pat.groups.add(groups["patient"])
    other = User.objects.create_user("o_other_patient")
    other.groups.add(groups["patient"])
    PatientAccount.objects.create(user=pat, patient_id=PID)
    PatientAccount.objects.create(user=other, patient_id=OTHER)
    PatientAssignment.objects.create(user=doc, patient_id=PID)
    PractitionerAccount.objects.create(user=doc, practitioner_id="o-prac")
    store.write(patient(PID, "张三"))
    store.write(patient(OTHER, "李四"))
    return {"doctor": doc, "outsider": outsider, "patient": pat, "other": other}


@pytest.fixture
def client_for():
    def make(user) -> APIClient:
        c = APIClient()
        c.force_authenticate(user)
        return c

    return make


class Sink:
    """A local webhook sink: records every POST (single or batch); dedups on each message's
    idempotency key; answers a batch with per-key results."""

    def __init__(self, port: int, fail_first: int = 0, delay_s: float = 0.0):
        self.received: list[dict[str, Any]] = []
        self.accepted: list[str] = []  # keys answered 200 (first time), in order
        self.delay_s = delay_s
        self.keys: Counter[str] = Counter()
        self.headers: list[dict[str, str]] = []
        self.posts: list[tuple[dict[str, str], bytes]] = []  # (headers, raw body) of each POST
        self.fail_first = fail_first
        self.fail_keys: set[str] = set()
        self.lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                batch = "X-AMMed-Batch" in self.headers
                data = json.loads(body)
                messages = data["messages"] if batch else [data]
                if sink.delay_s:  # a gateway's time per message
                    time.sleep(sink.delay_s * len(messages))
                answer = b""
                with sink.lock:
                    sink.posts.append((dict(self.headers), body))
                    if sink.fail_first > 0:
                        sink.fail_first -= 1
                        code = 503
                    else:
                        results = {}
                        for message in messages:  # dedup on each message's own key
                            key = message["idempotency_key"]
                            if key in sink.fail_keys:  # a per-key gateway failure, once
                                sink.fail_keys.discard(key)
                                results[key] = 503
                                continue
                            if not batch and self.headers["Idempotency-Key"] != key:
                                results[key] = 400
                                continue
                            sink.keys[key] += 1
                            results[key] = 200 if sink.keys[key] == 1 else 409
                            if results[key] == 200:
                                sink.received.append(message)
                                sink.accepted.append(key)
                        sink.headers.append(dict(self.headers))
                        code = 200 if batch else results[messages[0]["idempotency_key"]]
                        if batch:
                            answer = json.dumps({"results": results}).encode()
                self.send_response(code)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]  # port 0: a free one (parallel test runs)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sink(settings):
    s = Sink(0)
    settings.AMMED_WEBHOOK_URL = f"http://127.0.0.1:{s.port}/hook"
    settings.AMMED_WEBHOOK_SECRET = "test-secret"
    settings.AMMED_CHANNELS = ["inbox", "webhook"]
    yield s
    WebhookChannel.close_connections()
    s.close()
