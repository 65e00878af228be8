"""Local stub HTTP servers speaking Ollama's and the OpenAI chat API (no real server exists
here). They answer deterministically and record every request body for assertions."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

KNOWN_MODEL = "internlm2:7b"
STRUCTURED_ANSWER = {
    "intent": "diet_question",
    "medicines": [],
    "foods": ["柚子"],
    "symptoms": [],
}


@contextmanager
def closed_port_url() -> Iterator[str]:
    """``http://127.0.0.1:<port>`` that is known closed while the context is open.

    A fixed "unused" port (8159 before issue 21) is only closed until something on the
    machine listens there. Here the port is bound by this socket, so no other process can
    take it, but never ``listen()``ed, so every connect is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: StubServer  # type: ignore[assignment]

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def _json(self, status: int, body: Any) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append((self.path, body))
        last = body["messages"][-1]["content"]
        if "slow" in last:
            time.sleep(1.0)
        if body.get("model") != KNOWN_MODEL:
            if self.path == "/api/chat":
                return self._json(404, {"error": f'model "{body.get("model")}" not found'})
            return self._json(404, {"error": {"message": "model not found"}})
        wants_json = "format" in body or "response_format" in body
        content = (
            json.dumps(STRUCTURED_ANSWER, ensure_ascii=False) if wants_json else "好的，已收到。"
        )
        if self.path == "/api/chat":
            return self._ollama(body, content)
        if self.path == "/v1/chat/completions":
            return self._openai(body, content)
        return self._json(404, {"error": "no such endpoint"})

    def _ollama(self, body: dict, content: str) -> None:
        base = {"model": body["model"], "created_at": "2026-11-29T00:00:00Z"}
        if not body.get("stream", True):
            msg = {"role": "assistant", "content": content}
            return self._json(200, {**base, "message": msg, "done": True, "done_reason": "stop"})
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.end_headers()
        for ch in content:
            part = {**base, "message": {"role": "assistant", "content": ch}, "done": False}
            self.wfile.write(json.dumps(part, ensure_ascii=False).encode() + b"\n")
        end = {**base, "message": {"role": "assistant", "content": ""}, "done": True}
        self.wfile.write(json.dumps(end).encode() + b"\n")

    def _openai(self, body: dict, content: str) -> None:
        if not body.get("stream"):
            choice = {"index": 0, "message": {"role": "assistant", "content": content}}
            return self._json(200, {"id": "x", "object": "chat.completion", "choices": [choice]})
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for ch in content:
            chunk = {"choices": [{"index": 0, "delta": {"content": ch}}]}
            self.wfile.write(b"data: " + json.dumps(chunk, ensure_ascii=False).encode() + b"\n\n")
        self.wfile.write(b"data: [DONE]\n\n")


class StubServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.requests: list[tuple[str, dict]] = []
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> StubServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
