"""JSON errors for /api (never an HTML page): DRF's exception handler, and Django's
404/400/500 handlers for what no DRF view answers (an unknown path, a non-integer id)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

log = logging.getLogger(__name__)

# Errors a request's own values cause (a number or date beyond what Python or PostgreSQL
# holds, JSON nested past the interpreter's stack): the client's to fix, so 400.
_BAD_INPUT = (DataError, OverflowError, RecursionError)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = drf_exception_handler(exc, context)
    if response is not None:
        return response
    view = context.get("view").__class__.__name__
    if isinstance(exc, _BAD_INPUT):
        # the class only: a database message can quote the value, which may be patient text
        log.warning("bad input in %s: %s", view, type(exc).__name__)
        return Response(
            {"detail": "请求中的值无法处理 (a value in the request is out of range)"}, 400
        )
    log.exception("unhandled error in %s", view)
    return Response({"detail": "内部错误，请稍后重试 (internal error)"}, status=500)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "未找到 (not found)"}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "请求无效 (bad request)"}, status=400)
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "内部错误，请稍后重试 (internal error)"}, status=500)
    return defaults.server_error(request)
