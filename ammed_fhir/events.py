"""After-commit change notifications for stored FHIR resources.

Domain apps subscribe in their ``AppConfig.ready()``::

    from ammed_fhir import events
    events.subscribe("clinical.orders.handlers.on_resources_changed")

Every ``store`` write records its list of changes as an ``OutboxEvent`` row in the same
transaction (``ammed_fhir.outbox``); after commit the Celery task
``ammed_fhir.drain_events`` calls every subscriber with that list (a periodic drain picks
up what a broker outage left behind). Handlers must be idempotent (a retried event may
reach them twice) and should only enqueue their own tasks (thin), never raise for one bad
resource.

AM-Med's own writes (``origin == "ammed"``: the messages the gate stores, 100,000 at a
morning peak) reach only subscribers that ask for them with ``subscribe(path, own=True)``;
when none does, they are not published at all, so a peak queues no change tasks. A
subscriber may make that interest conditional (``own_when``: a dotted path to a cheap
``() -> bool``, e.g. "is there any active FHIR Subscription?"), so the peak stays free of
events until somebody actually listens.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import import_string

OWN = "ammed"  # ``Change.origin`` of what AM-Med itself wrote

_SUBSCRIBERS: dict[str, bool] = {}  # dotted path -> also wants AM-Med's own writes
_OWN_WHEN: dict[str, str] = {}  # dotted path -> dotted path of "wants them right now?"


@dataclass(frozen=True)
class Change:
    """One stored resource version. ``action`` is ``create`` | ``update`` | ``delete``.
    ``origin`` is ``"ammed"`` for a message AM-Med itself sends (written by the gate), empty
    for everything else (what the EMR or a patient app stored)."""

    resource_type: str
    resource_id: str
    version_id: int
    patient_id: str
    action: str
    origin: str = ""

    def as_dict(self) -> dict[str, Any]:
        # by hand: dataclasses.asdict deep-copies, which showed at the morning peak
        return {
            "resource_type": self.resource_type,
            "resource_id": self.resource_id,
            "version_id": self.version_id,
            "patient_id": self.patient_id,
            "action": self.action,
            "origin": self.origin,
        }


def subscribe(dotted_path: str, *, own: bool = False, own_when: str = "") -> None:
    """Register a handler ``f(changes: list[Change]) -> None`` by dotted path (idempotent).
    ``own=True``: it also receives AM-Med's own writes (``origin == OWN``); with
    ``own_when``, only while that predicate (a dotted path) answers True."""
    _SUBSCRIBERS[dotted_path] = _SUBSCRIBERS.get(dotted_path, False) or own
    if own and own_when:
        _OWN_WHEN[dotted_path] = own_when


def _wants_own() -> bool:
    for path, own in _SUBSCRIBERS.items():
        if own and (path not in _OWN_WHEN or import_string(_OWN_WHEN[path])()):
            return True
    return False


def subscribers() -> list[str]:
    return list(_SUBSCRIBERS)


def dispatch(changes: list[Change]) -> None:
    """Call every subscriber with ``changes`` (runs inside the Celery task); a subscriber
    that did not ask for AM-Med's own writes never sees them, and is not called for a list
    of only those."""
    theirs = [c for c in changes if c.origin != OWN]
    for path, own in _SUBSCRIBERS.items():
        mine = changes if own else theirs
        if mine:
            import_string(path)(mine)


def publish_on_commit(changes: list[Change]) -> None:
    """Record the changes as one outbox event in the surrounding transaction; it is
    dispatched after commit (at once when eager, else by a worker, or by the periodic drain
    when the broker was down). AM-Med's own writes only when a subscriber asked for them."""
    if any(c.origin == OWN for c in changes) and not _wants_own():
        changes = [c for c in changes if c.origin != OWN]
    if not changes:
        return
    from ammed_fhir import outbox

    outbox.record([c.as_dict() for c in changes])
