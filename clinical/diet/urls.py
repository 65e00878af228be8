"""/api/v1 routes of clinical.diet."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from clinical.diet.views import DietConsultView

urlpatterns: list[URLPattern | URLResolver] = [
    path("consult/diet", DietConsultView.as_view(), name="diet-consult"),
]
