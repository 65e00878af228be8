from __future__ import annotations

from django.apps import AppConfig


class AmmedFhirConfig(AppConfig):
    name = "ammed_fhir"
    verbose_name = "FHIR 资源 (FHIR resources)"
