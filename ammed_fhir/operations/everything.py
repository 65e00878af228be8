"""``Patient/{id}/$everything``: the Patient, every resource in its compartment and the
resources those refer to (practitioners, organizations, medications, locations…), as a
``searchset`` Bundle, limited to what the caller may read (``access.can_read_fhir``).

Parameters (R4 OperationDefinition ``Patient-everything``): ``_type`` (comma-separated
resource types), ``_since`` (instant: only resources updated since), ``_count`` (page size;
this server answers one page holding everything). A compartment larger than
``MAX_RESOURCES`` is refused with ``too-costly`` naming the way out (``_type``, ``_since``
or ``$export``), never cut short silently.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q

from ammed_fhir import access, compartments
from ammed_fhir.models import Resource
from ammed_fhir.outcomes import FhirError
from ammed_fhir.search import parse_since
from ammed_fhir.validation import is_resource_type

PARAMETERS = {
    "_type": "comma-separated resource types to include",
    "_since": "only resources last updated at or after this instant",
    "_count": "accepted; everything is answered in one page",
}
MAX_RESOURCES = 10_000


def parse_types(raw: str | None, where: str = "_type") -> list[str] | None:
    """``_type=A,B`` as a list of R4 resource types (None when absent); 400 when unknown."""
    if not raw:
        return None
    types = [t.strip() for t in raw.split(",") if t.strip()]
    bad = [t for t in types if not is_resource_type(t)]
    if bad:
        raise FhirError.one(400, "not-supported", f"unknown resource type(s) {bad}", where)
    return types


def _patients(row: Resource) -> set[str]:
    return {row.patient_id, *(row.other_patients or {})} - {""}


def _references(node: Any, out: set[tuple[str, str]]) -> None:
    if isinstance(node, dict):
        ref = node.get("reference")
        if isinstance(ref, str) and not ref.startswith(("#", "urn:")):
            parts = ref.split("/")
            if len(parts) in (2, 4) and is_resource_type(parts[0]):
                out.add((parts[0], parts[1]))
        for value in node.values():
            if isinstance(value, dict | list):
                _references(value, out)
    elif isinstance(node, list):
        for value in node:
            _references(value, out)


def patient_everything(
    user: Any,
    patient_id: str,
    types: list[str] | None = None,
    since: datetime | None = None,
) -> list[dict[str, Any]]:
    """The resources of ``patient_id``'s $everything that ``user`` may read (the Patient
    first). Raises FhirError(404) when the Patient is unknown or hidden from ``user``
    (forbidden looks like unknown)."""
    readable = access.fhir_reader(user)
    patient = Resource.objects.filter(resource_type="Patient", resource_id=patient_id).first()
    if patient is None or not readable(patient.data, {patient_id}):
        raise FhirError.one(404, "not-found", f"Patient/{patient_id} is not known")
    rows = list(
        Resource.objects.filter(Q(patient_id=patient_id) | Q(other_patients__has_key=patient_id))
        .exclude(resource_type="Patient", resource_id=patient_id)
        .order_by("resource_type", "resource_id")[: MAX_RESOURCES + 1]
    )
    if len(rows) > MAX_RESOURCES:
        raise FhirError.one(
            400,
            "too-costly",
            f"Patient/{patient_id} has more than {MAX_RESOURCES} resources in its compartment: "
            f"narrow the request with _type or _since, or use Patient/{patient_id}/$export",
        )
    found: list[Resource] = [patient]
    seen = {("Patient", patient_id)}
    for row in rows:
        if readable(row.data, _patients(row)):
            found.append(row)
            seen.add((row.resource_type, row.resource_id))
    wanted: set[tuple[str, str]] = set()
    for row in found:
        _references(row.data, wanted)
    wanted -= seen
    if wanted:
        query = Q(pk__in=[])
        for rtype, rid in wanted:
            query |= Q(resource_type=rtype, resource_id=rid)
        for row in Resource.objects.filter(query).order_by("resource_type", "resource_id"):
            # only resources in no compartment (shared data) or in this patient's
            if _patients(row) - {patient_id}:
                continue
            if readable(row.data, _patients(row)):
                found.append(row)
    out = []
    for row in found:
        if types is not None and row.resource_type not in types:
            continue
        if since is not None and row.last_updated < since:
            continue
        out.append(row.data)
    return out


def searchset(base_url: str, self_url: str, resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "link": [{"relation": "self", "url": self_url}],
        "entry": [
            {
                "fullUrl": f"{base_url}/{r['resourceType']}/{r['id']}",
                "resource": r,
                "search": {"mode": "match" if compartments.patients_of(r) else "include"},
            }
            for r in resources
        ],
    }


# ---- view -------------------------------------------------------------------------------

_ACCEPTED_PARAMS = {*PARAMETERS, "_format"}


def everything_view():
    """The DRF view class (built lazily so this module imports no view machinery)."""
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import extend_schema

    from ammed_fhir.fhir_views import FHIR_JSON, FhirView, fhir_response

    class PatientEverythingView(FhirView):
        @extend_schema(
            summary="Patient/{id}/$everything: the patient's compartment as a searchset",
            operation_id="fhir_patient_everything",
            responses={(200, FHIR_JSON): OpenApiTypes.OBJECT},
            tags=["fhir"],
        )
        def get(self, request, resource_id: str):
            unknown = sorted(set(request.GET) - _ACCEPTED_PARAMS)
            if unknown:
                raise FhirError.one(
                    400, "not-supported", f"unknown $everything parameter(s) {unknown}", unknown[0]
                )
            resources = patient_everything(
                request.user,
                resource_id,
                parse_types(request.GET.get("_type")),
                parse_since(request.GET.get("_since")),
            )
            base = request.build_absolute_uri("/fhir")
            return fhir_response(searchset(base, request.build_absolute_uri(), resources))

    return PatientEverythingView
