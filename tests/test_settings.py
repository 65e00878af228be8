from __future__ import annotations

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


def test_tests_run_on_postgres() -> None:
    from django.db import connection

    assert connection.vendor == "postgresql"
