"""/fhir routes (FHIR R4 RESTful API). Included at ``path("fhir", …)``, so routes start with ``/``."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path, re_path

from ammed_fhir import fhir_views as v

_TYPE = r"(?P<resource_type>[A-Za-z]{1,64})"
_ID = r"(?P<resource_id>[A-Za-z0-9\-.]{1,64})"

urlpatterns: list[URLPattern | URLResolver] = [
    re_path(r"^/?$", v.FhirRootView.as_view(), name="fhir-root"),
    path("/metadata", v.MetadataView.as_view(), name="fhir-metadata"),
    re_path(rf"^/{_TYPE}/?$", v.TypeView.as_view(), name="fhir-type"),
    re_path(rf"^/{_TYPE}/_history/?$", v.HistoryView.as_view(), name="fhir-type-history"),
    re_path(rf"^/{_TYPE}/{_ID}/?$", v.InstanceView.as_view(), name="fhir-instance"),
    re_path(rf"^/{_TYPE}/{_ID}/_history/?$", v.HistoryView.as_view(), name="fhir-instance-history"),
    re_path(
        rf"^/{_TYPE}/{_ID}/_history/(?P<version_id>[A-Za-z0-9\-.]{{1,64}})/?$",
        v.VersionView.as_view(),
        name="fhir-vread",
    ),
    re_path(r"^/.*$", v.fhir_not_found),
]
