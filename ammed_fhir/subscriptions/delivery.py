"""R4 rest-hook delivery.

Which Subscriptions: stored ``Subscription`` resources with ``status`` requested or active,
``channel.type`` rest-hook and ``criteria`` ``<Type>?<search>`` on one of ``NOTIFY_TYPES``
(the search means exactly what it means on ``GET /fhir/<Type>``). A Communication notifies
only once released (``status`` completed: a held, rejected or draft message never leaves).

When: the change events (``ammed_fhir.events``, through the outbox, so a crash between the
write and the notification loses nothing) create one ``Delivery`` per (subscription,
resource version); Celery sends it at once.

How (R4): no ``channel.payload`` → ``POST <endpoint>`` with no body; a payload →
``PUT <endpoint>/<Type>/<id>`` with the resource version as ``application/fhir+json``.
Headers: each ``channel.header`` line (``Authorization: Bearer …``), ``X-AMMed-Delivery``
(the delivery id, the receiver's idempotency key), ``X-AMMed-Event`` (``Type/id/_history/v``)
and, when ``AMMED_SUBSCRIPTION_HMAC_KEY`` is set, ``X-AMMed-Timestamp`` and
``X-AMMed-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>." + body>``.

Failure (no answer, or not 2xx): retried with exponential backoff (base
``AMMED_SUBSCRIPTION_BACKOFF_BASE_S``, capped at ``…_BACKOFF_CAP_S``) for
``AMMED_SUBSCRIPTION_RETRY_HOURS`` (at least 24) after the first attempt was due; then the
delivery is a dead letter, listed in the admin, where it can be retried by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import parse_qsl

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ammed_fhir import fhirjson
from ammed_fhir.events import Change
from ammed_fhir.models import Resource
from ammed_fhir.outcomes import FhirError, Issue, issue
from ammed_fhir.subscriptions.models import Delivery

log = logging.getLogger(__name__)

NOTIFY_TYPES = ("CarePlan", "Communication", "Flag")
ACTIVE = {"requested", "active"}


REDACTED = "***"


def redact_headers(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` (a resource or a Bundle) with every Subscription's ``channel.header`` values
    replaced by ``***``: they hold receivers' credentials (bearer tokens), which no reader
    of /fhir, another integration account included, may see. Other resources are returned
    as they are (no copy)."""

    def one(resource: Any) -> Any:
        if not isinstance(resource, dict) or resource.get("resourceType") != "Subscription":
            return resource
        channel = resource.get("channel")
        if not isinstance(channel, dict) or not channel.get("header"):
            return resource
        headers = [
            f"{h.partition(':')[0]}: {REDACTED}" if isinstance(h, str) else h
            for h in channel["header"]
        ]
        return {**resource, "channel": {**channel, "header": headers}}

    if body.get("resourceType") == "Bundle" and isinstance(body.get("entry"), list):
        entries = [
            {**e, "resource": one(e["resource"])} if isinstance(e, dict) and "resource" in e else e
            for e in body["entry"]
        ]
        return {**body, "entry": entries}
    return one(body)


def criteria_issues(sub: dict[str, Any], path: str) -> list[Issue]:
    """What keeps a Subscription from being served (checked when it is written)."""
    out: list[Issue] = []
    channel = sub.get("channel") if isinstance(sub.get("channel"), dict) else {}
    if channel.get("type") != "rest-hook":
        out.append(
            issue(
                "not-supported", "only channel.type rest-hook is supported", f"{path}.channel.type"
            )
        )
    endpoint = channel.get("endpoint")
    if not isinstance(endpoint, str) or not endpoint.startswith(("http://", "https://")):
        out.append(
            issue("required", "channel.endpoint must be an http(s) URL", f"{path}.channel.endpoint")
        )
    for i, header in enumerate(channel.get("header") or []):
        if isinstance(header, str) and header.partition(":")[2].strip() == REDACTED:
            out.append(
                issue(
                    "invalid",
                    "header values are never served back (they show as ***): send the real value",
                    f"{path}.channel.header[{i}]",
                )
            )
        elif not isinstance(header, str) or ":" not in header or "\n" in header:
            out.append(
                issue(
                    "invalid",
                    "a header is 'Name: value' on one line",
                    f"{path}.channel.header[{i}]",
                )
            )
    criteria = sub.get("criteria")
    try:
        parse_criteria(criteria)
    except FhirError as exc:
        out += [
            issue(i["code"], f"criteria: {i['diagnostics']}", f"{path}.criteria")
            for i in exc.issues
        ]
    return out


def parse_criteria(criteria: Any):
    from ammed_fhir import search

    if not isinstance(criteria, str) or not criteria:
        raise FhirError.one(400, "required", "criteria is required (e.g. CarePlan?patient=1)")
    rtype, _, query = criteria.partition("?")
    if rtype not in NOTIFY_TYPES:
        raise FhirError.one(
            400,
            "not-supported",
            f"criteria on {rtype!r}: notifications are sent for {', '.join(NOTIFY_TYPES)}",
        )
    pairs = parse_qsl(query, keep_blank_values=True)
    if any(name.startswith("_") and name not in {"_id", "_lastUpdated"} for name, _ in pairs):
        raise FhirError.one(400, "not-supported", "criteria take search parameters only")
    return search.parse(rtype, pairs)


_ANY_ACTIVE: list[tuple[float, bool]] = []  # (checked at, answer), this process


def any_active() -> bool:
    """Is any Subscription requested or active? (``events``' own-writes gate: while none
    is, AM-Med's own writes record no change events.) Cached for
    ``AMMED_SUBSCRIPTION_CACHE_S`` per process; a Subscription written here clears it."""
    import time

    now = time.monotonic()
    if _ANY_ACTIVE and now - _ANY_ACTIVE[0][0] < settings.AMMED_SUBSCRIPTION_CACHE_S:
        return _ANY_ACTIVE[0][1]
    answer = Resource.objects.filter(
        resource_type="Subscription", status__in=sorted(ACTIVE)
    ).exists()
    _ANY_ACTIVE[:] = [(now, answer)]
    return answer


def forget_active() -> None:
    _ANY_ACTIVE.clear()


def active_subscriptions() -> list[dict[str, Any]]:
    rows = Resource.objects.filter(resource_type="Subscription").values_list("data", flat=True)
    from django.utils.dateparse import parse_datetime

    now = timezone.now()
    out = []
    for sub in rows:
        channel = sub.get("channel") or {}
        end = parse_datetime(sub["end"]) if isinstance(sub.get("end"), str) else None
        if end is not None and end <= now:
            continue  # Subscription.end has passed
        if sub.get("status") in ACTIVE and channel.get("type") == "rest-hook":
            out.append(sub)
    return out


def _matches(sub: dict[str, Any], change: Change) -> bool:
    from ammed_fhir import search

    try:
        req = parse_criteria(sub.get("criteria"))
    except FhirError:
        return False
    if req.resource_type != change.resource_type:
        return False
    qs = search.queryset(req).filter(resource_id=change.resource_id)
    if change.resource_type == "Communication":
        qs = qs.filter(status="completed")  # released only
    return qs.filter(version_id=change.version_id).exists()


def on_resources_changed(changes: list[Change]) -> None:
    """Events subscriber: one pending Delivery per matching (subscription, version)."""
    relevant = [c for c in changes if c.resource_type in NOTIFY_TYPES and c.action != "delete"]
    if not relevant:
        return
    subs = active_subscriptions()
    if not subs:
        return
    now = timezone.now()
    created: list[int] = []
    with transaction.atomic():
        for change in relevant:
            for sub in subs:
                if not _matches(sub, change):
                    continue
                row, new = Delivery.objects.get_or_create(
                    subscription_id=sub["id"],
                    resource_type=change.resource_type,
                    resource_id=change.resource_id,
                    version_id=change.version_id,
                    defaults={
                        "endpoint": sub["channel"]["endpoint"],
                        "created": now,
                        "next_attempt_at": now,
                    },
                )
                if new:
                    created.append(row.pk)
        if created:
            transaction.on_commit(lambda: _enqueue(created))


def _enqueue(ids: list[int]) -> None:
    from ammed_fhir import outbox
    from ammed_fhir.subscriptions.tasks import deliver

    outbox.try_delay(deliver, ids, what=f"deliveries {ids}")


def backoff(attempts: int) -> dt.timedelta:
    base = settings.AMMED_SUBSCRIPTION_BACKOFF_BASE_S
    cap = settings.AMMED_SUBSCRIPTION_BACKOFF_CAP_S
    return dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), cap))


def retry_window() -> dt.timedelta:
    return dt.timedelta(hours=max(settings.AMMED_SUBSCRIPTION_RETRY_HOURS, 24.0))


def _claim(pk: int, now: dt.datetime) -> Delivery | None:
    """Take one due pending delivery (a lease on next_attempt_at keeps a second worker off)."""
    with transaction.atomic():
        row = (
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, status=Delivery.Status.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if row is None:
            return None
        Delivery.objects.filter(pk=pk).update(
            next_attempt_at=now + dt.timedelta(seconds=settings.AMMED_SUBSCRIPTION_TIMEOUT_S * 3)
        )
    return row


def _request(row: Delivery, sub: dict[str, Any]) -> urllib.request.Request:
    from ammed_fhir import store

    channel = sub.get("channel") or {}
    endpoint = channel.get("endpoint") or row.endpoint
    headers = {"User-Agent": "AM-Med rest-hook"}
    body = b""
    if channel.get("payload"):
        resource = store.read_version(row.resource_type, row.resource_id, row.version_id) or {}
        body = fhirjson.dumps(resource)  # decimals as stored
        url = f"{endpoint.rstrip('/')}/{row.resource_type}/{row.resource_id}"
        method = "PUT"
        headers["Content-Type"] = "application/fhir+json; charset=utf-8"
    else:
        url, method = endpoint, "POST"
    for line in channel.get("header") or []:
        name, _, value = str(line).partition(":")
        headers[name.strip()] = value.strip()
    headers["X-AMMed-Delivery"] = str(row.pk)
    headers["X-AMMed-Subscription"] = f"Subscription/{row.subscription_id}"
    headers["X-AMMed-Event"] = f"{row.resource_type}/{row.resource_id}/_history/{row.version_id}"
    key = settings.AMMED_SUBSCRIPTION_HMAC_KEY
    if key:
        stamp = str(int(timezone.now().timestamp()))
        headers["X-AMMed-Timestamp"] = stamp
        headers["X-AMMed-Signature"] = sign(body, stamp, key)
    return urllib.request.Request(url, data=body, method=method, headers=headers)


def sign(body: bytes, stamp: str, key: str) -> str:
    """What a receiver recomputes to check ``X-AMMed-Signature``."""
    return (
        "sha256=" + hmac.new(key.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    )


def attempt(pk: int, now: dt.datetime | None = None) -> bool:
    """Send one due delivery once; True when the receiver took it (2xx)."""
    from ammed_fhir import store

    now = now or timezone.now()
    row = _claim(pk, now)
    if row is None:
        return False
    sub = store.read("Subscription", row.subscription_id)
    if sub is None or sub.get("status") not in ACTIVE:
        Delivery.objects.filter(pk=pk).update(
            status=Delivery.Status.CANCELLED, last_error="the subscription is no longer active"
        )
        return False
    code: int | None = None
    error = ""
    try:
        with urllib.request.urlopen(  # http(s) only: criteria_issues
            _request(row, sub), timeout=settings.AMMED_SUBSCRIPTION_TIMEOUT_S
        ) as resp:
            code = resp.status
    except urllib.error.HTTPError as exc:
        code, error = exc.code, f"HTTP {exc.code}"
    except (OSError, ValueError) as exc:  # refused, timeout, DNS, bad URL
        error = f"{type(exc).__name__}: {getattr(exc, 'reason', '') or exc}"[:255]
    if code is not None and 200 <= code < 300:
        Delivery.objects.filter(pk=pk).update(
            status=Delivery.Status.DELIVERED,
            delivered_at=timezone.now(),
            attempts=row.attempts + 1,
            last_status_code=code,
            last_error="",
        )
        return True
    attempts = row.attempts + 1
    dead = now >= row.created + retry_window()
    Delivery.objects.filter(pk=pk).update(
        status=Delivery.Status.DEAD if dead else Delivery.Status.PENDING,
        attempts=attempts,
        last_status_code=code,
        last_error=error or f"HTTP {code}",
        next_attempt_at=now + backoff(attempts),
    )
    log.warning(
        "rest-hook delivery %s to Subscription/%s failed (attempt %s%s): %s",
        pk,
        row.subscription_id,
        attempts,
        ", dead letter" if dead else "",
        error or code,
    )
    return False


def retry_due(now: dt.datetime | None = None, limit: int = 200) -> int:
    """Attempt every pending delivery that is due; the number delivered."""
    now = now or timezone.now()
    ids = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(attempt(pk, now) for pk in ids)
