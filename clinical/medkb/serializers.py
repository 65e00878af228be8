"""Request/response schema of POST /api/v1/guidance/medication (validation only; no logic)."""

from __future__ import annotations

import math
from typing import Any

from rest_framework import serializers

from clinical.knowledge.serializers import InlinePatientSerializer

MAX_CABINET = 30
MAX_LIST = 50
MAX_TEXT = 200


class FiniteFloatField(serializers.FloatField):
    """A float that must be finite (JSON ``NaN``/``Infinity`` are rejected)."""

    def to_internal_value(self, data: Any) -> float:
        value = super().to_internal_value(data)
        if not math.isfinite(value):
            raise serializers.ValidationError("必须是有限的数值 (must be a finite number)")
        return value


def _text_list(max_items: int = MAX_LIST, **kw: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=MAX_TEXT, allow_blank=False, trim_whitespace=True),
        max_length=max_items,
        **kw,
    )


# The shared inline patient (``clinical.knowledge.serializers``, one OpenAPI component
# "InlinePatient" for every endpoint); guidance additionally needs the age (below).
PatientSerializer = InlinePatientSerializer


class GuidanceRequestSerializer(serializers.Serializer):
    patient = PatientSerializer(required=False)
    patient_id = serializers.CharField(max_length=64, required=False)
    symptoms = _text_list(max_items=30, required=False, default=list)
    temperature_c = FiniteFloatField(min_value=34, max_value=43.5, required=False, allow_null=True)
    fever_days = FiniteFloatField(min_value=0, max_value=60, required=False, allow_null=True)
    cabinet = _text_list(max_items=MAX_CABINET, allow_empty=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        has_patient = "patient" in attrs
        has_id = bool(attrs.get("patient_id"))
        if has_patient == has_id:
            raise serializers.ValidationError(
                {"patient": "请提供 patient 或 patient_id 其中之一 (exactly one is required)"}
            )
        if has_patient and attrs["patient"].get("age_years") is None:
            raise serializers.ValidationError(
                {
                    "patient": {
                        "age_years": ["用药指导需要年龄 (age_years is required for guidance)"]
                    }
                }
            )
        if not attrs.get("symptoms") and attrs.get("temperature_c") is None:
            raise serializers.ValidationError(
                {"symptoms": "请至少提供症状或体温 (symptoms or temperature_c is required)"}
            )
        return attrs


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="allergy | contraindication | interaction | duplicate_ingredient | age | "
        "pregnancy | breastfeeding | prescription_only | not_indicated | max_dose | masking | "
        "needs_clinician (a caution without a quantitative limit: a physician or pharmacist "
        "decides, the product is never recommended) | unknown_composition (no curated "
        "ingredients: never recommended) | emergency_first (an emergency red flag stands: "
        "nothing is offered for self-medication before a doctor has seen the patient)"
    )
    severity = serializers.ChoiceField(choices=["avoid", "caution"])
    text = serializers.CharField()
    source = serializers.CharField()
    unconfirmed = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="the unconfirmed (unconfirmed/provisional/differential) allergies or "
        "conditions of the record this reason rests on: still honoured; a clinician should "
        "confirm or refute them",
    )


class DoseSerializer(serializers.Serializer):
    text = serializers.CharField()
    per_dose_mg = serializers.FloatField(allow_null=True)
    max_daily_mg = serializers.FloatField(allow_null=True)
    interval_hours = serializers.FloatField(allow_null=True)
    ingredient = serializers.CharField(
        allow_null=True, help_text="ingredient key the mg figures refer to"
    )


class IngredientOutSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    strength_mg = serializers.FloatField(allow_null=True)


class ItemSerializer(serializers.Serializer):
    input = serializers.CharField()
    product = serializers.CharField(allow_null=True)
    ingredients = IngredientOutSerializer(many=True)
    otc = serializers.BooleanField(allow_null=True)
    otc_class = serializers.CharField(allow_null=True)
    verdict = serializers.ChoiceField(choices=["recommended", "usable", "avoid", "unknown"])
    reasons = ReasonSerializer(many=True)
    dose = DoseSerializer(allow_null=True)
    candidates = serializers.ListField(child=serializers.CharField(), required=False)


class RedFlagSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="red-flag rule or symptom concept")
    urgency = serializers.CharField(help_text="emergency | urgent")
    text = serializers.CharField(help_text="patient-facing reason (simplified Chinese)")
    source = serializers.CharField()
    quoted = serializers.ListField(
        child=serializers.CharField(), help_text="the patient's own words the flag read"
    )


class SeeDoctorSerializer(serializers.Serializer):
    needed = serializers.BooleanField()
    urgency = serializers.ChoiceField(choices=["emergency", "urgent", "routine"], allow_null=True)
    reasons = serializers.ListField(child=serializers.CharField())
    flags = RedFlagSerializer(
        many=True, required=False, help_text="the red flags behind ``urgency``, with sources"
    )
    unrecognised = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="symptom words nobody understood (quoted; never benign: urgent)",
    )


class UnconfirmedSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["allergy", "condition"])
    text = serializers.CharField(help_text="as recorded")
    honoured_for = serializers.ListField(
        child=serializers.CharField(),
        help_text="products this answer avoided or cautioned because of it",
    )


class ClinicianFlagSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="the red flag's code (as in see_doctor.flags)")
    urgency = serializers.CharField(help_text="emergency | urgent")
    text = serializers.CharField(
        help_text="clinician wording: what is suspected and why (the shared syndrome table's "
        "clinician column; simplified Chinese)"
    )
    source = serializers.CharField()
    quoted = serializers.ListField(child=serializers.CharField())


class ClinicianSerializer(serializers.Serializer):
    flags = ClinicianFlagSerializer(
        many=True, help_text="every red flag of see_doctor.flags, in clinician wording"
    )


class GuidanceResponseSerializer(serializers.Serializer):
    items = ItemSerializer(many=True)
    advice = serializers.CharField()
    see_doctor = SeeDoctorSerializer()
    sources = serializers.ListField(child=serializers.CharField())
    symptoms_understood = serializers.ListField(child=serializers.CharField())
    symptom_concepts = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="concepts of the shared symptom lexicon read in ``symptoms``",
    )
    unconfirmed = UnconfirmedSerializer(
        many=True,
        required=False,
        help_text="allergies and conditions of the stored record whose verification status "
        "is unconfirmed: counted as if confirmed (never dropped), listed so they are seen",
    )
    clinician = ClinicianSerializer(
        help_text="FOR THE CARE TEAM ONLY: never show it to the patient. The red flags in "
        "clinician wording (suspected diagnosis and what made it fire); patient-facing text is "
        "in advice, see_doctor and items"
    )
