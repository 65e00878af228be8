"""Celery tasks of clinical.followup (thin: ids in, a service call, quiet when gone)."""

from __future__ import annotations

from celery import shared_task

from clinical.followup.services.runs import UnknownPatient, run_assessment
from clinical.followup.services.sweep import sweep


@shared_task(
    name="followup.assess_patient", autoretry_for=(OSError,), max_retries=3, retry_backoff=True
)
def assess_patient(patient_id: str, trigger: str = "observation") -> str | None:
    """Assess one patient; returns the disposition (None when the patient is gone)."""
    try:
        return run_assessment(patient_id, trigger=trigger).disposition
    except UnknownPatient:
        return None


@shared_task(name="followup.nightly_sweep")
def nightly_sweep() -> dict:
    """Assess every patient under follow-up (Celery beat, nightly)."""
    stats = sweep()
    return {"patients": stats.patients, "alerts": stats.alerts, "errors": stats.errors}
