"""/fhir routes (FHIR R4 RESTful API). Included at ``path("fhir", …)``, so routes start with ``/``."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path, re_path

from ammed_fhir import fhir_views as v
from ammed_fhir.operations import everything, export

_TYPE = r"(?P<resource_type>[A-Za-z]{1,64})"
_ID = r"(?P<resource_id>[A-Za-z0-9\-.]{1,64})"

_export = export.views()

urlpatterns: list[URLPattern | URLResolver] = [
    re_path(r"^/?$", v.FhirRootView.as_view(), name="fhir-root"),
    path("/metadata", v.MetadataView.as_view(), name="fhir-metadata"),
    # $operations (ammed_fhir/operations/)
    re_path(
        rf"^/Patient/{_ID}/\$everything/?$",
        everything.everything_view().as_view(),
        name="fhir-everything",
    ),
    re_path(r"^/\$export/?$", _export["system"].as_view(), name="fhir-export"),
    re_path(r"^/Patient/\$export/?$", _export["patient"].as_view(), name="fhir-export-patient"),
    re_path(rf"^/Group/{_ID}/\$export/?$", _export["group"].as_view(), name="fhir-export-group"),
    re_path(
        r"^/\$export-poll-status/(?P<job_id>[0-9a-f]{32})/?$",
        _export["status"].as_view(),
        name="fhir-export-status",
    ),
    re_path(
        r"^/\$export-file/(?P<job_id>[0-9a-f]{32})/(?P<name>[A-Za-z]{1,64}\.ndjson)$",
        _export["file"].as_view(),
        name="fhir-export-file",
    ),
    re_path(rf"^/{_TYPE}/?$", v.TypeView.as_view(), name="fhir-type"),
    re_path(rf"^/{_TYPE}/_history/?$", v.TypeHistoryView.as_view(), name="fhir-type-history"),
    re_path(rf"^/{_TYPE}/_search/?$", v.SearchPostView.as_view(), name="fhir-search-post"),
    re_path(rf"^/{_TYPE}/{_ID}/?$", v.InstanceView.as_view(), name="fhir-instance"),
    re_path(rf"^/{_TYPE}/{_ID}/_history/?$", v.HistoryView.as_view(), name="fhir-instance-history"),
    re_path(
        rf"^/{_TYPE}/{_ID}/_history/(?P<version_id>[A-Za-z0-9\-.]{{1,64}})/?$",
        v.VersionView.as_view(),
        name="fhir-vread",
    ),
    re_path(r"^/.*$", v.fhir_not_found),
]
