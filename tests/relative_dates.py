"""Dates for test records, relative to the (possibly moved) clock: never a literal day.

``day(-2)`` is the day before yesterday on the hospital's clock (``TIME_ZONE``), as a FHIR
date; ``at(-2, 8)`` is 08:00 that day as a FHIR dateTime with the hospital's offset.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone


def local_day(offset_days: int = 0):  # type: ignore[no-untyped-def]
    """Today on the hospital's clock, moved by ``offset_days``."""
    return timezone.localdate() + timedelta(days=offset_days)


def day(offset_days: int = 0) -> str:
    """A FHIR date ``offset_days`` from today (negative: in the past)."""
    return local_day(offset_days).isoformat()


def at(offset_days: int = 0, hour: int = 8, minute: int = 0) -> str:
    """A FHIR dateTime at ``hour:minute`` local time, ``offset_days`` from today."""
    naive = datetime.combine(local_day(offset_days), time(hour, minute))
    return timezone.make_aware(naive).isoformat(timespec="seconds")
