"""``validate_communications`` (one full validation per shape, primitives in bulk) must accept
and reject exactly what ``validate_resource`` accepts and rejects."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ammed_fhir.validation import FhirValidationError, validate_communications, validate_resource


def comm(cid: str, text: str, patient: str = "p1", about: str = "MedicationRequest/m1") -> dict:
    return {
        "resourceType": "Communication",
        "id": cid,
        "status": "completed",
        "category": [{"coding": [{"system": "https://ammed.example/c", "code": "reminder"}]}],
        "subject": {"reference": f"Patient/{patient}"},
        "recipient": [{"reference": f"Patient/{patient}"}],
        "sender": {"display": "AM-Med 随访系统"},
        "payload": [{"contentString": text}],
        "about": [{"reference": about}],
        "sent": "2026-11-29T08:00:00+08:00",
    }


def outcome(fn, resources) -> str | None:
    try:
        fn(resources)
    except FhirValidationError as exc:
        return "; ".join(i["diagnostics"] for i in exc.issues)
    return None


TEXT = st.text(st.characters(codec="utf-8"), max_size=30) | st.sampled_from(
    ["", " ", "\u3000", "\t\n", "请按时服药。", "\x0b", "a\u2028"]
)
ID = st.text("abcXYZ019-._ !/中", min_size=0, max_size=70)


@settings(max_examples=300, deadline=None)
@given(text=TEXT, cid=ID, patient=st.text("ab1-./ ", min_size=0, max_size=6))
def test_agrees_with_full_validation(text: str, cid: str, patient: str) -> None:
    resource = comm(cid, text, patient)
    good = comm("ok-1", "请按时服药。")
    assert outcome(validate_communications, [good, resource]) == outcome(
        lambda rs: [validate_resource(r) for r in rs], [good, resource]
    )


def test_a_new_shape_is_validated_in_full() -> None:
    bad_status = {**comm("s-1", "好"), "status": "sent-ish"}
    with pytest.raises(FhirValidationError) as exc:
        validate_communications([comm("s-0", "好"), bad_status])
    assert exc.value.issues[0]["expression"] == ["Communication.status"]
    unknown = {**comm("s-2", "好"), "colour": "red"}
    with pytest.raises(FhirValidationError):
        validate_communications([unknown])


def test_valid_batches_pass() -> None:
    validate_communications([comm(f"dose-{i}", f"提醒{i}", f"p{i}") for i in range(50)])
