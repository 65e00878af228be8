"""/api/v1 routes of clinical.followup."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from clinical.followup.views import AssessView, CarePlanApproveView

urlpatterns: list[URLPattern | URLResolver] = [
    path("followup/assess", AssessView.as_view(), name="followup-assess"),
    path(
        "careplans/<str:careplan_id>/approve",
        CarePlanApproveView.as_view(),
        name="careplan-approve",
    ),
]
