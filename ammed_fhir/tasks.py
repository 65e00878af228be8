"""Celery tasks of the FHIR boundary."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from ammed_fhir import events


@shared_task(name="ammed_fhir.resources_changed")
def resources_changed(changes: list[dict[str, Any]]) -> int:
    """Fan a committed ingest out to the domain apps' subscribers."""
    parsed = [events.Change(**c) for c in changes]
    events.dispatch(parsed)
    return len(parsed)
