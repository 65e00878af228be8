"""One pushed record, one assessment: an ingest-triggered run whose result equals the
patient's latest assessment (within AMMED_ASSESSMENT_COALESCE_MIN) stores no new row; a
result that differs is always stored; clinician and API runs always are."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from workspace_helpers import PATIENT
from workspace_helpers import demo_db as demo_db

from ammed_fhir import store
from clinical.followup.models import Assessment, FollowupState
from clinical.followup.services.runs import run_assessment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_db")]


def _observation(oid: str, loinc: str, value: float, unit: str, at: dt.datetime) -> dict:
    return {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": loinc}]},
        "subject": {"reference": f"Patient/{PATIENT}"},
        "effectiveDateTime": at.isoformat(),
        "valueQuantity": {"value": value, "unit": unit, "code": unit},
    }


def _count() -> int:
    return Assessment.objects.filter(patient_id=PATIENT).count()


def test_resources_written_one_by_one_store_one_assessment_per_distinct_result(
    django_capture_on_commit_callbacks,
):
    now = timezone.now()
    before = _count()
    encounter = {
        "resourceType": "Encounter",
        "id": "co-enc-1",
        "status": "finished",
        "class": {"code": "AMB"},
        "subject": {"reference": f"Patient/{PATIENT}"},
    }
    for resource in (encounter, {**encounter, "id": "co-enc-2"}, {**encounter, "id": "co-enc-3"}):
        with django_capture_on_commit_callbacks(execute=True):
            store.write(resource)  # its own transaction, its own change event
    assert _count() == before + 1  # three events, one result: one row
    latest = Assessment.objects.filter(patient_id=PATIENT).order_by("-created").first()
    state = FollowupState.objects.get(patient_id=PATIENT)
    assert state.assessment_id == latest.pk and state.assessed > latest.created

    with django_capture_on_commit_callbacks(execute=True):
        store.write(_observation("co-temp-1", "8310-5", 39.2, "Cel", now))
    assert _count() == before + 2  # a reading that changes the result is always stored
    fever = Assessment.objects.filter(patient_id=PATIENT).order_by("-created").first()
    assert "39.2" in str(fever.result["reasons"])


def test_the_same_result_after_the_window_or_from_a_clinician_is_stored(settings):
    settings.AMMED_ASSESSMENT_COALESCE_MIN = 10
    now = timezone.now()
    first = run_assessment(PATIENT, "observation", now=now)
    assert run_assessment(PATIENT, "observation", now=now + dt.timedelta(minutes=9)) == first
    later = run_assessment(PATIENT, "observation", now=now + dt.timedelta(minutes=11))
    assert later.pk != first.pk and later.result["reasons"] == first.result["reasons"]
    api = run_assessment(PATIENT, "api", now=now + dt.timedelta(minutes=12))
    assert api.pk != later.pk


def test_coalescing_can_be_switched_off(settings):
    settings.AMMED_ASSESSMENT_COALESCE_MIN = 0
    now = timezone.now()
    a = run_assessment(PATIENT, "observation", now=now)
    b = run_assessment(PATIENT, "observation", now=now + dt.timedelta(seconds=5))
    assert a.pk != b.pk
