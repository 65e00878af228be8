"""The Celery application. Workers: ``celery -A ammed_fhir worker``; beat: ``celery -A ammed_fhir beat``."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ammed_fhir.settings")

app = Celery("ammed")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
