"""The Celery application. Workers: ``celery -A ammed_fhir worker``; beat: ``celery -A ammed_fhir beat``."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ammed_fhir.settings")

app = Celery("ammed")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def _close_old_connections(sender: object = None, **_: object) -> None:
    """Per task what Django does per request: drop connections past ``DB_CONN_MAX_AGE`` or
    broken, keep the rest (see ``CELERY_DB_REUSE_MAX`` in settings). Not for a task run
    eagerly (in-process): it runs inside its caller's connection and transaction."""
    from django.db import close_old_connections

    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    close_old_connections()
