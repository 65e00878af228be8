"""Thin views of the FHIR R4 REST API at ``/fhir`` (application/fhir+json).

Authentication: DRF token (``Authorization: Token …``, EMR integrations) or the Django
session (admin/browser). Every error — bad JSON, wrong content type, validation, auth,
not found — is an OperationOutcome with a 4xx status; resources outside the caller's
compartment answer 404 exactly like unknown ones (``access.can_read_fhir`` and
``access.search_scope``: R4 Patient compartments; a patient never sees held, rejected or
draft messages nor care-team alerts). Writes go through ``bundles.process``, where
``write_policy`` keeps the output gate the only way a message reaches a patient.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date, parse_http_date_safe
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions as drf_exceptions
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import BaseRenderer
from rest_framework.views import APIView

from ammed_fhir import (
    access,
    bundles,
    capability,
    compartments,
    elements,
    fhirjson,
    search,
    store,
)
from ammed_fhir.models import Resource
from ammed_fhir.outcomes import FhirError, issue, outcome
from ammed_fhir.validation import is_resource_type

log = logging.getLogger(__name__)

FHIR_JSON = "application/fhir+json"
_ACCEPTED_TYPES = {"application/fhir+json", "application/json", "application/json+fhir"}


class FhirJsonRenderer(BaseRenderer):
    media_type = FHIR_JSON
    format = "json"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context=None):
        return fhirjson.dumps(data)


def fhir_response(body: dict[str, Any], status: int = 200, **headers: str) -> HttpResponse:
    from ammed_fhir.audit import note_fhir_body
    from ammed_fhir.subscriptions.delivery import redact_headers

    note_fhir_body(body)  # the patients this response shows: one audited read per request
    body = redact_headers(body)  # a Subscription's channel.header holds credentials
    resp = HttpResponse(
        fhirjson.dumps(body),  # decimals written as sent
        status=status,
        content_type=f"{FHIR_JSON}; charset=utf-8",
    )
    for name, value in headers.items():
        resp[name.replace("_", "-")] = value
    return resp


def error_response(exc: FhirError) -> HttpResponse:
    return fhir_response(exc.outcome(), exc.status)


class FhirView(APIView):
    """Base: FHIR content type, OperationOutcome for every failure, no DRF body parsing."""

    parser_classes: list = []
    renderer_classes = [FhirJsonRenderer]
    permission_classes = [IsAuthenticated]

    def perform_content_negotiation(self, request, force=False):
        return FhirJsonRenderer(), FHIR_JSON

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        check_format(request)

    def handle_exception(self, exc: Exception) -> HttpResponse:
        if isinstance(exc, FhirError):
            return error_response(exc)
        if isinstance(exc, drf_exceptions.NotAuthenticated | drf_exceptions.AuthenticationFailed):
            resp = error_response(FhirError.one(401, "login", str(exc.detail)))
            resp["WWW-Authenticate"] = "Token"
            return resp
        if isinstance(exc, drf_exceptions.PermissionDenied):
            return error_response(FhirError.one(403, "forbidden", str(exc.detail)))
        if isinstance(exc, Http404):
            return error_response(FhirError.one(404, "not-found", "resource not found"))
        if isinstance(exc, drf_exceptions.APIException):
            return error_response(FhirError.one(exc.status_code, "processing", str(exc.detail)))
        if isinstance(exc, RequestDataTooBig):
            return error_response(_too_big())
        if isinstance(exc, RecursionError):
            return error_response(FhirError.one(400, "structure", "the JSON is nested too deeply"))
        log.exception("unhandled error on %s", self.__class__.__name__)
        return fhir_response(
            outcome([issue("exception", "internal error; the request was not applied")]), 500
        )


_JSON_FORMATS = {"json", "application/json", "application/fhir+json", "application/json+fhir"}
_JSON_ACCEPT = _JSON_FORMATS | {"*/*", "application/*", "text/*", "text/json"}


def check_format(request: HttpRequest) -> None:
    """JSON is the only format: ``_format=xml`` or an ``Accept`` that takes no JSON → 406."""
    for fmt in request.GET.getlist("_format"):
        if fmt.split(";", 1)[0].strip().lower() not in _JSON_FORMATS:
            raise FhirError.one(
                406, "not-supported", f"_format {fmt!r}: this server answers JSON only", "_format"
            )
    accept = request.META.get("HTTP_ACCEPT") or ""
    kinds = [a.split(";", 1)[0].strip().lower() for a in accept.split(",") if a.strip()]
    if kinds and not any(k in _JSON_ACCEPT or k.endswith("+json") for k in kinds):
        if any("xml" in k for k in kinds):
            raise FhirError.one(
                406, "not-supported", f"Accept {accept!r}: this server answers JSON only"
            )


def _etag_versions(header: str) -> set[str]:
    """The versions an ``If-None-Match`` list names (``*`` kept), read by the one ETag
    reader (``bundles.parse_etag``)."""
    out = set()
    for part in header.split(","):
        if part.strip() == "*":
            out.add("*")
        elif (version := bundles.parse_etag(part)) is not None:
            out.add(str(version))
    return out


def not_modified(request: HttpRequest, version: int, last_updated) -> bool:
    """``If-None-Match`` (any of the ETags, or ``*``) or ``If-Modified-Since`` holds."""
    inm = request.META.get("HTTP_IF_NONE_MATCH")
    if inm:
        tags = _etag_versions(inm)
        return "*" in tags or str(version) in tags
    ims = request.META.get("HTTP_IF_MODIFIED_SINCE")
    if ims and last_updated is not None:
        since = parse_http_date_safe(ims)
        return since is not None and int(last_updated.timestamp()) <= since
    return False


def version_headers(version: Any, last_updated) -> dict[str, str]:
    out = {"ETag": f'W/"{version}"'}
    if last_updated is not None:
        if isinstance(last_updated, str):
            last_updated = parse_datetime(last_updated)
        if last_updated is not None:
            out["Last_Modified"] = http_date(last_updated.timestamp())
    return out


def prefer_return(request: HttpRequest) -> str:
    """``Prefer: return=minimal|representation|OperationOutcome`` (default representation)."""
    for part in (request.META.get("HTTP_PREFER") or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "return":
            value = value.strip().strip('"')
            if value in {"minimal", "representation", "OperationOutcome"}:
                return value
    return "representation"


def write_response(
    request: HttpRequest, body: dict[str, Any], status: int, headers: dict[str, str]
) -> HttpResponse:
    """A write's answer as ``Prefer`` asks: the resource, nothing, or an OperationOutcome."""
    wanted = prefer_return(request)
    if wanted == "minimal":
        resp = HttpResponse(status=status)
        for name, value in headers.items():
            resp[name.replace("_", "-")] = value
        return resp
    if wanted == "OperationOutcome":
        kind = "created" if status == 201 else "updated" if status == 200 else "processed"
        msg = f"{body.get('resourceType')}/{body.get('id')} {kind}"
        return fhir_response(
            outcome([issue("informational", msg, severity="information")]), status, **headers
        )
    return fhir_response(body, status, **headers)


def _too_big() -> FhirError:
    limit = settings.FHIR_MAX_BODY_BYTES
    return FhirError.one(413, "too-costly", f"the body is larger than {limit} bytes")


def read_json_body(request: HttpRequest) -> Any:
    """The request body as JSON, after content-type and size checks (FhirError otherwise)."""
    ctype = (request.META.get("CONTENT_TYPE") or "").split(";", 1)[0].strip().lower()
    if ctype not in _ACCEPTED_TYPES:
        raise FhirError.one(
            415,
            "not-supported",
            f"Content-Type must be application/fhir+json (got {ctype or 'none'!r})",
        )
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.FHIR_MAX_BODY_BYTES:
        raise _too_big()
    try:
        body = request.body
    except RequestDataTooBig as exc:
        raise _too_big() from exc
    if len(body) > settings.FHIR_MAX_BODY_BYTES:
        raise _too_big()
    if not body.strip():
        raise FhirError.one(400, "structure", "the request body is empty")
    try:
        data = fhirjson.loads(body, parse_constant=_reject_constant)  # decimals kept as sent
    except RecursionError as exc:
        raise FhirError.one(400, "structure", "the JSON is nested too deeply") from exc
    except UnicodeDecodeError as exc:
        raise FhirError.one(400, "structure", f"the body is not UTF-8: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise FhirError.one(
            400,
            "structure",
            f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
        ) from exc
    except ValueError as exc:  # NaN / Infinity
        raise FhirError.one(400, "structure", f"malformed JSON: {exc}") from exc
    if b"\\u0000" in body or b"\\ud" in body.lower():
        _check_text(data, "Bundle" if isinstance(data, dict) else "body")
    return data


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number FHIR allows")


def _check_text(node: Any, path: str) -> None:
    """Strings must be storable text: no NUL character, no lone UTF-16 surrogate."""
    if isinstance(node, str):
        if "\x00" in node:
            raise FhirError.one(400, "invalid", "a string contains a NUL character", path)
        try:
            node.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise FhirError.one(
                400, "invalid", "a string contains an unpaired surrogate", path
            ) from exc
    elif isinstance(node, dict):
        for key, value in node.items():
            _check_text(key, path)
            _check_text(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _check_text(value, f"{path}[{i}]")


def require_writer(user) -> None:
    if not access.can_write_fhir(user):
        raise FhirError.one(
            403, "forbidden", "only integration accounts and administrators may write to /fhir"
        )


def require_type(resource_type: str) -> None:
    if not is_resource_type(resource_type):
        raise FhirError.one(
            404, "not-supported", f"unknown resource type {resource_type!r}", resource_type
        )


def _visible_row(request, resource_type: str, resource_id: str) -> Resource:
    """The current row, if ``access.can_read_fhir`` lets the user see it; else 404."""
    require_type(resource_type)
    row = (
        Resource.objects.filter(resource_type=resource_type, resource_id=resource_id)
        .only("data", "patient_id", "other_patients", "version_id", "last_updated")
        .first()
    )
    if row is None:
        _raise_gone_if_deleted(request, resource_type, resource_id)
    if row is None or not access.can_read_fhir(
        request.user, row.data, {row.patient_id, *(row.other_patients or {})} - {""}
    ):
        raise FhirError.one(404, "not-found", f"{resource_type}/{resource_id} is not known")
    return row


def _raise_gone_if_deleted(request, resource_type: str, resource_id: str) -> None:
    """410 for a deleted resource the caller could read before it went (404 otherwise)."""
    deleted = store.deleted_version(resource_type, resource_id)
    if deleted is None:
        return
    version, last = deleted
    if last and access.can_read_fhir(request.user, last, set(compartments.patients_of(last))):
        raise FhirError.one(
            410, "deleted", f"{resource_type}/{resource_id} was deleted (version {version})"
        )


def _visible(request, data: dict[str, Any]) -> bool:
    """``access.can_read_fhir`` for this request's user, with their roles and patients read
    once per request (history and ``_include`` check many rows)."""
    reader = getattr(request, "_ammed_fhir_reader", None)
    if reader is None:
        reader = request._ammed_fhir_reader = access.fhir_reader(request.user)
    return reader(data, set(compartments.patients_of(data)))


def _single_entry_bundle(
    method: str, url: str, resource: Any, request: HttpRequest | None = None
) -> dict[str, Any]:
    req: dict[str, Any] = {"method": method, "url": url}
    if request is not None:
        if_match = request.META.get("HTTP_IF_MATCH")
        if if_match is not None and method == "PUT":
            req["ifMatch"] = if_match
        if_none_exist = request.META.get("HTTP_IF_NONE_EXIST")
        if not if_none_exist and method == "POST":
            # POST /fhir/Patient?identifier=… (fhirpy's get_or_create): the same condition
            query = [(k, v) for k, v in request.GET.items() if k != "_format"]
            if_none_exist = urlencode(query) if query else ""
        if if_none_exist and method == "POST":
            req["ifNoneExist"] = if_none_exist
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [{"resource": resource, "request": req}],
    }


def _single_write(
    method: str, url: str, resource: Any, resource_type: str, request: HttpRequest | None = None
) -> HttpResponse:
    if not isinstance(resource, dict):
        raise FhirError.one(400, "structure", "the body must be a JSON object (a resource)")
    if resource.get("resourceType") != resource_type:
        raise FhirError.one(
            400,
            "invalid",
            f"resourceType {resource.get('resourceType')!r} does not match the URL "
            f"({resource_type!r})",
            f"{resource_type}.resourceType",
        )
    try:
        result = bundles.process(_single_entry_bundle(method, url, resource, request))
    except FhirError as exc:
        for i in exc.issues:  # report paths relative to the resource, not the wrapper
            i["expression"] = [
                e.replace("Bundle.entry[0].resource", resource_type).replace(
                    "Bundle.entry[0].request.url", "url"
                )
                for e in i.get("expression", [])
            ]
            i["diagnostics"] = (
                i["diagnostics"]
                .replace("Bundle.entry[0].resource", resource_type)
                .replace("Bundle.entry[0].request.url", "url")
                .replace("Bundle.entry[0].request.ifMatch", "If-Match")
                .replace("Bundle.entry[0].request.ifNoneExist", "If-None-Exist")
            )
            i["expression"] = [
                e.replace("Bundle.entry[0].request.ifMatch", "If-Match").replace(
                    "Bundle.entry[0].request.ifNoneExist", "If-None-Exist"
                )
                for e in i["expression"]
            ]
        raise
    response = result["entry"][0]["response"]
    location = response["location"]
    stored = read_stored(location)
    headers = {"Location": f"/fhir/{location}"}
    headers |= version_headers(location.rsplit("/", 1)[-1], response.get("lastModified"))
    status = int(response["status"].split()[0])
    if request is None:
        return fhir_response(stored, status, **headers)
    return write_response(request, stored, status, headers)


def read_stored(location: str) -> dict[str, Any]:
    rtype, rid, _, vid = location.split("/")
    return store.read_version(rtype, rid, int(vid)) or {}


class FhirRootView(FhirView):
    """``POST /fhir``: a transaction or batch Bundle."""

    @extend_schema(
        summary="Process a transaction or batch Bundle",
        operation_id="fhir_transaction",
        description=(
            "Bundle.type `transaction` is all or nothing; `batch` answers entry by entry. "
            "Entries: POST (create, optional ifNoneExist) and PUT (update or create by id). "
            "`urn:uuid:` fullUrls are resolved. Errors: OperationOutcome."
        ),
        request={FHIR_JSON: OpenApiTypes.OBJECT},
        responses={(200, FHIR_JSON): OpenApiTypes.OBJECT},
        tags=["fhir"],
    )
    def post(self, request, *args, **kwargs) -> HttpResponse:
        require_writer(request.user)
        body = read_json_body(request)
        result = bundles.process(body)
        wanted = prefer_return(request) if request.META.get("HTTP_PREFER") else "minimal"
        for entry in result.get("entry") or []:  # Prefer: the stored resource or an outcome
            response = entry.get("response") or {}
            location = response.get("location")
            if not location:
                continue
            if wanted == "representation":
                entry["resource"] = read_stored(location)
            elif wanted == "OperationOutcome" and "outcome" not in response:
                response["outcome"] = outcome(
                    [
                        issue(
                            "informational",
                            f"{location}: {response['status']}",
                            severity="information",
                        )
                    ]
                )
        return fhir_response(result, 200)


class MetadataView(FhirView):
    """``GET /fhir/metadata``: the CapabilityStatement."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        summary="CapabilityStatement",
        operation_id="fhir_metadata",
        responses={(200, FHIR_JSON): OpenApiTypes.OBJECT},
        tags=["fhir"],
    )
    def get(self, request, *args, **kwargs) -> HttpResponse:
        return fhir_response(capability.statement(request.build_absolute_uri("/fhir")))


class TypeView(FhirView):
    """``GET /fhir/{type}?…`` search (searchset Bundle) and ``POST /fhir/{type}`` create."""

    @extend_schema(
        summary="Search resources of one type",
        operation_id="fhir_search",
        parameters=[
            OpenApiParameter("patient", str, description="Patient/<id> or <id>"),
            OpenApiParameter("identifier", str, description="Patient identifier system|value"),
            OpenApiParameter("code", str, description="Observation code system|code"),
            OpenApiParameter("date", str, description="Observation date, e.g. ge2026-11-01"),
            OpenApiParameter("status", str, description="MedicationRequest/Communication status"),
            OpenApiParameter("_count", int, description="Page size"),
            OpenApiParameter("_offset", int, description="Page start"),
        ],
        responses={(200, FHIR_JSON): OpenApiTypes.OBJECT},
        tags=["fhir"],
    )
    def get(self, request, resource_type: str) -> HttpResponse:
        require_type(resource_type)
        params = list(request.GET.lists())
        flat = [(name, value) for name, values in params for value in values]
        return run_search(request, resource_type, flat)

    @extend_schema(
        summary="Create a resource (server-assigned id)",
        operation_id="fhir_create",
        request={FHIR_JSON: OpenApiTypes.OBJECT},
        responses={(201, FHIR_JSON): OpenApiTypes.OBJECT},
        tags=["fhir"],
    )
    def post(self, request, resource_type: str) -> HttpResponse:
        require_writer(request.user)
        require_type(resource_type)
        return _single_write("POST", resource_type, read_json_body(request), resource_type, request)

    @extend_schema(
        summary="Conditional update: PUT /fhir/{type}?<search>",
        operation_id="fhir_conditional_update",
        request={FHIR_JSON: OpenApiTypes.OBJECT},
        responses={(200, FHIR_JSON): OpenApiTypes.OBJECT},
        tags=["fhir"],
    )
    def put(self, request, resource_type: str) -> HttpResponse:
        require_writer(request.user)
        require_type(resource_type)
        query = request.META.get("QUERY_STRING") or ""
        if not query:
            raise FhirError.one(
                400, "invalid", f"PUT /fhir/{resource_type} needs a search (conditional update)"
            )
        resource = read_json_body(request)
        return _single_write("PUT", f"{resource_type}?{query}", resource, resource_type, request)


class SearchPostView(FhirView):
    """``POST /fhir/{type}/_search`` (form-encoded parameters, plus any in the URL): the
    same search as GET, for clients that keep parameters out of URLs."""

    @extend_schema(
        summary="Search by POST (application/x-www-form-urlencoded)",
        operation_id="fhir_search_post",
        request={"application/x-www-form-urlencoded": OpenApiTypes.OBJECT},
        responses={(200, FHIR_JSON): OpenApiTypes.OBJECT},
        tags=["fhir"],
    )
    def post(self, request, resource_type: str) -> HttpResponse:
        require_type(resource_type)
        ctype = (request.META.get("CONTENT_TYPE") or "").split(";", 1)[0].strip().lower()
        if ctype not in {"application/x-www-form-urlencoded", ""}:
            raise FhirError.one(
                415,
                "not-supported",
                "POST _search takes application/x-www-form-urlencoded parameters",
            )
        flat = [(k, v) for k, values in request.GET.lists() for v in values]
        flat += [(k, v) for k, values in request._request.POST.lists() for v in values]
        return run_search(request, resource_type, flat)


def run_search(request, resource_type: str, flat: list[tuple[str, str]]) -> HttpResponse:
    """A search (GET or POST _search): the searchset Bundle inside the caller's scope."""
    req = search.parse(resource_type, flat)
    if req.summary and req.summary != "false" and req.elements:
        raise FhirError.one(400, "invalid", "_summary and _elements cannot be combined")
    if req.summary == "count":
        req.count = 0
    total, rows = search.run(req, scope=access.search_scope(request.user, resource_type))
    extra = []
    if req.include or req.revinclude:
        extra = search.included(
            req,
            rows,
            scope_for=lambda rtype: access.search_scope(request.user, rtype),
            readable=lambda data: _visible(request, data),
        )
    if req.summary not in {"", "false", "count"} or req.elements:
        rows = [elements.apply(r, req.summary, req.elements) for r in rows]
    return fhir_response(_searchset(request, req, total, rows, flat, extra))


class InstanceView(FhirView):
    """``GET /fhir/{type}/{id}`` read and ``PUT /fhir/{type}/{id}`` update-or-create."""

    @extend_schema(
        summary="Read the current version",
        operation_id="fhir_read",
        responses={(200, FHIR_JSON): OpenApiTypes.OBJECT},
        tags=["fhir"],
    )
    def get(self, request, resource_type: str, resource_id: str) -> HttpResponse:
        row = _visible_row(request, resource_type, resource_id)
        headers = version_headers(row.version_id, row.last_updated)
        if not_modified(request, row.version_id, row.last_updated):
            resp = HttpResponse(status=304)
            for name, value in headers.items():
                resp[name.replace("_", "-")] = value
            return resp
        data = elements.shape(row.data, request.GET)
        return fhir_response(data, **headers)

    @extend_schema(
        summary="Update (or create) a resource by id",
        operation_id="fhir_update",
        request={FHIR_JSON: OpenApiTypes.OBJECT},
        responses={(200, FHIR_JSON): OpenApiTypes.OBJECT},
        tags=["fhir"],
    )
    def put(self, request, resource_type: str, resource_id: str) -> HttpResponse:
        require_writer(request.user)
        require_type(resource_type)
        resource = read_json_body(request)
        if isinstance(resource, dict) and resource.get("id") is None:
            raise FhirError.one(
                400,
                "required",
                f"the resource has no id; PUT /fhir/{resource_type}/{resource_id} needs "
                f'"id": "{resource_id}" in the body',
                f"{resource_type}.id",
            )
        return _single_write(
            "PUT", f"{resource_type}/{resource_id}", resource, resource_type, request
        )

    @extend_schema(
        summary="Delete a resource (its versions stay in _history)",
        operation_id="fhir_delete",
        responses={204: None},
        tags=["fhir"],
    )
    def delete(self, request, resource_type: str, resource_id: str) -> HttpResponse:
        require_writer(request.user)
        require_type(resource_type)
        if_match = request.META.get("HTTP_IF_MATCH")
        expected = None
        if if_match is not None:
            expected = bundles.parse_etag(if_match)
            if expected is None:
                raise FhirError.one(400, "invalid", f"If-Match {if_match!r} is not an ETag")
        refused = bundles.delete_issues(resource_type, resource_id, resource_type)
        if refused:
            for i in refused:
                i["expression"] = [resource_type]
            raise FhirError(403, refused)
        try:
            version = store.delete(resource_type, resource_id, if_match=expected)
        except store.VersionMismatch as exc:
            raise FhirError.one(
                412,
                "conflict",
                f"If-Match {if_match!r} does not match {resource_type}/{resource_id} "
                f"(version {exc.current})",
                "If-Match",
            ) from exc
        resp = HttpResponse(status=204)
        if version is not None:
            resp["ETag"] = f'W/"{version}"'
        return resp


class HistoryView(FhirView):
    """``GET /fhir/{type}/{id}/_history`` and ``GET /fhir/{type}/_history``: history Bundles,
    newest first, every version (deletions as ``DELETE`` entries), ``_count``/``_offset``
    paging and ``_since``; only versions the caller may read."""

    @extend_schema(
        summary="History of one resource",
        operation_id="fhir_history_instance",
        responses={(200, FHIR_JSON): OpenApiTypes.OBJECT},
        tags=["fhir"],
    )
    def get(self, request, resource_type: str, resource_id: str | None = None) -> HttpResponse:
        require_type(resource_type)
        count, offset, since = _history_params(request)
        current, kept = store.history(resource_type, resource_id, since=since)
        scope = access.search_scope(request.user, resource_type)
        if resource_id is not None:
            if not current.exists():
                # deleted: shown to whoever could read its last version
                last = next((d for *_, d in kept if not store.is_deletion(d)), None)
                if last is None or not _visible(request, last):
                    raise FhirError.one(
                        404, "not-found", f"{resource_type}/{resource_id} is not known"
                    )
            else:
                _visible_row(request, resource_type, resource_id)
        elif scope is not None:
            ids = Resource.objects.filter(resource_type=resource_type).filter(scope)
            if connection.vendor == "sqlite":
                # the scope's SQLite form is raw SQL naming the table, which a subquery
                # (aliased U0) cannot use: read the caller's ids first (the embedded default)
                rows = list(ids.values_list("pk", "resource_id"))
                current = current.filter(pk__in=[pk for pk, _ in rows])
                kept = kept.filter(resource_id__in=[rid for _, rid in rows])
            else:
                current = current.filter(pk__in=ids.values("pk"))
                kept = kept.filter(resource_id__in=ids.values("resource_id"))
        wanted = offset + count
        if access.sees_all_patients(request.user):
            rows = sorted(
                [*current[:wanted], *kept[:wanted]], key=lambda r: (r[2], r[1]), reverse=True
            )
            total = current.count() + kept.count()
        else:
            # Visibility can differ between versions (a message held, then released), so a
            # caller confined to some patients is paged and counted over the versions they
            # may read: totals and page sizes never include hidden versions.
            rows = sorted(
                (
                    r
                    for r in [*current, *kept]
                    if store.is_deletion(r[3]) or _visible(request, r[3])
                ),
                key=lambda r: (r[2], r[1]),
                reverse=True,
            )
            total = len(rows)
        page = rows[offset:wanted]
        base = request.build_absolute_uri("/fhir")
        entries = []
        for rid, version, when, data in page:
            deleted = store.is_deletion(data)
            if not deleted and not _visible(request, data):
                continue
            url = f"{resource_type}/{rid}"
            entry: dict[str, Any] = {"fullUrl": f"{base}/{url}"}
            if not deleted:
                entry["resource"] = data
            entry["request"] = {
                "method": "DELETE" if deleted else "POST" if version == 1 else "PUT",
                "url": url if version > 1 or deleted else resource_type,
            }
            entry["response"] = {
                "status": "204" if deleted else "201" if version == 1 else "200",
                "etag": f'W/"{version}"',
                "lastModified": when.isoformat(),
            }
            entries.append(entry)
        path = (
            f"{resource_type}/{resource_id}/_history"
            if resource_id
            else f"{resource_type}/_history"
        )
        kept_params = [(k, v) for k, v in request.GET.items() if k not in {"_count", "_offset"}]

        def page_url(start: int) -> str:
            from urllib.parse import urlencode

            query = urlencode([*kept_params, ("_count", str(count)), ("_offset", str(start))])
            return f"{base}/{path}?{query}"

        links = [{"relation": "self", "url": page_url(offset)}]
        if wanted < total:
            links.append({"relation": "next", "url": page_url(wanted)})
        if offset > 0:
            links.append({"relation": "previous", "url": page_url(max(offset - count, 0))})
        return fhir_response(
            {
                "resourceType": "Bundle",
                "type": "history",
                "total": total,
                "link": links,
                "entry": entries,
            }
        )


class TypeHistoryView(HistoryView):
    """``GET /fhir/{type}/_history``."""

    @extend_schema(
        summary="History of every resource of a type",
        operation_id="fhir_history_type",
        responses={(200, FHIR_JSON): OpenApiTypes.OBJECT},
        tags=["fhir"],
    )
    def get(self, request, resource_type: str, resource_id: str | None = None) -> HttpResponse:
        return super().get(request, resource_type)


def _history_params(request) -> tuple[int, int, Any]:
    count, offset, since = settings.FHIR_DEFAULT_PAGE_SIZE, 0, None
    for name, value in request.GET.items():
        if name in {"_count", "_offset"}:
            if not (value.isascii() and value.isdigit()) or len(value) > 9:
                raise FhirError.one(400, "invalid", f"{name} must be a non-negative integer", name)
            if name == "_count":
                count = max(1, min(int(value), settings.FHIR_MAX_PAGE_SIZE))
            else:
                offset = int(value)
        elif name == "_since":
            since = search.parse_since(value, name)
        elif name != "_format":
            raise FhirError.one(
                400, "not-supported", f"{name!r} is not supported on _history", name
            )
    return count, offset, since


class VersionView(FhirView):
    """``GET /fhir/{type}/{id}/_history/{vid}``: one stored version."""

    @extend_schema(
        summary="Read one version",
        operation_id="fhir_vread",
        responses={(200, FHIR_JSON): OpenApiTypes.OBJECT},
        tags=["fhir"],
    )
    def get(self, request, resource_type: str, resource_id: str, version_id: str) -> HttpResponse:
        try:
            _visible_row(request, resource_type, resource_id)
        except FhirError as exc:
            if exc.status != 410:
                raise
        data = None
        if version_id.isdigit():
            if store.deleted_version(resource_type, resource_id) is not None and (
                int(version_id) == store.deleted_version(resource_type, resource_id)[0]
            ):
                raise FhirError.one(
                    410,
                    "deleted",
                    f"{resource_type}/{resource_id}/_history/{version_id} is a deletion",
                )
            data = read_stored(f"{resource_type}/{resource_id}/_history/{version_id}")
        # the version itself too: an older version may be held text or name other patients
        if not data or not access.can_read_fhir(
            request.user, data, set(compartments.patients_of(data))
        ):
            raise FhirError.one(
                404,
                "not-found",
                f"{resource_type}/{resource_id}/_history/{version_id} is not known",
            )
        headers = version_headers(version_id, (data.get("meta") or {}).get("lastUpdated"))
        return fhir_response(elements.shape(data, request.GET), **headers)


def _searchset(
    request, req: search.SearchRequest, total: int, rows, params, extra=()
) -> dict[str, Any]:
    base = request.build_absolute_uri("/fhir")
    kept = [(k, v) for k, v in params if k not in {"_count", "_offset"}]

    def page_url(offset: int) -> str:
        from urllib.parse import urlencode

        query = urlencode([*kept, ("_count", str(req.count)), ("_offset", str(offset))])
        return f"{base}/{req.resource_type}?{query}"

    links = [{"relation": "self", "url": page_url(req.offset)}]
    more = req.offset + req.count < total if total >= 0 else len(rows) == req.count
    if req.count and more:
        links.append({"relation": "next", "url": page_url(req.offset + req.count)})
    if req.offset > 0 and req.count:
        links.append({"relation": "previous", "url": page_url(max(req.offset - req.count, 0))})
    bundle: dict[str, Any] = {"resourceType": "Bundle", "type": "searchset"}
    if total >= 0:
        bundle["total"] = total
    bundle["link"] = links
    bundle["entry"] = [
        {
            "fullUrl": f"{base}/{r['resourceType']}/{r['id']}",
            "resource": r,
            "search": {"mode": mode},
        }
        for rs, mode in ((rows, "match"), (extra, "include"))
        for r in rs
    ]
    return bundle


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: an OperationOutcome under /fhir, Django's page elsewhere."""
    if request.path == "/fhir" or request.path.startswith("/fhir/"):
        return error_response(
            FhirError.one(
                403,
                "security",
                f"CSRF check failed ({reason}); use Authorization: Token <key> for /fhir",
            )
        )
    from django.views.csrf import csrf_failure as django_csrf_failure

    return django_csrf_failure(request, reason)


@csrf_exempt
def fhir_not_found(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    return error_response(FhirError.one(404, "not-found", f"no FHIR endpoint at {request.path}"))
