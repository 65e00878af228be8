"""Care-team alerts: acknowledged, then handled, by a clinician who may see the patient.

Each state change is one transaction with its audit row (``ammed_fhir.audit.record``); an
alert already acknowledged or handled keeps its first acknowledger/handler."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from ammed_fhir import access, audit
from clinical.followup.models import AlertRecord


def _mine(user: Any, ids: list[int]) -> list[AlertRecord]:
    visible = access.visible_patient_ids(user)
    rows = AlertRecord.objects.select_for_update().filter(pk__in=ids)
    if visible is not None:
        rows = rows.filter(patient_id__in=sorted(visible))
    return list(rows)


@transaction.atomic
def acknowledge(user: Any, ids: list[int]) -> int:
    """Mark the alerts seen; returns how many changed."""
    now, done = timezone.now(), 0
    for alert in _mine(user, ids):
        if alert.acknowledged_at is None:
            alert.acknowledged_at, alert.acknowledged_by = now, user
            alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
            audit.record(user, "alert.acknowledge", obj=alert, after={"acknowledged_at": now})
            done += 1
    return done


@transaction.atomic
def handle(user: Any, ids: list[int], note: str = "") -> int:
    """Mark the alerts handled (acknowledging them too); the episode closes, so the same
    reason found later raises a new alert."""
    now, done = timezone.now(), 0
    for alert in _mine(user, ids):
        if alert.handled_at is not None:
            continue
        if alert.acknowledged_at is None:
            alert.acknowledged_at, alert.acknowledged_by = now, user
        alert.handled_at, alert.handled_by, alert.handled_note = now, user, note
        alert.save()
        audit.record(user, "alert.handle", obj=alert, after={"handled_at": now, "note": note})
        done += 1
    return done
