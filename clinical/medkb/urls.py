"""/api/v1 routes of clinical.medkb."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from clinical.medkb.views import MedicationGuidanceView

urlpatterns: list[URLPattern | URLResolver] = [
    path("guidance/medication", MedicationGuidanceView.as_view(), name="medkb-guidance"),
]
