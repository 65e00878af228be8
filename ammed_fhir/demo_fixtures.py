"""The demo's FHIR bundles, with every date moved so that the story happens *now*.

``fixtures/bundles/*.json`` are written for one story day, the bundle's ``timestamp``
(R4 ``Bundle.timestamp``: when the bundle was assembled). Loaded on any other day, every
date and dateTime in the bundle is moved by the same whole number of days, so that the
story day becomes today on the bundle's own clock (its ``timestamp`` offset, +08:00 for the
demo hospital). Relative facts survive unchanged: the post-operative day, readings from
"yesterday", a 14-day washout, a patient's age (birth dates move too). Whole days keep
times of day as the fixtures wrote them (a 07:30 blood pressure stays a morning reading).

Invariant: a fixture entry must not lie after the story day's start, so that once moved
it is never in the future (checked by :func:`load_demo_bundles`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures" / "bundles"

# FHIR R4 date / dateTime / instant (https://hl7.org/fhir/R4/datatypes.html#dateTime).
_FHIR_DATE = re.compile(
    r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})"
    r"(?P<time>T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?)?)?$"
)
# Element names whose type is date, dateTime or instant in the R4 resources we ship
# (Period.start/end, the [x] choices ending in DateTime/Instant, and the named ones).
_DATE_KEYS = frozenset(
    {
        "authoredOn",
        "birthDate",
        "date",
        "dateAsserted",
        "end",
        "issued",
        "lastOccurrence",
        "lastUpdated",
        "onsetDate",
        "received",
        "recordedDate",
        "sent",
        "start",
        "timestamp",
        "whenHandedOver",
        "whenPrepared",
    }
)


def _is_date_key(key: str) -> bool:
    return key in _DATE_KEYS or key.endswith(("DateTime", "Instant"))


def shift_date_string(value: str, days: int) -> str:
    """Move one FHIR date/dateTime/instant by ``days``, keeping its precision and offset.

    Partial dates (``2019``, ``2019-05``) move by the same days and keep their precision.
    A string that is not a FHIR date is returned unchanged.
    """
    m = _FHIR_DATE.match(value)
    if not m or days == 0:
        return value
    year, month, day = int(m["y"]), int(m["m"] or 1), int(m["d"] or 1)
    moved = date(year, month, day) + timedelta(days=days)
    if m["d"] is None:
        return f"{moved:%Y}" if m["m"] is None else f"{moved:%Y-%m}"
    return f"{moved:%Y-%m-%d}{m['time'] or ''}"


def shift_dates(node: Any, days: int) -> Any:
    """A copy of a FHIR JSON tree with every date-typed element moved by ``days``."""
    if isinstance(node, dict):
        return {
            k: (
                shift_date_string(v, days)
                if isinstance(v, str) and _is_date_key(k)
                else shift_dates(v, days)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [shift_dates(v, days) for v in node]
    return node


def _dates(node: Any) -> list[str]:
    if isinstance(node, dict):
        out = []
        for k, v in node.items():
            if isinstance(v, str) and _is_date_key(k) and _FHIR_DATE.match(v):
                out.append(v)
            else:
                out += _dates(v)
        return out
    if isinstance(node, list):
        return [d for v in node for d in _dates(v)]
    return []


def story_anchor(bundle: dict) -> datetime:
    """The story's day as an aware datetime (its start, on the bundle's clock)."""
    raw = bundle.get("timestamp")
    if not raw:
        raise ValueError("a demo bundle needs Bundle.timestamp, the day its story is written for")
    return datetime.fromisoformat(raw.replace("Z", "+00:00"))


def days_to_today(bundle: dict, now: datetime | None = None) -> int:
    """Whole days from the story day to today, both on the bundle's clock."""
    anchor = story_anchor(bundle)
    tz: tzinfo = anchor.tzinfo or timezone.get_current_timezone()
    today = (now or timezone.now()).astimezone(tz).date()
    return (today - anchor.date()).days


def check_story_dates(bundle: dict, name: str = "bundle") -> None:
    """Refuse a fixture with a timed entry after its story day's start (it would lie ahead)."""
    anchor = story_anchor(bundle)
    for raw in _dates(bundle.get("entry", [])):
        if "T" not in raw:
            continue  # a date-only Period.end of a course may lie ahead of the story day
        when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        if when.tzinfo is not None and when > anchor:
            raise ValueError(f"{name}: {raw} lies after the story day {anchor.isoformat()}")


@dataclass(frozen=True)
class DemoBundle:
    """One fixture bundle, already moved to today."""

    name: str
    bundle: dict
    days_moved: int


def load_demo_bundles(
    now: datetime | None = None, directory: Path = FIXTURE_DIR
) -> list[DemoBundle]:
    """Every ``fixtures/bundles/*.json``, in name order, with its story moved to today."""
    out = []
    for path in sorted(directory.glob("*.json")):
        bundle = json.loads(path.read_text(encoding="utf-8"))
        check_story_dates(bundle, path.name)
        days = days_to_today(bundle, now)
        moved = shift_dates(bundle, days)
        out.append(DemoBundle(name=path.name, bundle=moved, days_moved=days))
    return out
