"""Bulk inserts that stay cheap at the morning peak.

Django's ``bulk_create`` on PostgreSQL sends each column as an array through ``UNNEST``; with
psycopg's client-side binding every array (JSON payloads included) is quoted in Python, which
costs more than the insert itself. ``insert_ignoring_conflicts`` sends the whole batch as one
JSON document instead and lets PostgreSQL unpack it (``jsonb_to_recordset``): one statement,
``ON CONFLICT DO NOTHING`` on a unique constraint, the new rows' ids returned; ``upsert``
is the same with ``ON CONFLICT DO UPDATE``. Other databases (the embedded SQLite default)
take ``bulk_create``.
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
    if field.many_to_one:  # a foreign key: the type of the key it points at
        field = field.target_field
    for cls in type(field).__mro__:
        if cls in _PG_TYPES:
            return _PG_TYPES[cls]
    return "text"


def _prepare(
    model: type[models.Model], rows: list[dict[str, Any]]
) -> tuple[list[models.Field], list[dict[str, Any]]]:
    """The model's columns and each row completed with the fields' defaults (an
    ``auto_now``/``auto_now_add`` field: now)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults = {f.attname: now if _stamped(f) else f.get_default() for f in fields}
    return fields, [{**defaults, **row} for row in rows]


def _stamped(field: models.Field) -> bool:
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def _execute_document(
    model: type[models.Model],
    fields: list[models.Field],
    full: list[dict[str, Any]],
    on_conflict: str,
    returning: list[str],
) -> list[dict[str, Any]]:
    """``INSERT … SELECT … FROM jsonb_to_recordset(<the rows as one JSON document>)``."""
    document = orjson.dumps([{f.column: row[f.attname] for f in fields} for row in full])
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    record = ", ".join(f"{qn(f.column)} {_pg_type(f)}" for f in fields)
    back = [
        model._meta.pk.column if r == "id" else model._meta.get_field(r).column for r in returning
    ]
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({columns}) "
        f"SELECT {columns} FROM jsonb_to_recordset(%s::jsonb) AS t({record}) {on_conflict}"
    )
    if back:
        sql += f" RETURNING {', '.join(qn(c) for c in back)}"
    connection.ensure_connection()
    # A server-side bound parameter: the document travels as data, not as a literal that
    # PostgreSQL's SQL lexer would have to scan (Django's default client-side binding).
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, [document.decode()])
        if not back:
            return []
        return [dict(zip(returning, r, strict=True)) for r in cursor.fetchall()]


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
    fields, full = _prepare(model, rows)
    if connection.vendor != "postgresql":
        return _insert_elsewhere(model, [model(**row) for row in full], conflict, returning)
    qn = connection.ops.quote_name
    on_conflict = f"ON CONFLICT ({', '.join(qn(c) for c in conflict)}) DO NOTHING"
    return _execute_document(model, fields, full, on_conflict, returning)


def upsert(
    model: type[models.Model],
    rows: list[dict[str, Any]],
    conflict: list[str],
    update: list[str],
) -> None:
    """Insert ``rows`` (as ``insert_ignoring_conflicts``); a row whose ``conflict`` columns
    exist updates the ``update`` fields of the stored row instead (and its ``auto_now``
    fields); its other columns are kept. The same row twice in ``rows`` is an error on
    PostgreSQL (one statement cannot update a row twice), as with ``bulk_create``."""
    if not rows:
        return
    fields, full = _prepare(model, rows)
    stamped = [f.attname for f in fields if getattr(f, "auto_now", False)]
    update = [*update, *(f for f in stamped if f not in update)]
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**row) for row in full],
            batch_size=500,
            update_conflicts=True,
            unique_fields=conflict,
            update_fields=update,
        )
        return
    qn = connection.ops.quote_name
    columns = [model._meta.get_field(name).column for name in update]
    on_conflict = f"ON CONFLICT ({', '.join(qn(c) for c in conflict)}) DO UPDATE SET " + ", ".join(
        f"{qn(c)} = EXCLUDED.{qn(c)}" for c in columns
    )
    _execute_document(model, fields, full, on_conflict, [])


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
