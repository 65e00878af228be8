"""Shared fixtures: the shared data dir, the demo bundles, and the suite's clock.

Dates in tests: a test that depends on "today" builds its dates relative to now (the demo
bundles are moved to today by ``ammed_fhir.demo_fixtures``) or freezes the clock explicitly
with ``time_machine``. To prove it, the suite can run with the whole clock moved ahead:
``pytest --clock-ahead-days=400`` (or ``AMMED_TEST_CLOCK_AHEAD_DAYS=400``) starts a
time-machine traveller, ticking, before any test runs. Tests whose subprocesses or browser
cannot see a moved clock carry ``@pytest.mark.real_clock`` and are skipped in that run.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from db_guard import SUFFIX_ENV, DatabaseBusy, lock_test_database, with_suffix
from django.conf import settings

from ammed_fhir.demo_fixtures import load_demo_bundles

_CLOCK_ENV = "AMMED_TEST_CLOCK_AHEAD_DAYS"
_TRAVELLER = pytest.StashKey[time_machine.travel]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock-ahead-days",
        type=int,
        default=int(os.environ.get(_CLOCK_ENV) or 0),
        help=f"run the whole suite with the clock moved this many days ahead (env {_CLOCK_ENV})",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "real_clock: needs the machine's real clock (a subprocess or browser that does not "
        "see a moved clock); skipped under --clock-ahead-days",
    )
    days = config.getoption("--clock-ahead-days")
    if days:
        destination = datetime.now(UTC) + timedelta(days=days)
        traveller = time_machine.travel(destination, tick=True)
        traveller.start()
        config.stash[_TRAVELLER] = traveller


def pytest_unconfigure(config: pytest.Config) -> None:
    traveller = config.stash.get(_TRAVELLER, None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config: pytest.Config) -> str | None:
    days = config.getoption("--clock-ahead-days")
    if days:
        return f"clock moved {days} days ahead: today is {datetime.now(UTC):%Y-%m-%d} (UTC)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    days = config.getoption("--clock-ahead-days")
    if not days:
        return
    skip = pytest.mark.skip(reason=f"needs the real clock; the suite runs {days} days ahead")
    for item in items:
        if "real_clock" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> None:
    """Test users (admin_user, the demo clinicians) are hashed with MD5, as Django's testing
    guide advises: the production hasher (PBKDF2, 1,000,000 iterations, ~0.4 s a hash here)
    made user fixtures most of the suite's time. Production settings are untouched."""
    from django.contrib.auth import hashers

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    hashers.get_hashers.cache_clear()
    hashers.get_hashers_by_algorithm.cache_clear()


@pytest.fixture
def shared_data() -> Path:
    """``../shared/data``; tests using it skip cleanly when it is absent."""
    path = Path(settings.AMMED_SHARED_DATA_DIR)
    if not path.is_dir():
        pytest.skip(f"shared data not present at {path}")
    return path


@pytest.fixture
def demo_bundles() -> list[dict]:
    """The demo fixtures with their story moved to today (see ammed_fhir/demo_fixtures.py)."""
    return [item.bundle for item in load_demo_bundles()]


_DB_LOCKS: list[object] = []  # the advisory-lock connections, open for the whole run


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """Before the test databases are created: ``AMMED_TEST_DB_SUFFIX`` (a run's own test
    database), then the advisory lock of each server test database, so a second pytest run on
    the same one stops with a clear message instead of deadlocking with the first
    (``tests/db_guard.py``; pytest-xdist and tox suffixes still apply first)."""
    with_suffix(settings.DATABASES, os.environ.get(SUFFIX_ENV, "").strip())
    for db in settings.DATABASES.values():
        try:
            conn = lock_test_database(db)
        except DatabaseBusy as exc:
            pytest.exit(str(exc), returncode=4)
        if conn is not None:
            _DB_LOCKS.append(conn)
