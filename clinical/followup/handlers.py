"""Change-event handler: new clinical data for a patient → enqueue their assessment.

One event is one written transaction (a transaction bundle, or a single resource), so a
patient is assessed once per event however many of their resources it names. A record pushed
resource by resource gives one event each; ``run_assessment`` then stores an ingest run only
when its result differs from the latest one (``AMMED_ASSESSMENT_COALESCE_MIN``)."""

from __future__ import annotations

from ammed_fhir.events import Change

# Resource types whose arrival can change a disposition or the follow-up plan.
TRIGGER_TYPES = {"Observation", "Condition", "MedicationRequest", "Procedure", "Encounter"}


def on_resources_changed(changes: list[Change]) -> None:
    from clinical.followup.tasks import assess_patient

    patients = sorted(
        {c.patient_id for c in changes if c.resource_type in TRIGGER_TYPES and c.patient_id}
    )
    for pid in patients:
        assess_patient.delay(pid, "observation")
