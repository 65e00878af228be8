"""/api/v1 routes of the clinician workspace."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from clinical.workspace.api import WorklistView

urlpatterns: list[URLPattern | URLResolver] = [
    path("worklist", WorklistView.as_view(), name="worklist"),
]
