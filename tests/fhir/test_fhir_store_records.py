"""``store.patient_records``: several patients' records in one query."""

from __future__ import annotations

import pytest

from ammed_fhir import store


def _seed(pid: str, drug: str) -> None:
    store.write({"resourceType": "Patient", "id": pid, "birthDate": "1960-01-01"})
    store.write(
        {
            "resourceType": "MedicationRequest",
            "status": "active",
            "intent": "order",
            "medicationCodeableConcept": {"text": drug},
            "subject": {"reference": f"Patient/{pid}"},
        }
    )
    store.write(
        {
            "resourceType": "Observation",
            "status": "final",
            "code": {"text": "体温"},
            "subject": {"reference": f"Patient/{pid}"},
            "valueQuantity": {"value": 37.0, "unit": "Cel"},
        }
    )


@pytest.mark.django_db
def test_records_of_several_patients_in_one_query(django_assert_num_queries) -> None:
    _seed("pa", "华法林钠片")
    _seed("pb", "二甲双胍片")
    with django_assert_num_queries(1):
        records = store.patient_records(["pa", "pb", "nobody"])
    assert set(records) == {"pa", "pb"}
    assert [m["medicationCodeableConcept"]["text"] for m in records["pb"].medication_requests] == [
        "二甲双胍片"
    ]
    assert len(records["pa"].observations) == 1


@pytest.mark.django_db
def test_types_narrow_what_is_read() -> None:
    _seed("pa", "华法林钠片")
    record = store.patient_records(["pa"], types=("MedicationRequest",))["pa"]
    assert len(record.medication_requests) == 1
    assert record.observations == []
    assert store.patient_records([]) == {}
