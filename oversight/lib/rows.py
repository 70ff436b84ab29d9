"""Single-row statements for the hot paths, written once and reused.

Building a statement is most of the ORM's cost for a one-row insert or lookup (a registration
spent about twice as long in Python composing SQL as PostgreSQL spent answering it). These
helpers build the SQL once per model and connection vendor and then only prepare values, with
the same field methods `Model.save()` and querysets use: defaults, `auto_now_add`, file
storage, JSON encoding on the way in; the backend's and the field's converters on the way out.
They bypass no database constraint or trigger; there are no model signals in this project.

On PostgreSQL their statements go through a server-binding cursor, so the server parses and
plans each of them once per connection (psycopg prepares a statement on its fifth use) instead
of on every call; elsewhere they use the connection's ordinary cursor.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar, cast

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, Model
from django.db.models.fields import AutoFieldMixin

M = TypeVar("M", bound=Model)


def hot_cursor(using: str = DEFAULT_DB_ALIAS) -> Any:
    """A cursor for statements run on every request of a hot path: on PostgreSQL one that
    binds parameters on the server, which lets psycopg prepare repeated statements; wrapped as
    Django wraps its own (errors translated, queries logged and counted, execute wrappers)."""
    conn = connections[using]
    if conn.vendor != "postgresql":
        return conn.cursor()
    from django.db.backends.postgresql.base import (  # type: ignore[attr-defined]
        TIMESTAMPTZ_OID,
        ServerBindingCursor,
    )
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    conn.close_if_health_check_failed()
    conn.ensure_connection()
    with conn.wrap_database_errors:
        cursor = ServerBindingCursor(conn.connection)
        # As Django's own cursors: read timestamps in the connection's time zone.
        loader = conn.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        if conn.timezone != loader.timezone:
            register_tzloader(conn.timezone, cursor)
        conn.validate_thread_sharing()
        if conn.queries_logged:
            return _logged_cursor_class()(cursor, conn)
        return conn.make_cursor(cursor)


@cache
def _logged_cursor_class() -> type:
    """Django's query log reads a statement's text back from the driver, which has none for
    a prepared statement: log the statement as written, with its parameters."""
    from django.db.backends.postgresql.base import CursorDebugWrapper

    class LoggedHotCursor(CursorDebugWrapper):
        @contextmanager
        def debug_sql(self, sql=None, params=None, use_last_executed_query=False, many=False):  # type: ignore[no-untyped-def]
            with super().debug_sql(sql, params, use_last_executed_query=False, many=many):
                yield

    return LoggedHotCursor


_inserts: dict[tuple[str, type[Model], bool], tuple[str, list[Field]]] = {}
_loaders: dict[
    tuple[str, type[Model], tuple[str, ...]], tuple[list[str], list[int], list[Any]]
] = {}


@dataclass(frozen=True)
class Statement:
    """A statement whose result nobody reads (an UPDATE, say), to run with `write_together`."""

    sql: str
    params: Sequence[Any]


def _insert_statement(obj: Model, conn: Any) -> tuple[str, list[Any], bool]:
    """The INSERT for `obj` (with its primary key when already set), its parameters, and
    whether it returns the generated key. Prepares values as `save()` does."""
    model = type(obj)
    has_pk = obj.pk is not None
    key = (conn.vendor, model, has_pk)
    if key not in _inserts:
        fields = [
            f
            for f in model._meta.concrete_fields
            if has_pk or not (f.primary_key and isinstance(f, AutoFieldMixin))
        ]
        q = conn.ops.quote_name
        sql = (
            f"INSERT INTO {q(model._meta.db_table)} ({', '.join(q(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
        if not has_pk and conn.features.can_return_columns_from_insert:
            sql += f" RETURNING {q(model._meta.pk.column)}"
        _inserts[key] = (sql, fields)
    sql, fields = _inserts[key]
    # As save() does: a related object saved since it was assigned lends its key now.
    obj._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]
    values = [f.get_db_prep_save(f.pre_save(obj, True), conn) for f in fields]
    return sql, values, not has_pk


def _inserted(obj: M, pk: Any, using: str) -> M:
    if obj.pk is None:
        obj.pk = pk
    obj._state.adding, obj._state.db = False, using
    return obj


def insert(obj: M, *, using: str = DEFAULT_DB_ALIAS) -> M:
    """`obj.save(force_insert=True)` in one prepared statement; sets the primary key."""
    conn = connections[using]
    sql, values, returns = _insert_statement(obj, conn)
    with hot_cursor(using) as cur:
        cur.execute(sql, values)
        pk = None
        if returns:
            returning = conn.features.can_return_columns_from_insert
            pk = cur.fetchone()[0] if returning else cur.lastrowid
    return _inserted(obj, pk, using)


def write_together(*items: Model | Statement, using: str = DEFAULT_DB_ALIAS) -> None:
    """Insert the new instances and run the statements, in this order, as one statement on
    PostgreSQL (data-modifying WITH clauses: one round trip, each part run once, foreign keys
    checked at the end) and one after another elsewhere. No part may read what another writes,
    so keys that link them must be set beforehand; keys generated for unlinked rows are set
    on their instances afterwards."""
    conn = connections[using]
    if conn.vendor != "postgresql" or len(items) < 2:
        for item in items:
            if isinstance(item, Statement):
                with hot_cursor(using) as cur:
                    cur.execute(item.sql, list(item.params))
            else:
                insert(item, using=using)
        return
    parts: list[str] = []
    params: list[Any] = []
    returning: dict[int, str] = {}  # position of each insert that returns its key: key column
    for i, item in enumerate(items):
        if isinstance(item, Statement):
            parts.append(item.sql)
            params.extend(item.params)
            continue
        sql, values, returns = _insert_statement(item, conn)
        parts.append(sql)
        params.extend(values)
        if returns:
            returning[i] = item._meta.pk.column
    q = conn.ops.quote_name
    select = ", ".join(f"(SELECT {q(column)} FROM w{i})" for i, column in returning.items())
    sql = "WITH " + ", ".join(f"w{i} AS ({part})" for i, part in enumerate(parts))
    sql += f" SELECT {select or '1'}"
    with hot_cursor(using) as cur:
        cur.execute(sql, params)
        generated = dict(zip(returning, cur.fetchone(), strict=False))
    for i, item in enumerate(items):
        if isinstance(item, Model):
            _inserted(item, generated.get(i), using)


def to_instance(model: type[M], names: Sequence[str], row: Sequence[Any], *, using: str) -> M:
    """A model instance from raw column values (`row` in the order of `names`, which are
    attribute names such as `guardian_id`), converted as a queryset converts them. Fields not
    in `names` are deferred: read on first access, never guessed."""
    conn = connections[using]
    key = (conn.vendor, model, tuple(names))
    if key not in _loaders:
        position = {f.attname: i for i, f in enumerate(model._meta.concrete_fields)}
        order = sorted(range(len(names)), key=lambda i: position[names[i]])
        converters = []
        for i in order:
            field = cast(Field, model._meta.get_field(names[i]))
            col = field.get_col(model._meta.db_table)
            converters.append((col, conn.ops.get_db_converters(col) + col.get_db_converters(conn)))
        _loaders[key] = ([names[i] for i in order], order, converters)
    ordered, order, converters = _loaders[key]
    values = []
    for i, (col, funcs) in zip(order, converters, strict=True):
        value = row[i]
        for func in funcs:
            value = func(value, col, conn)
        values.append(value)
    return model.from_db(using, ordered, values)


_locks: dict[tuple[str, type[Model]], tuple[str, list[str]]] = {}


def get_for_update(model: type[M], pk: Any, *, using: str = DEFAULT_DB_ALIAS) -> M:
    """`model.objects.select_for_update().get(pk=pk)` in one prepared statement (the row lock
    is left out where the backend has none, as the ORM does; SQLite's transactions are
    IMMEDIATE, so writers are serialised anyway). Raises `model.DoesNotExist`."""
    conn = connections[using]
    key = (conn.vendor, model)
    if key not in _locks:
        q = conn.ops.quote_name
        names = [f.attname for f in model._meta.concrete_fields]
        sql = (
            f"SELECT {', '.join(q(f.column) for f in model._meta.concrete_fields)} "
            f"FROM {q(model._meta.db_table)} WHERE {q(model._meta.pk.column)} = %s"
        )
        if conn.features.has_select_for_update:
            sql += " FOR UPDATE"
        _locks[key] = (sql, names)
    sql, names = _locks[key]
    with hot_cursor(using) as cur:
        cur.execute(sql, [pk])
        row = cur.fetchone()
    if row is None:
        raise cast(Any, model).DoesNotExist(f"{model._meta.object_name} {pk} does not exist")
    return to_instance(model, names, row, using=using)
