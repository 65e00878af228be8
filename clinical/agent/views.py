"""POST /api/v1/patients/{id}/messages (talk), GET (history). Thin: access, then service."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ammed_fhir import access, store
from clinical.agent import services
from clinical.agent.serializers import AgentMessageOut, AgentReplyOut, PatientMessageIn


class PatientMessagesView(APIView):
    @extend_schema(
        request=PatientMessageIn,
        responses={200: AgentReplyOut},
        summary="Send a patient message; get AM-Med's reply and whether it was released or held",
    )
    def post(self, request: Request, patient_id: str) -> Response:
        access.require_patient(request.user, patient_id)
        if access.has_role(request.user, "integration"):
            return Response(
                {"detail": "EMR accounts cannot talk as a patient"},
                status=status.HTTP_403_FORBIDDEN,
            )
        body = PatientMessageIn(data=request.data)
        body.is_valid(raise_exception=True)
        if store.read("Patient", patient_id) is None:
            return Response({"detail": "patient not found"}, status=status.HTTP_404_NOT_FOUND)
        # Someone other than the patient (a clinician on their behalf) posts as themselves.
        author = None if access.own_patient_id(request.user) == patient_id else request.user
        reply = services.handle_message(patient_id, body.validated_data["text"], author=author)
        return Response(reply.as_dict())

    @extend_schema(responses={200: AgentMessageOut(many=True)}, summary="Conversation history")
    def get(self, request: Request, patient_id: str) -> Response:
        access.require_patient(request.user, patient_id)
        rows = services.history(patient_id)
        ctx = {"clinician": access.is_clinician(request.user) or request.user.is_superuser}
        return Response(AgentMessageOut(rows, many=True, context=ctx).data)
