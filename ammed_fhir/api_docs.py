"""The OpenAPI schema and Swagger UI: behind login unless ``AMMED_PUBLIC_API_DOCS=true``.

The schema names every endpoint and parameter of a clinical system; a hospital publishes it
only on purpose. Anonymous callers get 401 for the schema and are sent to the admin login
for the Swagger page. The page's script is served as its own request (the split view), so
the Content-Security-Policy needs no inline script.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated


def _docs_permissions() -> list[BasePermission]:
    return [AllowAny()] if settings.AMMED_PUBLIC_API_DOCS else [IsAuthenticated()]


class SchemaView(SpectacularAPIView):
    def get_permissions(self) -> list[BasePermission]:
        return _docs_permissions()


class SwaggerView(SpectacularSwaggerSplitView):
    def get_permissions(self) -> list[BasePermission]:
        return _docs_permissions()

    def permission_denied(self, request: Any, message: Any = None, code: Any = None) -> None:
        if request.user.is_authenticated or request.GET.get("script") is not None:
            super().permission_denied(request, message, code)
        raise _LoginRedirect(request.get_full_path())

    def handle_exception(self, exc: Exception) -> Any:
        if isinstance(exc, _LoginRedirect):
            return redirect_to_login(exc.next_url, "admin:login")
        return super().handle_exception(exc)


class _LoginRedirect(Exception):
    def __init__(self, next_url: str):
        super().__init__(next_url)
        self.next_url = next_url
