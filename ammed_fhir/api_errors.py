"""DRF exception handler: JSON errors for /api/v1 (never an HTML 500 page)."""

from __future__ import annotations

import logging
from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

log = logging.getLogger(__name__)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = drf_exception_handler(exc, context)
    if response is not None:
        return response
    log.exception("unhandled error in %s", context.get("view").__class__.__name__)
    return Response({"detail": "内部错误，请稍后重试 (internal error)"}, status=500)
