from __future__ import annotations

from rest_framework import serializers

from clinical.agent.models import AgentMessage
from clinical.agent.services import MAX_TEXT


class PatientMessageIn(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_TEXT, trim_whitespace=True, allow_blank=False)


class EntitiesOut(serializers.Serializer):
    medicines = serializers.ListField(child=serializers.CharField())
    foods = serializers.ListField(child=serializers.CharField())
    symptoms = serializers.ListField(child=serializers.CharField())
    readings = serializers.ListField(child=serializers.DictField())


class AgentReplyOut(serializers.Serializer):
    message_id = serializers.IntegerField()
    reply_id = serializers.IntegerField()
    reply = serializers.CharField()
    status = serializers.ChoiceField(choices=["released", "held"])
    intent = serializers.CharField()
    route = serializers.CharField()
    outcome = serializers.CharField()
    communication = serializers.CharField()
    entities = EntitiesOut()


class AgentMessageOut(serializers.ModelSerializer):
    text = serializers.SerializerMethodField()

    class Meta:
        model = AgentMessage
        fields = ["id", "direction", "text", "status", "intent", "route", "outcome", "created"]

    def get_text(self, obj: AgentMessage) -> str:
        from clinical.agent.services import HELD_TEXT

        if obj.status == AgentMessage.Status.HELD and not self.context.get("clinician"):
            return HELD_TEXT
        return obj.text
