from __future__ import annotations

import os

import pytest

from ammed_fhir.env import ConfigError, envbool, envint


def test_envbool_rejects_garbage(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AMMED_X", "maybe")
    with pytest.raises(ConfigError):
        envbool("AMMED_X", False)


def test_envint_reads_value_and_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AMMED_N", "42")
    assert envint("AMMED_N", 1) == 42
    monkeypatch.delenv("AMMED_N")
    assert envint("AMMED_N", 7) == 7


EMBEDDED_RUN = os.environ.get("AMMED_TEST_EMBEDDED") == "1"  # set by `make test-sqlite` only


@pytest.mark.skipif(EMBEDDED_RUN, reason="make test-sqlite runs the embedded default on purpose")
def test_tests_run_on_postgres() -> None:
    from django.db import connection

    assert connection.vendor == "postgresql"


@pytest.mark.skipif(not EMBEDDED_RUN, reason="only under make test-sqlite")
def test_the_embedded_run_is_sqlite_with_tasks_in_process(settings) -> None:
    """``make test-sqlite`` really is the embedded default: SQLite, tasks run in-process,
    no Redis broker (the postgres/redis-marked tests skip there, saying why)."""
    from django.db import connection

    assert connection.vendor == "sqlite"
    assert settings.CELERY_TASK_ALWAYS_EAGER is True
    assert settings.CELERY_BROKER_URL.startswith("memory://")
