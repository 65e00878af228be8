"""The patient context the monitor checks a message against (age, allergies, orders, conditions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from ammed_fhir import store


class ContextError(ValueError):
    """An inline patient context is malformed (API → 400)."""


@dataclass(frozen=True)
class Medication:
    """An active prescription: the ordered drug text and its dosage text."""

    name: str
    dosage: str = ""
    reference: str = ""

    @property
    def text(self) -> str:
        if self.name and self.name in self.dosage:
            return self.dosage.strip()
        return f"{self.name} {self.dosage}".strip()


# What a monitor context reads of a record (never the long Observation history).
_CONTEXT_TYPES = ("Condition", "MedicationRequest", "AllergyIntolerance")


@dataclass
class PatientContext:
    """Patient facts used by the checks. Unknown age means adult limits do NOT apply blindly:
    dose checks hold when the age is unknown and a dose is stated (fail closed)."""

    patient_id: str = ""
    age_years: float | None = None
    sex: str = ""
    allergies: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    medications: list[Medication] = field(default_factory=list)
    # Pregnancy, breastfeeding and weight (issue #16): None is unknown, never "no".
    pregnant: bool | None = None
    pregnancy_weeks: float | None = None
    breastfeeding: bool | None = None
    weight_kg: float | None = None
    # Facts the checks derive from this context (its orders through the KB, the KB's patient
    # reasons per ingredient), computed once per context and shared by every message checked
    # against it: a batch of reminders checks one context per patient, not one per message.
    memo: dict[Any, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    # The inline ``patient`` object of ``POST /monitor/check``: each key and its aliases.
    KEYS = {
        "id": ("id",),
        "age": ("age", "age_years"),
        "sex": ("sex",),
        "allergies": ("allergies",),
        "conditions": ("conditions",),
        "medications": ("medications", "current_medications"),
        "pregnant": ("pregnant",),
        "pregnancy_weeks": ("pregnancy_weeks",),
        "breastfeeding": ("breastfeeding",),
        "weight_kg": ("weight_kg",),
    }

    @classmethod
    def from_dict(cls, data: Any) -> PatientContext:
        """Parse the inline ``patient`` object of ``POST /monitor/check``. Unknown keys, a key
        given under two aliases and malformed values are errors (API → 400 naming them)."""
        if not isinstance(data, dict):
            raise ContextError("patient must be an object")
        known = {alias: key for key, aliases in cls.KEYS.items() for alias in aliases}
        unknown = sorted(str(k) for k in data if k not in known)
        if unknown:
            raise ContextError(f"patient: unknown keys {', '.join(unknown)}")
        values: dict[str, Any] = {}
        for alias, value in data.items():
            key = known[alias]
            if key in values:
                raise ContextError(f"patient.{alias}: {key} given twice")
            values[key] = value

        def number(key: str, low: float, high: float) -> float | None:
            value = values.get(key)
            if value is None:
                return None
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not low <= value <= high
            ):
                raise ContextError(f"patient.{key} must be a number between {low:g} and {high:g}")
            return float(value)

        def flag(key: str) -> bool | None:
            value = values.get(key)
            if value is not None and not isinstance(value, bool):
                raise ContextError(f"patient.{key} must be true or false")
            return value

        age = values.get("age")
        if age is not None and (
            isinstance(age, bool) or not isinstance(age, int | float) or not 0 <= age <= 130
        ):
            raise ContextError("patient.age must be a number of years between 0 and 130")

        def strings(key: str) -> list[str]:
            value = values.get(key) or []
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ContextError(f"patient.{key} must be a list of strings")
            return value

        meds: list[Medication] = []
        raw_meds = values.get("medications") or []
        if not isinstance(raw_meds, list):
            raise ContextError("patient.medications must be a list")
        for i, m in enumerate(raw_meds):
            if isinstance(m, str):
                meds.append(Medication(name=m))
            elif isinstance(m, dict) and isinstance(m.get("name"), str):
                meds.append(Medication(name=m["name"], dosage=str(m.get("dosage") or "")))
            else:
                raise ContextError(f"patient.medications[{i}] must be a string or {{name, dosage}}")
        sex = values.get("sex") or ""
        if not isinstance(sex, str):
            raise ContextError("patient.sex must be a string")
        weeks = number("pregnancy_weeks", 0, 45)
        pregnant = flag("pregnant")
        if weeks is not None and pregnant is False:
            raise ContextError("patient.pregnancy_weeks given with pregnant false")
        return cls(
            patient_id=str(values.get("id") or ""),
            age_years=float(age) if age is not None else None,
            sex=sex,
            allergies=strings("allergies"),
            conditions=strings("conditions"),
            medications=meds,
            pregnant=True if weeks is not None else pregnant,
            pregnancy_weeks=weeks,
            breastfeeding=flag("breastfeeding"),
            weight_kg=number("weight_kg", 0.3, 400),
        )

    @classmethod
    def from_records(
        cls, patient_ids: list[str] | set[str], today: date | None = None
    ) -> dict[str, PatientContext | None]:
        """Contexts of several patients from one query (None for unknown patients)."""
        records = store.patient_records(patient_ids, types=_CONTEXT_TYPES)
        return {pid: cls.from_stored(pid, records.get(pid), today) for pid in set(patient_ids)}

    @classmethod
    def from_record(cls, patient_id: str, today: date | None = None) -> PatientContext | None:
        """Build the context from the stored FHIR record; None when the patient is unknown."""
        record = store.patient_records([patient_id], types=_CONTEXT_TYPES).get(patient_id)
        return cls.from_stored(patient_id, record, today)

    @classmethod
    def from_stored(
        cls, patient_id: str, record: store.PatientRecord | None, today: date | None = None
    ) -> PatientContext | None:
        """Build the context from an already-read record; None when there is none."""
        if record is None:
            return None
        today = today or timezone.localdate()
        age = None
        birth = record.patient.get("birthDate")
        if isinstance(birth, str) and len(birth) >= 4:
            try:
                y, m, d = (int(p) for p in (birth.split("-") + ["1", "1"])[:3])
                age = today.year - y - ((today.month, today.day) < (m, d))
            except ValueError:
                age = None
        allergies = [
            _concept_text(a.get("code"))
            for a in record.allergies
            if _status(a.get("clinicalStatus")) in ("", "active")
        ]
        conditions = [
            _concept_text(c.get("code"))
            for c in record.conditions
            if _status(c.get("clinicalStatus")) in ("", "active", "recurrence", "relapse")
        ]
        meds = []
        for mr in record.medication_requests:
            if mr.get("status") not in ("active", "on-hold", None):
                continue
            dosage = " ".join(
                d.get("text", "") for d in mr.get("dosageInstruction") or [] if isinstance(d, dict)
            )
            meds.append(
                Medication(
                    name=_concept_text(mr.get("medicationCodeableConcept")),
                    dosage=dosage,
                    reference=f"MedicationRequest/{mr.get('id', '')}",
                )
            )
        return cls(
            patient_id=patient_id,
            age_years=float(age) if age is not None else None,
            sex=str(record.patient.get("gender") or ""),
            allergies=[a for a in allergies if a],
            conditions=[c for c in conditions if c],
            medications=meds,
        )


def _status(concept: Any) -> str:
    if isinstance(concept, dict):
        for coding in concept.get("coding") or []:
            if isinstance(coding, dict) and coding.get("code"):
                return str(coding["code"])
    return ""


def _concept_text(concept: Any) -> str:
    """Text of a CodeableConcept plus its codings' displays (so both 中文 and English match)."""
    if not isinstance(concept, dict):
        return ""
    parts = [str(concept.get("text") or "")]
    parts += [
        str(c.get("display") or "") for c in concept.get("coding") or [] if isinstance(c, dict)
    ]
    return " ".join(p for p in parts if p)
