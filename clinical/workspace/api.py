"""``GET /api/v1/worklist``: the clinician's worklist, the same rows as the admin home page."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ammed_fhir import access
from clinical.workspace import worklist


class PendingReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="review id (/api/v1/reviews/{id})")
    waiting = serializers.CharField(help_text="how long it has waited, in Chinese")
    overdue = serializers.BooleanField(help_text="waiting longer than AMMED_REVIEW_SLA_MIN")


class WorklistRowSerializer(serializers.Serializer):
    patient_id = serializers.CharField()
    patient = serializers.CharField(help_text="name, sex, age (张伟，男，67 岁)")
    disposition = serializers.CharField(
        help_text="latest follow-up disposition: emergency|urgent|review|routine|self-care, '' if none"
    )
    disposition_label = serializers.CharField(help_text="the disposition in Chinese")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="in Chinese")
    open_alerts = serializers.ListField(
        child=serializers.CharField(), help_text="open alert episodes, reasons in Chinese"
    )
    urgent_alerts = serializers.IntegerField(help_text="open emergency/urgent alerts")
    pending_reviews = PendingReviewSerializer(many=True)
    overdue_reviews = serializers.IntegerField()
    overdue_activities = serializers.ListField(child=serializers.CharField())
    critical_adherence = serializers.ListField(
        child=serializers.CharField(), help_text="7-day adherence of critical medicines"
    )
    last_contact = serializers.DateTimeField(
        allow_null=True, help_text="the patient's last message (local time)"
    )


class WorklistTotalsSerializer(serializers.Serializer):
    patients = serializers.IntegerField()
    pending = serializers.IntegerField()
    overdue = serializers.IntegerField(help_text="pending reviews past the review SLA")
    urgent = serializers.IntegerField()
    review = serializers.IntegerField(
        help_text="patients whose words a clinician reads within 24 h"
    )
    overdue_activities = serializers.IntegerField()


class WorklistSerializer(serializers.Serializer):
    filter = serializers.CharField()
    sla_min = serializers.FloatField(help_text="AMMED_REVIEW_SLA_MIN")
    totals = WorklistTotalsSerializer(help_text="over all the clinician's patients (unfiltered)")
    rows = WorklistRowSerializer(many=True, help_text="most urgent first")


class WorklistView(APIView):
    """The authenticated clinician's patients, most urgent first: only their assigned
    patients (every patient for a superuser); patients and integrations get 403."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "f",
                str,
                enum=[k for k in worklist.FILTERS if k],
                required=False,
                description="filter: "
                + "; ".join(f"{k}={v}" for k, v in worklist.FILTERS.items() if k),
            )
        ],
        responses={
            200: WorklistSerializer,
            400: OpenApiResponse(description="unknown filter"),
            403: OpenApiResponse(description="not a clinician"),
        },
        summary="The clinician's worklist (我的工作台)",
    )
    def get(self, request: Request) -> Response:
        user = request.user
        if not (getattr(user, "is_superuser", False) or access.is_clinician(user)):
            raise PermissionDenied("只有医护人员可以查看工作台")
        from django.conf import settings

        wanted = request.query_params.get("f", "")
        if wanted not in worklist.FILTERS:
            return Response({"detail": f"未知的筛选条件：{wanted}"}, status=400)
        rows = worklist.build(user)
        return Response(
            {
                "filter": wanted,
                "sla_min": settings.AMMED_REVIEW_SLA_MIN,
                "totals": worklist.summary(rows),
                "rows": [worklist.as_dict(r) for r in rows if worklist.keep(r, wanted)],
            }
        )
