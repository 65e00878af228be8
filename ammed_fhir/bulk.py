"""Bulk inserts that stay cheap at the morning peak.

Django's ``bulk_create`` on PostgreSQL sends each column as an array through ``UNNEST``; with
psycopg's client-side binding every array (JSON payloads included) is quoted in Python, which
costs more than the insert itself. ``insert_ignoring_conflicts`` sends the whole batch as one
JSON document instead and lets PostgreSQL unpack it (``jsonb_to_recordset``): one statement,
``ON CONFLICT DO NOTHING`` on a unique constraint, the new rows' ids returned. Other
databases (the embedded SQLite default) take ``bulk_create(ignore_conflicts=True)``.
"""

from __future__ import annotations

from typing import Any

import orjson
import psycopg
from django.db import connection, models
from django.utils import timezone

_PG_TYPES: dict[type[models.Field], str] = {
    models.JSONField: "jsonb",
    models.DateTimeField: "timestamptz",
    models.DateField: "date",
    models.BooleanField: "boolean",
    models.PositiveSmallIntegerField: "integer",
    models.SmallIntegerField: "integer",
    models.PositiveIntegerField: "bigint",
    models.IntegerField: "bigint",
    models.BigIntegerField: "bigint",
    models.FloatField: "double precision",
}


def _pg_type(field: models.Field) -> str:
    for cls in type(field).__mro__:
        if cls in _PG_TYPES:
            return _PG_TYPES[cls]
    return "text"


def insert_ignoring_conflicts(
    model: type[models.Model],
    rows: list[dict[str, Any]],
    conflict: list[str],
    returning: list[str],
) -> list[dict[str, Any]]:
    """Insert ``rows`` (field name → value; missing fields take their defaults, an
    ``auto_now_add`` field now), skipping any that would violate the unique constraint on the
    ``conflict`` columns; rows that already exist are left untouched. Returns the
    ``returning`` fields (``"id"`` for the primary key) of each row actually inserted, in no
    particular order."""
    if not rows:
        return []
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults = {
        f.attname: now if getattr(f, "auto_now_add", False) else f.get_default() for f in fields
    }
    full = [{**defaults, **row} for row in rows]
    if connection.vendor != "postgresql":
        return _insert_elsewhere(model, [model(**row) for row in full], conflict, returning)
    document = orjson.dumps([{f.column: row[f.attname] for f in fields} for row in full])
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    record = ", ".join(f"{qn(f.column)} {_pg_type(f)}" for f in fields)
    back = [
        model._meta.pk.column if r == "id" else model._meta.get_field(r).column for r in returning
    ]
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({columns}) "
        f"SELECT {columns} FROM jsonb_to_recordset(%s::jsonb) AS t({record}) "
        f"ON CONFLICT ({', '.join(qn(c) for c in conflict)}) DO NOTHING "
        f"RETURNING {', '.join(qn(c) for c in back)}"
    )
    connection.ensure_connection()
    # A server-side bound parameter: the document travels as data, not as a literal that
    # PostgreSQL's SQL lexer would have to scan (Django's default client-side binding).
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, [document.decode()])
        return [dict(zip(returning, r, strict=True)) for r in cursor.fetchall()]


def _insert_elsewhere(
    model: type[models.Model], rows: list[models.Model], conflict: list[str], returning: list[str]
) -> list[dict[str, Any]]:
    """The same for the embedded single-writer database: skip known keys, then bulk_create."""
    from django.db.models import Q

    def key(row: Any) -> tuple[Any, ...]:
        return tuple(row[c] if isinstance(row, dict) else getattr(row, c) for c in conflict)

    query = Q()
    for row in rows:
        query |= Q(**{c: getattr(row, c) for c in conflict})
    known = {key(r) for r in model.objects.filter(query).values(*conflict)}
    fresh: dict[tuple[Any, ...], models.Model] = {}
    for row in rows:
        if key(row) not in known:
            fresh.setdefault(key(row), row)
    created = model.objects.bulk_create(list(fresh.values()), batch_size=500)
    return [{r: (obj.pk if r == "id" else getattr(obj, r)) for r in returning} for obj in created]
