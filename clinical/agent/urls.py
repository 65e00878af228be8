"""/api/v1 routes of clinical.agent."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from clinical.agent.views import PatientMessagesView

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "patients/<str:patient_id>/messages",
        PatientMessagesView.as_view(),
        name="agent-patient-messages",
    ),
]
