"""Request/response shapes of POST /api/v1/consult/diet."""

from __future__ import annotations

import json
from typing import Any

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

MAX_FOOD_CHARS = 100
MAX_QUESTION_CHARS = 500
MAX_ITEMS = 50
MAX_ITEM_CHARS = 2000


class ContextItemField(serializers.JSONField):
    """A medicine/condition/allergy: "高血压", {"text", "code", "system"} or a CodeableConcept."""

    def to_internal_value(self, data: Any) -> Any:
        data = super().to_internal_value(data)
        if isinstance(data, str):
            if not data.strip():
                raise serializers.ValidationError("must not be blank")
            if len(data) > 200:
                raise serializers.ValidationError("at most 200 characters")
            return data.strip()
        if isinstance(data, dict):
            if len(json.dumps(data, ensure_ascii=False)) > MAX_ITEM_CHARS:
                raise serializers.ValidationError(f"at most {MAX_ITEM_CHARS} characters")
            return data
        raise serializers.ValidationError("must be a string or an object")


def _items(help_text: str) -> serializers.ListField:
    return serializers.ListField(
        child=ContextItemField(), max_length=MAX_ITEMS, required=False, help_text=help_text
    )


class PatientContextSerializer(serializers.Serializer):
    conditions = _items("Conditions: Chinese text, or {text, code, system} (SNOMED CT / ICD-10).")
    allergies = _items("Allergies: text, or {text, category} (category as in AllergyIntolerance).")
    current_medications = _items("Current medicines: names, or {text, code} (ATC).")


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
