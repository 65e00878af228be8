"""``GET /api/v1/audit?patient=<id>``: the audit trail as a FHIR searchset of ``AuditEvent``.

Read-only. Administrators (superusers) read any patient's trail, or the whole trail without
``patient``; a physician reads the trail of a patient assigned to them; anyone else gets
404 for the patient (the outsider sees nothing) and 403 without one. Reading the trail is
itself a read of the patient's record, and audited as one.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ammed_fhir import access, audit
from ammed_fhir.models import AuditRecord

MAX_COUNT = 500


class AuditEventListView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("patient", str, description="Patient id (or Patient/<id>)"),
            OpenApiParameter("_count", int, description=f"Page size (≤{MAX_COUNT})"),
            OpenApiParameter("_offset", int, description="Page start"),
        ],
        responses=OpenApiTypes.OBJECT,
        tags=["core"],
        summary="Audit trail as FHIR AuditEvent (administrators; physicians of the patient)",
    )
    def get(self, request: Request) -> Response:
        user = request.user
        patient = (request.query_params.get("patient") or "").removeprefix("Patient/")
        rows = AuditRecord.objects.all()
        if patient:
            if not access.can_access_patient(user, patient) or access.has_role(
                user, "integration", "patient"
            ):
                raise Http404("patient not found")
            if not (user.is_superuser or access.has_role(user, "physician")):
                raise PermissionDenied("only administrators and the patient's physicians")
            rows = rows.for_patient(patient)
            audit.note_read([patient])
        elif not user.is_superuser:
            raise PermissionDenied("only administrators read the whole trail")
        try:
            count = max(1, min(int(request.query_params.get("_count", 100)), MAX_COUNT))
            offset = max(0, int(request.query_params.get("_offset", 0)))
        except ValueError:
            count, offset = 100, 0
        total = rows.count()
        page = rows.order_by("-at", "-id").select_related(None)[offset : offset + count]
        return Response(
            {
                "resourceType": "Bundle",
                "type": "searchset",
                "total": total,
                "entry": [
                    {"resource": audit.as_audit_event(r), "search": {"mode": "match"}} for r in page
                ],
            }
        )
