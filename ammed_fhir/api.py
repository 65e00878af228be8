"""/api/v1 endpoints of the core: who am I, and clinician ↔ patient assignments."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ammed_fhir import access
from ammed_fhir.models import PatientAssignment, Resource


class AssignmentSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = PatientAssignment
        fields = ["id", "patient_id", "user", "username", "source", "created"]
        read_only_fields = ["id", "username", "source", "created"]


class AssignmentCreateSerializer(serializers.Serializer):
    patient_id = serializers.CharField(max_length=64)
    username = serializers.CharField(max_length=150)


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    is_superuser = serializers.BooleanField()
    patient_id = serializers.CharField(allow_null=True)
    visible_patient_ids = serializers.ListField(child=serializers.CharField(), allow_null=True)
    can_write_fhir = serializers.BooleanField()
    can_sign_off = serializers.BooleanField()


class MeView(APIView):
    """The caller's roles and the patients they may see (``null`` = all)."""

    @extend_schema(responses=MeSerializer, tags=["core"])
    def get(self, request: Request) -> Response:
        user = request.user
        visible = access.visible_patient_ids(user)
        return Response(
            MeSerializer(
                {
                    "username": user.get_username(),
                    "roles": sorted(access.roles_of(user)),
                    "is_superuser": user.is_superuser,
                    "patient_id": access.own_patient_id(user),
                    "visible_patient_ids": None if visible is None else sorted(visible),
                    "can_write_fhir": access.can_write_fhir(user),
                    "can_sign_off": access.can_sign_off(user),
                }
            ).data
        )


class AssignmentListView(APIView):
    """List assignments (yours, or all for administrators/integrations); create one."""

    @extend_schema(responses=AssignmentSerializer(many=True), tags=["core"])
    def get(self, request: Request) -> Response:
        qs = PatientAssignment.objects.select_related("user").order_by("id")
        if not access.can_manage_assignments(request.user):
            qs = qs.filter(user=request.user)
        patient_id = request.query_params.get("patient_id")
        if patient_id:
            qs = qs.filter(patient_id=patient_id)
        return Response(AssignmentSerializer(qs, many=True).data)

    @extend_schema(
        request=AssignmentCreateSerializer,
        responses={201: AssignmentSerializer},
        tags=["core"],
        summary="Assign a patient to a clinician (administrators and integrations)",
    )
    def post(self, request: Request) -> Response:
        if not access.can_manage_assignments(request.user):
            raise PermissionDenied("only administrators and integrations assign patients")
        data = AssignmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = get_user_model().objects.filter(username=data.validated_data["username"]).first()
        if user is None:
            raise ValidationError({"username": ["no such user"]})
        if not access.is_clinician(user):
            raise ValidationError({"username": ["only physicians and nurses can be assigned"]})
        pid = data.validated_data["patient_id"]
        if not Resource.objects.filter(resource_type="Patient", resource_id=pid).exists():
            raise ValidationError({"patient_id": [f"Patient/{pid} is not stored"]})
        assignment = access.assign(user, pid, source="api")
        return Response(AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)


class AssignmentDetailView(APIView):
    """Remove one assignment (administrators and integrations)."""

    @extend_schema(responses={204: None}, tags=["core"])
    def delete(self, request: Request, pk: int) -> Response:
        if not access.can_manage_assignments(request.user):
            raise NotFound()
        assignment = PatientAssignment.objects.filter(pk=pk).first()
        if assignment is None:
            raise NotFound()
        assignment.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
