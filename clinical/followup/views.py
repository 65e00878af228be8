"""Follow-up API views (thin: validate, check access, call a service)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ammed_fhir import access, store
from clinical.followup.serializers import (
    FollowupAssessRequestSerializer,
    FollowupAssessResponseSerializer,
)
from clinical.followup.services.careplan import approve_careplan
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


class CarePlanApproveView(APIView):
    """A physician approves a proposed follow-up CarePlan (draft → active), audited; the
    patient then gets the plan's summary through the output monitor."""

    @extend_schema(
        request=None,
        responses={
            200: OpenApiResponse(description="the approved CarePlan (FHIR JSON)"),
            403: OpenApiResponse(description="not a physician"),
            404: OpenApiResponse(description="unknown plan, or a patient you may not see"),
        },
        summary="Approve a follow-up CarePlan (随访计划审核批准)",
    )
    def post(self, request: Request, careplan_id: str) -> Response:
        try:
            plan = approve_careplan(careplan_id, request.user)
        except LookupError:
            return Response({"detail": "随访计划不存在"}, status=404)
        except PermissionDenied as exc:
            return Response({"detail": str(exc)}, status=403)
        return Response(plan)
