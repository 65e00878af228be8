"""/api/v1 views of the monitor: dry-run check and the review queue (thin: services decide)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ammed_fhir import access, audit
from clinical.knowledge import patient
from clinical.knowledge.serializers import InlinePatientSerializer
from clinical.monitor import services
from clinical.monitor.context import PatientContext
from clinical.monitor.models import Review, ReviewStatus

MAX_TEXT = 100_000  # request size guard; the monitor itself holds anything over its own limit


class StrictCharField(serializers.CharField):
    """A CharField that refuses numbers and other non-strings instead of coercing them."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class FindingSerializer(serializers.Serializer):
    check = serializers.CharField()
    code = serializers.CharField()
    severity = serializers.ChoiceField(choices=["high", "medium", "low"])
    explanation = serializers.CharField()
    span = serializers.ListField(child=serializers.IntegerField(), allow_null=True)
    excerpt = serializers.CharField()
    source = serializers.CharField()


class CheckRequestSerializer(serializers.Serializer):
    text = StrictCharField(max_length=MAX_TEXT, trim_whitespace=False)
    patient_id = serializers.CharField(required=False, max_length=64)
    patient = InlinePatientSerializer(
        required=False,
        help_text="Inline patient context: the shared InlinePatient schema (unknown keys: 400).",
    )
    structured = serializers.JSONField(required=False)
    category = serializers.CharField(required=False, max_length=32, default="guidance")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("patient_id" in attrs) == ("patient" in attrs):
            raise ValidationError({"patient": "give exactly one of patient or patient_id"})
        if "structured" in attrs and not isinstance(attrs["structured"], dict | type(None)):
            raise ValidationError({"structured": "must be an object"})
        if "patient" in attrs:
            attrs["context"] = PatientContext.from_knowledge(patient.from_inline(attrs["patient"]))
        return attrs


class CheckResponseSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["release", "hold"])
    findings = FindingSerializer(many=True)
    checks_run = serializers.ListField(child=serializers.CharField())
    elapsed_ms = serializers.FloatField()


class MonitorCheckView(APIView):
    """Dry run of the output monitor: the same checks the delivery path uses, nothing written."""

    @extend_schema(request=CheckRequestSerializer, responses={200: CheckResponseSerializer})
    def post(self, request: Request) -> Response:
        user = request.user
        if not (services.may_review(user) or access.has_role(user, "integration")):
            raise PermissionDenied("only clinicians and integration accounts may run the monitor")
        ser = CheckRequestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        if "patient_id" in data:
            access.require_patient(user, data["patient_id"])
            context = PatientContext.from_record(data["patient_id"])
            if context is None:
                raise Http404("patient not found")
        else:
            context = data["context"]
        result = services.check_text(
            data["text"], context, data.get("structured"), data.get("category", "")
        )
        return Response(result.as_dict())


class ReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = Review
        fields = [
            "id",
            "communication_id",
            "patient_id",
            "category",
            "status",
            "original_text",
            "final_text",
            "findings",
            "created",
            "decided_at",
            "reason",
            "escalation_level",
        ]


def _review(request: Request, pk: int) -> Review:
    if not services.may_review(request.user):
        raise PermissionDenied("only clinicians may review messages")
    review = services.reviews_for(request.user).filter(pk=pk).first()
    if review is None:
        raise Http404("review not found")
    return review


def _decide(fn: Any, *args: Any) -> Response:
    try:
        review = fn(*args)
    except services.ReviewError as exc:
        return Response({"detail": str(exc)}, status=exc.status_code)
    return Response(ReviewSerializer(review).data)


class ReviewListView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=[s.value for s in ReviewStatus])],
        responses={200: ReviewSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        if not services.may_review(request.user):
            raise PermissionDenied("only clinicians may review messages")
        qs = services.reviews_for(request.user)
        status = request.query_params.get("status")
        if status:
            if status not in ReviewStatus.values:
                raise ValidationError({"status": f"one of {', '.join(ReviewStatus.values)}"})
            qs = qs.filter(status=status)
        page = list(qs.order_by("created", "id")[:500])
        audit.note_read(r.patient_id for r in page)
        return Response(ReviewSerializer(page, many=True).data)


class ReviewDetailView(APIView):
    @extend_schema(responses={200: ReviewSerializer})
    def get(self, request: Request, pk: int) -> Response:
        review = _review(request, pk)
        audit.note_read([review.patient_id])
        return Response(ReviewSerializer(review).data)


class ReviewApproveView(APIView):
    @extend_schema(
        request=inline_serializer(
            "ApproveRequest", {"note": serializers.CharField(required=False)}
        ),
        responses={200: ReviewSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        review = _review(request, pk)
        note = request.data.get("note", "") if isinstance(request.data, dict) else ""
        return _decide(services.approve, review.pk, request.user, None, str(note or ""))


class EditSerializer(serializers.Serializer):
    text = StrictCharField(max_length=MAX_TEXT, trim_whitespace=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewEditView(APIView):
    """Edit-then-approve: the original and the edited text are both kept (review + audit)."""

    @extend_schema(request=EditSerializer, responses={200: ReviewSerializer})
    def post(self, request: Request, pk: int) -> Response:
        review = _review(request, pk)
        ser = EditSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        return _decide(services.approve, review.pk, request.user, d["text"], d["note"])


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ReviewRejectView(APIView):
    @extend_schema(request=RejectSerializer, responses={200: ReviewSerializer})
    def post(self, request: Request, pk: int) -> Response:
        review = _review(request, pk)
        ser = RejectSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return _decide(services.reject, review.pk, request.user, ser.validated_data["reason"])
