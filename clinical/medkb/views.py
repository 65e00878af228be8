"""HTTP layer of clinical.medkb: validate, check access, call the guidance service."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ammed_fhir.access import require_patient
from clinical.knowledge import patient
from clinical.medkb import api
from clinical.medkb.serializers import GuidanceRequestSerializer, GuidanceResponseSerializer
from clinical.medkb.services.guidance import GuidanceRequest, advise


class MedicationGuidanceView(APIView):
    """POST /api/v1/guidance/medication — which medicine in the home cabinet, what dose."""

    @extend_schema(
        request=GuidanceRequestSerializer,
        responses={
            200: GuidanceResponseSerializer,
            400: OpenApiResponse(description="field errors"),
            404: OpenApiResponse(description="patient_id unknown or outside your patients"),
        },
        summary="Medication guidance for a home medicine cabinet (用药指导)",
        operation_id="guidance_medication",
        tags=["medkb"],
    )
    def post(self, request: Request) -> Response:
        s = GuidanceRequestSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = s.validated_data
        if data.get("patient_id"):
            require_patient(request.user, data["patient_id"])
            ctx = api.PatientContext.from_record(data["patient_id"])
            if ctx is None:
                return Response({"patient_id": ["患者不存在 (patient not found)"]}, status=404)
        else:
            ctx = api.PatientContext.from_knowledge(patient.from_inline(data["patient"]))
        answer = advise(GuidanceRequest.from_validated(data, ctx))
        return Response(answer)
