"""Shared helpers of the orders tests: demo ids, record builders and a local webhook sink."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

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
