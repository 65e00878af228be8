"""Subscribers to ammed_fhir.events: thin, they only enqueue tasks."""

from __future__ import annotations

from ammed_fhir.events import Change


def on_resources_changed(changes: list[Change]) -> None:
    """A MedicationRequest was created/updated/stopped: reschedule it at once."""
    ids = sorted({c.resource_id for c in changes if c.resource_type == "MedicationRequest"})
    if ids:
        from clinical.orders.tasks import reschedule

        reschedule.delay(ids)
