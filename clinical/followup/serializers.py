"""Request/response shapes of the follow-up API (for validation and the OpenAPI schema)."""

from __future__ import annotations

from rest_framework import serializers


class AssessRequestSerializer(serializers.Serializer):
    patient_id = serializers.CharField(max_length=64)


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()
    evidence = serializers.ListField(child=serializers.CharField())
    disposition = serializers.CharField()
    family = serializers.CharField()
    source = serializers.CharField()


class TimeframeSerializer(serializers.Serializer):
    code = serializers.CharField()
    within = serializers.CharField(allow_null=True)
    text = serializers.CharField()


class AssessResponseSerializer(serializers.Serializer):
    assessment_id = serializers.IntegerField()
    disposition = serializers.ChoiceField(choices=["self-care", "routine", "urgent", "emergency"])
    reasons = ReasonSerializer(many=True)
    timeframe = TimeframeSerializer()
    notes = serializers.ListField(child=serializers.DictField())
    uncertainty = serializers.DictField()
    careplan = serializers.DictField(help_text="FHIR R4 CarePlan")
