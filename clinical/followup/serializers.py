"""Request/response shapes of the follow-up API (for validation and the OpenAPI schema)."""

from __future__ import annotations

from rest_framework import serializers

from clinical.followup.services.ruledata import DISPOSITIONS


class FollowupAssessRequestSerializer(serializers.Serializer):
    patient_id = serializers.CharField(max_length=64)


class FollowupReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField(help_text="note for the care team")
    patient_text = serializers.CharField(
        allow_blank=True, help_text="what the patient may read (may be empty)"
    )
    evidence = serializers.ListField(child=serializers.CharField())
    disposition = serializers.CharField()
    family = serializers.CharField()
    source = serializers.CharField()
    clinician = serializers.CharField(
        required=False,
        help_text="for clinicians only (a syndrome's suspected diagnosis and why, from the "
        "shared syndrome table); `text` is the patient's wording",
    )


class FollowupTimeframeSerializer(serializers.Serializer):
    code = serializers.CharField()
    within = serializers.CharField(allow_null=True)
    text = serializers.CharField()


class FollowupAssessResponseSerializer(serializers.Serializer):
    assessment_id = serializers.IntegerField()
    disposition = serializers.ChoiceField(choices=list(DISPOSITIONS))
    reasons = FollowupReasonSerializer(many=True)
    timeframe = FollowupTimeframeSerializer()
    notes = serializers.ListField(child=serializers.DictField())
    uncertainty = serializers.DictField()
    careplan = serializers.DictField(help_text="FHIR R4 CarePlan")
