"""Change-event handler: new clinical data for a patient → enqueue their assessment."""

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
