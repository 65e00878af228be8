"""The patient context the monitor checks a message against: its view of the one shared
``clinical.knowledge.patient.PatientContext`` (age, allergies, orders, conditions, labs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

from ammed_fhir import store
from clinical.knowledge import patient


class ContextError(ValueError):
    """An inline patient context is malformed (API → 400)."""


@dataclass(frozen=True)
class Medication:
    """A prescription: the ordered drug text and its dosage text."""

    name: str
    dosage: str = ""
    reference: str = ""
    # False for an order stopped within its washout window: it still interacts, but it is
    # not an order a message may repeat (``checks._orders.ordered`` skips it)
    current: bool = True

    @property
    def text(self) -> str:
        if self.name and self.name in self.dosage:
            return self.dosage.strip()
        return f"{self.name} {self.dosage}".strip()


@dataclass
class PatientContext:
    """Patient facts used by the checks: the monitor's view of the one shared
    ``clinical.knowledge.patient.PatientContext`` (record or inline). Unknown age means adult
    limits do NOT apply blindly: dose checks hold when the age is unknown and a dose is stated
    (fail closed)."""

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
    # Allergies and conditions counted although unconfirmed (their texts; conditions with
    # their shared keys): honoured, and named in the reason they give (issue #23)
    unconfirmed_allergies: list[str] = field(default_factory=list)
    unconfirmed_conditions: dict[str, frozenset[str]] = field(default_factory=dict)
    # Facts the checks derive from this context (its orders through the KB, the KB's patient
    # reasons per ingredient), computed once per context and shared by every message checked
    # against it: a batch of reminders checks one context per patient, not one per message.
    memo: dict[Any, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    @classmethod
    def from_knowledge(cls, ctx: patient.PatientContext) -> PatientContext:
        """The monitor's view of a shared context: current orders and orders stopped within
        their washout are its medications; lab-derived conditions are conditions (their text
        names the condition: 慢性肾脏病（估算肾小球滤过率 25 …）)."""
        return cls(
            patient_id=ctx.patient_id,
            age_years=ctx.age_years,
            sex=ctx.sex or "",
            allergies=ctx.allergy_texts,
            conditions=ctx.condition_texts,
            medications=[Medication(o.text, o.dosage, o.ref, o.current) for o in ctx.orders],
            pregnant=ctx.pregnant,
            pregnancy_weeks=ctx.pregnancy_weeks,
            breastfeeding=ctx.breastfeeding,
            weight_kg=ctx.weight_kg,
            unconfirmed_allergies=[a.search_text for a in ctx.allergies if a.unconfirmed],
            unconfirmed_conditions={c.search_text: c.keys for c in ctx.conditions if c.unconfirmed},
        )

    @classmethod
    def from_dict(cls, data: Any) -> PatientContext:
        """Parse the inline ``patient`` object of ``POST /monitor/check`` with the shared
        inline schema (``clinical.knowledge.serializers``): unknown keys, a key given under
        two aliases and malformed values are errors (API → 400 naming them)."""
        try:
            return cls.from_knowledge(patient.PatientContext.from_inline(data))
        except patient.InlinePatientError as exc:
            raise ContextError(str(exc)) from exc

    @classmethod
    def from_records(
        cls, patient_ids: list[str] | set[str], today: date | None = None
    ) -> dict[str, PatientContext | None]:
        """Contexts of several patients from one query (None for unknown patients)."""
        records = patient.context_records(patient_ids)
        return {pid: cls.from_stored(pid, records.get(pid), today) for pid in set(patient_ids)}

    @classmethod
    def from_record(cls, patient_id: str, today: date | None = None) -> PatientContext | None:
        """Build the context from the stored FHIR record; None when the patient is unknown."""
        record = patient.context_records([patient_id]).get(patient_id)
        return cls.from_stored(patient_id, record, today)

    @classmethod
    def from_stored(
        cls, patient_id: str, record: store.PatientRecord | None, today: date | None = None
    ) -> PatientContext | None:
        """Build the context from an already-read record; None when there is none."""
        if record is None:
            return None
        now = None
        if today is not None:
            now = timezone.make_aware(datetime.combine(today, time(12)))
        ctx = cls.from_knowledge(patient.build(record, now=now))
        ctx.patient_id = patient_id
        return ctx
