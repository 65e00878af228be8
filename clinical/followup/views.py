"""Follow-up API views (thin: validate, check access, call a service)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ammed_fhir import access, store
from clinical.followup.serializers import (
    FollowupAssessRequestSerializer,
    FollowupAssessResponseSerializer,
)
from clinical.followup.services.runs import UnknownPatient, run_assessment


class AssessView(APIView):
    """Assess one patient now: disposition, reasons with evidence, timeframe and the CarePlan."""

    @extend_schema(
        request=FollowupAssessRequestSerializer,
        responses={200: FollowupAssessResponseSerializer},
        summary="Triage a patient from the stored record (随访评估)",
    )
    def post(self, request: Request) -> Response:
        body = FollowupAssessRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        patient_id = body.validated_data["patient_id"]
        access.require_patient(request.user, patient_id)
        try:
            assessment = run_assessment(patient_id, trigger="api")
        except UnknownPatient:
            return Response({"detail": "patient not found"}, status=404)
        result = assessment.result
        careplan = (
            store.read("CarePlan", assessment.careplan_id) if assessment.careplan_id else None
        )
        return Response(
            {
                "assessment_id": assessment.pk,
                "disposition": result["disposition"],
                "reasons": result["reasons"],
                "timeframe": result["timeframe"],
                "notes": result["notes"],
                "uncertainty": result["uncertainty"],
                "careplan": careplan or {},
            }
        )
