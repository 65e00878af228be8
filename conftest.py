"""Suite-wide pytest plumbing that must load before any test module (issue 21).

Kept apart from ``tests/conftest.py`` (fixtures): this root conftest is loaded first, so the
Hypothesis profile is in force when the test modules' ``@settings`` decorators are built.

* Hypothesis profiles. ``ci`` (selected by ``HYPOTHESIS_PROFILE=ci`` or ``CI=true``) is
  derandomised: the same examples on every run, so a red CI run is reproducible and a green
  one is not luck. Every profile has ``database=None``: no ``.hypothesis`` directory in the
  tree, and no example replayed from a previous run that a fresh checkout would not see.
* ``@pytest.mark.postgres``: the test needs a server database (PostgreSQL-only SQL, or a
  second process sharing the database); on SQLite (``make test-sqlite``, the embedded
  default) it is skipped with that reason instead of failing.
* ``@pytest.mark.redis``: the test needs a real Redis (broker or cache); skipped with a
  reason when ``CELERY_BROKER_URL`` / ``REDIS_URL`` do not name one.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings as hypothesis_settings

hypothesis_settings.register_profile("dev", database=None)
hypothesis_settings.register_profile("ci", database=None, derandomize=True, print_blob=True)


def _hypothesis_profile() -> str:
    explicit = os.environ.get("HYPOTHESIS_PROFILE", "").strip()
    if explicit:
        return explicit
    return "ci" if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes") else "dev"


hypothesis_settings.load_profile(_hypothesis_profile())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    on_postgres = "postgresql" in engine
    redis_urls = (os.environ.get("CELERY_BROKER_URL", ""), os.environ.get("REDIS_URL", ""))
    has_redis = all(url.startswith(("redis://", "rediss://")) for url in redis_urls)
    skip_pg = pytest.mark.skip(
        reason=f"needs PostgreSQL (DATABASE_URL is {engine.rsplit('.', 1)[-1]}); "
        "run it under `make test`"
    )
    skip_redis = pytest.mark.skip(
        reason="needs Redis (CELERY_BROKER_URL and REDIS_URL); run it under `make test`"
    )
    for item in items:
        if not on_postgres and item.get_closest_marker("postgres"):
            item.add_marker(skip_pg)
        if not has_redis and item.get_closest_marker("redis"):
            item.add_marker(skip_redis)
