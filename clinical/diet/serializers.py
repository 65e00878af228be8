"""Request/response shapes of POST /api/v1/consult/diet."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from clinical.knowledge.serializers import InlinePatientSerializer

MAX_FOOD_CHARS = 100
MAX_QUESTION_CHARS = 500


# The inline patient is the shared schema (``clinical.knowledge.serializers``): one OpenAPI
# component "InlinePatient" for guidance, diet and the monitor; unknown keys are a 400.
PatientContextSerializer = InlinePatientSerializer


class StrictCharField(serializers.CharField):
    """A string, and only a string (no silent ``12`` → ``"12"``)."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            raise serializers.ValidationError("must be a string")
        return super().to_internal_value(data)


class DietConsultRequestSerializer(serializers.Serializer):
    patient = PatientContextSerializer(required=False)
    patient_id = StrictCharField(required=False, max_length=64)
    food = StrictCharField(required=False, max_length=MAX_FOOD_CHARS)
    question = StrictCharField(required=False, max_length=MAX_QUESTION_CHARS)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("food") and not attrs.get("question"):
            raise serializers.ValidationError(
                {"food": ["give `food` (a food or drink) or `question` (free text)"]}
            )
        return attrs


@extend_schema_serializer(component_name="DietReason")  # medkb has its own "Reason"
class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    level = serializers.ChoiceField(choices=["avoid", "caution", "ok"])
    text = serializers.CharField()
    because = serializers.CharField(help_text="the medicine, condition or allergy it comes from")
    source = serializers.CharField()


class DietConsultResponseSerializer(serializers.Serializer):
    food = serializers.CharField(allow_null=True)
    verdict = serializers.ChoiceField(choices=["avoid", "caution", "ok", "unknown"])
    reasons = ReasonSerializer(many=True)
    advice = serializers.CharField()
    sources = serializers.ListField(child=serializers.CharField())
    food_categories = serializers.ListField(child=serializers.CharField())
    context = serializers.DictField()
    unresolved = serializers.DictField()
