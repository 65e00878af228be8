"""One pytest run per test database (noticed bugs, item 10).

Two runs on one PostgreSQL test database used to fight over it: the second dropped or
recreated it under the first (``database "test_x" is being accessed by other users``, or a
deadlock when both flushed the same tables). ``tests/conftest.py`` now takes a session-level
PostgreSQL advisory lock named after the test database before it is created, holds it on its own
connection for the whole run, and stops a second run at once with a message saying what to do.
``AMMED_TEST_DB_SUFFIX=<name>`` gives a run its own test database (``test_<db>_<name>``), as
pytest-xdist's per-worker suffix does. CI runs one pytest at a time and sets no suffix: it is
unchanged. SQLite test databases are in memory and per process: no lock."""

from __future__ import annotations

import hashlib
from typing import Any

SUFFIX_ENV = "AMMED_TEST_DB_SUFFIX"
LOCK_NAMESPACE = "ammed-test-database:"


class DatabaseBusy(RuntimeError):
    """Another pytest run holds the lock of this test database."""


def name_for_tests(db: dict[str, Any]) -> str:
    """The name Django gives the test database of ``db`` (``TEST.NAME``, else ``test_<NAME>``)."""
    return (db.get("TEST") or {}).get("NAME") or f"test_{db['NAME']}"


def with_suffix(databases: dict[str, dict[str, Any]], suffix: str) -> dict[str, dict[str, Any]]:
    """``databases`` with every server database's test name ending in ``_<suffix>`` (in place;
    returned for convenience). An empty suffix changes nothing; SQLite is left alone."""
    if not suffix:
        return databases
    for db in databases.values():
        if "sqlite" in str(db.get("ENGINE", "")):
            continue
        db.setdefault("TEST", {})["NAME"] = f"{name_for_tests(db)}_{suffix}"
    return databases


def _lock_key(name: str) -> int:
    """A signed 64-bit advisory-lock key for one test database name (stable across runs)."""
    digest = hashlib.sha256((LOCK_NAMESPACE + name).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def lock_test_database(db: dict[str, Any]) -> Any:
    """Take the advisory lock of ``db``'s test database on a connection of its own to the
    server's ``postgres`` database, and return that connection (the lock lasts as long as it
    stays open). ``None`` for a database that needs no lock (SQLite). Raises ``DatabaseBusy``,
    naming the database and ``AMMED_TEST_DB_SUFFIX``, when another run holds it."""
    if "postgresql" not in str(db.get("ENGINE", "")):
        return None
    import psycopg

    name = name_for_tests(db)
    conn = psycopg.connect(
        dbname="postgres",
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        autocommit=True,
    )
    got = conn.execute("SELECT pg_try_advisory_lock(%s)", (_lock_key(name),)).fetchone()
    if not (got and got[0]):
        conn.close()
        raise DatabaseBusy(
            f"another pytest run is using the test database {name!r} (it holds its advisory "
            f"lock): wait for it to finish, or give this run its own test database with "
            f"{SUFFIX_ENV}=<name> (e.g. {SUFFIX_ENV}=2 uses {name}_2)"
        )
    return conn
