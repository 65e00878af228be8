"""AM-Med project wiring and the FHIR R4 boundary."""

from __future__ import annotations

from ammed_fhir.celery import app as celery_app

__all__ = ["celery_app"]
