"""/api/v1 routes of clinical.monitor."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from clinical.monitor import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("monitor/check", api.MonitorCheckView.as_view(), name="monitor-check"),
    path("reviews", api.ReviewListView.as_view(), name="review-list"),
    path("reviews/<int:pk>", api.ReviewDetailView.as_view(), name="review-detail"),
    path("reviews/<int:pk>/approve", api.ReviewApproveView.as_view(), name="review-approve"),
    path("reviews/<int:pk>/edit", api.ReviewEditView.as_view(), name="review-edit"),
    path("reviews/<int:pk>/reject", api.ReviewRejectView.as_view(), name="review-reject"),
]
