"""The audit table against the deployment's application role (#17 item 7, docs/security.md
"Audit trail and database roles"): a role that does not own the table, with SELECT/INSERT
only, can append but cannot UPDATE, DELETE, TRUNCATE, disable or drop the triggers; even a
role wrongly granted UPDATE/DELETE/TRUNCATE is stopped by the triggers. PostgreSQL only."""

from __future__ import annotations

import os

import pytest
from django.db import DatabaseError, connection, transaction

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
TABLE = "ammed_fhir_auditrecord"
INSERT = (
    f"INSERT INTO {TABLE} (at, actor_name, role, on_behalf_of, action, patients, object_type,"
    " object_id, detail) VALUES (now(), 'app', 'system', '', 'test', ',p1,', '', '', '{}')"
)


def _role(privileges: str) -> str:
    name = f"ammed_app_test_{os.getpid()}_{privileges.split(',')[0].strip().lower()}"
    with connection.cursor() as cur:  # rolled back with the test's transaction
        cur.execute(f"CREATE ROLE {name} NOLOGIN")
        cur.execute(f"GRANT USAGE ON SCHEMA public TO {name}")
        cur.execute(f"GRANT {privileges} ON {TABLE} TO {name}")
        cur.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {name}")
    return name


def _as(role: str, sql: str) -> None:
    """Run ``sql`` as ``role`` in a savepoint: a failure rolls the SET ROLE back with it."""
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"SET ROLE {role}")
        cur.execute(sql)
        cur.execute("RESET ROLE")


@pytest.fixture
def app_role() -> str:
    return _role("SELECT, INSERT")


def test_the_app_role_appends_and_reads(app_role) -> None:
    _as(app_role, INSERT)
    _as(app_role, f"SELECT count(*) FROM {TABLE}")


@pytest.mark.parametrize(
    "sql",
    [
        f"UPDATE {TABLE} SET action = 'x'",
        f"DELETE FROM {TABLE}",
        f"TRUNCATE {TABLE}",
        f"ALTER TABLE {TABLE} DISABLE TRIGGER ALL",
        f"ALTER TABLE {TABLE} DISABLE TRIGGER ammed_auditrecord_append_only",
        f"DROP TRIGGER ammed_auditrecord_no_truncate ON {TABLE}",
        f"DROP TABLE {TABLE}",
    ],
)
def test_the_app_role_cannot_change_or_unprotect_the_trail(app_role, sql) -> None:
    _as(app_role, INSERT)
    with pytest.raises(DatabaseError, match="permission denied|must be owner"):
        _as(app_role, sql)


@pytest.mark.parametrize(
    "sql", [f"UPDATE {TABLE} SET action = 'x'", f"DELETE FROM {TABLE}", f"TRUNCATE {TABLE}"]
)
def test_the_triggers_stop_a_role_wrongly_granted_more(sql) -> None:
    role = _role("SELECT, INSERT, UPDATE, DELETE, TRUNCATE")
    _as(role, INSERT)
    with pytest.raises(DatabaseError, match="append-only"):
        _as(role, sql)


def test_the_triggers_are_in_place() -> None:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal"
            " AND tgenabled <> 'D' ORDER BY tgname",
            [TABLE],
        )
        assert [r[0] for r in cur.fetchall()] == [
            "ammed_auditrecord_append_only",
            "ammed_auditrecord_no_truncate",
        ]
