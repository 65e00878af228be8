"""Refuse request paths and query strings that no view can use: NUL characters.

PostgreSQL text cannot hold NUL, so an id like ``/api/v1/patients/%00/orders`` used to
reach the database and answer 500 (psycopg ``DataError``). Such a request now gets 400
before any view runs: an OperationOutcome on /fhir, JSON on /api, plain text elsewhere.
FHIR search values are checked by the search parser itself (with the parameter's name in
the OperationOutcome), so /fhir query strings pass through here.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

from ammed_fhir.outcomes import FhirError


def _has_nul(text: str) -> bool:
    return "\x00" in text or "%00" in text


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        fhir = path == "/fhir" or path.startswith("/fhir/")
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in path or (not fhir and _has_nul(query)):
            message = "NUL characters are not allowed in the URL"
            if fhir:
                from ammed_fhir.fhir_views import error_response

                return error_response(FhirError.one(400, "invalid", message))
            if path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)
