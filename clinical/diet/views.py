"""HTTP layer of the diet consultation (thin: validation, access, then ``services.consult``)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ammed_fhir import access, store
from clinical.diet import services
from clinical.diet.serializers import DietConsultRequestSerializer, DietConsultResponseSerializer
from clinical.knowledge import patient as kp


class DietConsultView(APIView):
    """Can I eat or drink this, given my record? (线上健康咨询)"""

    @extend_schema(
        request=DietConsultRequestSerializer,
        responses={200: DietConsultResponseSerializer},
        summary="Diet consultation: avoid / caution / ok / unknown, with sourced reasons",
        examples=[
            OpenApiExample("free text", value={"question": "吃头孢能喝酒吗"}),
            OpenApiExample(
                "food + context",
                value={
                    "patient": {"current_medications": ["苯磺酸氨氯地平片 5mg"]},
                    "food": "西柚汁",
                },
            ),
            OpenApiExample("from the record", value={"patient_id": "demo-surgery", "food": "菠菜"}),
        ],
    )
    def post(self, request: Request) -> Response:
        ser = DietConsultRequestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        patient_id = data.get("patient_id")
        if not patient_id and not data.get("patient"):
            patient_id = access.own_patient_id(request.user)  # a patient asks about themself
        record = None
        if patient_id:
            access.require_patient(request.user, patient_id)
            record = store.patient_record(patient_id)
            if record is None:
                raise Http404("patient not found")
        answer = services.consult(
            food=data.get("food"),
            question=data.get("question"),
            patient=kp.from_inline(data["patient"]) if data.get("patient") else None,
            record=record,
        )
        return Response(answer.to_dict())
