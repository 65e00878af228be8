"""A real unreachable Celery broker for a test: a Redis URL on a local port nobody listens
on (bound, then closed), with eager execution off, so ``.delay`` really tries to connect."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from django.test import override_settings

from ammed_fhir.celery import app


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _drop_pools() -> None:
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_unreachable() -> Iterator[str]:
    """Inside: Celery publishes to a closed port (connection refused, quickly)."""
    url = f"redis://127.0.0.1:{closed_port()}/0"
    conf = app.conf
    # ``broker_url`` reads the CELERY_BROKER_URL environment variable first; publishing uses
    # ``broker_write_url`` when set, so that is the one to point at the closed port.
    saved = {
        "broker_write_url": conf.get("broker_write_url"),
        "task_always_eager": conf.task_always_eager,
        "task_publish_retry_policy": conf.task_publish_retry_policy,
    }
    conf.broker_write_url = url
    conf.task_always_eager = False
    conf.task_publish_retry_policy = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1}
    _drop_pools()
    try:
        with override_settings(CELERY_BROKER_URL=url, CELERY_TASK_ALWAYS_EAGER=False):
            yield url
    finally:
        for key, value in saved.items():
            setattr(conf, key, value)
        _drop_pools()
