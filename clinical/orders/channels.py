"""Delivery channels: a lazily imported registry of small transports.

``CHANNELS`` maps a channel name (``settings.AMMED_CHANNELS``) to a dotted class path; a
class is imported on first use. A transport's ``send`` returns on success and raises
``ChannelError`` otherwise; ``permanent`` says whether a retry could help.
Invariant: every send carries the delivery's idempotency key, so a retry after an
unconfirmed attempt never duplicates at a sink that deduplicates on it.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import threading
import time
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import orjson
from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

CHANNELS: dict[str, str] = {
    "inbox": "clinical.orders.channels.InboxChannel",
    "webhook": "clinical.orders.channels.WebhookChannel",
    "email": "clinical.orders.channels.EmailChannel",
}


class ChannelError(Exception):
    """A delivery attempt failed; ``permanent`` failures are not retried."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class Channel:
    """Base transport. ``payload`` is the Delivery payload (text, structured, category…).

    ``outbox``: whether a released message needs a Delivery row (something to send and to
    confirm) on this channel."""

    name = ""
    outbox = True

    def send(self, key: str, payload: dict[str, Any]) -> None:  # pragma: no cover
        raise NotImplementedError

    def send_many(self, items: list[tuple[str, dict[str, Any]]]) -> dict[str, ChannelError | None]:
        """Send several (key, payload) pairs; per key ``None`` (delivered) or the error."""
        out: dict[str, ChannelError | None] = {}
        for key, payload in items:
            try:
                self.send(key, payload)
                out[key] = None
            except ChannelError as exc:
                out[key] = exc
        return out


@cache
def get_channel(name: str) -> Channel:
    """The transport for ``name`` (imported lazily); KeyError for an unknown name."""
    return import_string(CHANNELS[name])()


class InboxChannel(Channel):
    """In-app inbox: a released Communication is already readable through the inbox API
    (``GET /api/v1/patients/{id}/inbox``), so there is nothing to send and no outbox row."""

    name = "inbox"
    outbox = False

    def send(self, key: str, payload: dict[str, Any]) -> None:
        return None


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` HMAC-SHA256 over ``timestamp + "." + body`` (what sinks verify)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class WebhookChannel(Channel):
    """Signed JSON POST to the WeChat/SMS gateway (``AMMED_WEBHOOK_URL``).

    Headers: ``Idempotency-Key``, ``X-AMMed-Timestamp``, ``X-AMMed-Signature``. 2xx and 409
    (already have it) count as delivered; 5xx, 429 and network errors are retried; other
    4xx are permanent. Connections are kept alive per worker thread.
    """

    name = "webhook"
    _local = threading.local()

    def __init__(self, url: str | None = None, secret: str | None = None):
        self._url, self._secret = url, secret

    @property
    def url(self) -> str:
        return self._url or settings.AMMED_WEBHOOK_URL

    @property
    def secret(self) -> str:
        return self._secret if self._secret is not None else settings.AMMED_WEBHOOK_SECRET

    @classmethod
    def close_connections(cls) -> None:
        """Close this thread's kept-alive connections."""
        for conn in getattr(cls._local, "conns", {}).values():
            conn.close()
        cls._local.conns = {}

    def _connection(self) -> tuple[http.client.HTTPConnection, str]:
        parts = urlsplit(self.url)
        conns = getattr(self._local, "conns", None)
        if conns is None:
            conns = self._local.conns = {}
        conn = conns.get(parts.netloc)
        if conn is None:
            cls = (
                http.client.HTTPSConnection
                if parts.scheme == "https"
                else http.client.HTTPConnection
            )
            conn = cls(parts.netloc, timeout=settings.AMMED_WEBHOOK_TIMEOUT_S)
            conns[parts.netloc] = conn
        return conn, (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    def _drop(self) -> None:
        conns = getattr(self._local, "conns", {})
        conn = conns.pop(urlsplit(self.url).netloc, None)
        if conn is not None:
            conn.close()

    def send(self, key: str, payload: dict[str, Any]) -> None:
        body = orjson.dumps({"idempotency_key": key, **payload})
        self._post(key, body, {})

    def send_many(self, items: list[tuple[str, dict[str, Any]]]) -> dict[str, ChannelError | None]:
        """One signed POST carrying many messages (``X-AMMed-Batch: n``)::

            {"messages": [{"idempotency_key": ..., ...payload}, ...]}

        The sink deduplicates each message on its own key and may answer per key with
        ``{"results": {key: status}}`` (200/409 delivered, 5xx/429 retry, other 4xx
        permanent); a 2xx without per-key results confirms every message. A failed POST is
        the same error for every message (retried as a whole: the keys make that safe).
        """
        if len(items) == 1:
            return super().send_many(items)
        keys = [key for key, _ in items]
        body = orjson.dumps(
            {"messages": [{"idempotency_key": key, **payload} for key, payload in items]}
        )
        batch_key = "batch-" + hashlib.sha256("\n".join(keys).encode()).hexdigest()[:32]
        try:
            answer = self._post(batch_key, body, {"X-AMMed-Batch": str(len(items))})
        except ChannelError as exc:
            return dict.fromkeys(keys, exc)
        results = answer.get("results") if isinstance(answer, dict) else None
        if not isinstance(results, dict):
            return dict.fromkeys(keys)
        out: dict[str, ChannelError | None] = {}
        for key in keys:
            status = results.get(key)
            if not isinstance(status, int):
                out[key] = ChannelError("webhook batch answer missing this key")
            else:
                out[key] = _status_error(status)
        return out

    def _post(self, key: str, body: bytes, extra: dict[str, str]) -> Any:
        """POST a signed body; returns the decoded JSON answer (or None); raises ChannelError."""
        if not self.url or not self.secret:  # never send unsigned patient messages
            raise ChannelError("AMMED_WEBHOOK_URL / AMMED_WEBHOOK_SECRET not set", permanent=True)
        ts = str(int(time.time()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": key,
            "X-AMMed-Timestamp": ts,
            "X-AMMed-Signature": sign(self.secret, ts, body),
            **extra,
        }
        conn, path = self._connection()
        try:
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self._drop()
            raise ChannelError(f"webhook unreachable: {exc.__class__.__name__}") from exc
        error = _status_error(response.status)
        if error is not None:
            raise error
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return None


def _status_error(status: int) -> ChannelError | None:
    """2xx and 409 (already have it) are delivered; 5xx/429 retried; other 4xx permanent."""
    if 200 <= status < 300 or status == 409:
        return None
    if status >= 500 or status == 429:
        return ChannelError(f"webhook answered {status}")
    return ChannelError(f"webhook answered {status}", permanent=True)


class EmailChannel(Channel):
    """Django email to the addresses in the payload (``emails``); none → permanent failure."""

    name = "email"

    def send(self, key: str, payload: dict[str, Any]) -> None:
        to = payload.get("emails") or []
        if not to:
            raise ChannelError("no e-mail address on file", permanent=True)
        subject = "【AM-Med】" + ("服药提醒" if payload.get("category") == "reminder" else "通知")
        try:
            send_mail(
                subject,
                payload.get("text", ""),
                settings.DEFAULT_FROM_EMAIL,
                to,
                fail_silently=False,
            )
        except OSError as exc:
            raise ChannelError(f"mail server error: {exc.__class__.__name__}") from exc
