"""URL map: /fhir (FHIR R4), /api/v1 (clinical functions), /api/docs (OpenAPI), /admin."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from ammed_fhir.api_docs import SchemaView, SwaggerView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("fhir", include("ammed_fhir.fhir_urls")),
    path("api/v1/", include("ammed_fhir.api_urls")),
    path("api/v1/", include("clinical.medkb.urls")),
    path("api/v1/", include("clinical.orders.urls")),
    path("api/v1/", include("clinical.followup.urls")),
    path("api/v1/", include("clinical.diet.urls")),
    path("api/v1/", include("clinical.monitor.urls")),
    path("api/v1/", include("clinical.agent.urls")),
    path("api/v1/", include("clinical.workspace.urls")),
    # behind login unless AMMED_PUBLIC_API_DOCS=true (ammed_fhir.api_docs)
    path("api/schema/", SchemaView.as_view(), name="schema"),
    path("api/docs/", SwaggerView.as_view(url_name="schema"), name="swagger-ui"),
]

# JSON, not Django's HTML pages, under /api (ammed_fhir.api_errors); /fhir answers its own.
handler400 = "ammed_fhir.api_errors.bad_request"
handler404 = "ammed_fhir.api_errors.page_not_found"
handler500 = "ammed_fhir.api_errors.server_error"
