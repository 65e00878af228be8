"""/api/v1 routes of the core (who am I, assignments)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from ammed_fhir import api, audit_api

urlpatterns: list[URLPattern | URLResolver] = [
    path("me", api.MeView.as_view(), name="me"),
    path("assignments", api.AssignmentListView.as_view(), name="assignments"),
    path("assignments/<int:pk>", api.AssignmentDetailView.as_view(), name="assignment-detail"),
    path("audit", audit_api.AuditEventListView.as_view(), name="audit-events"),
]
