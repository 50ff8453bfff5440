"""Thousands of rows in one statement, for the tests that need a big network: an INSERT … SELECT
(as bench/*.py does) instead of building a Python object per row for bulk_create, which spent
seconds per test before the test had asked anything.

Works on PostgreSQL and on the SQLite of a quick local run (the series is a recursive CTE)."""

from django.db import connection, models
from django.utils import timezone

from netcrm import sql as netcrm_sql


class Sql(str):
    """A column's value as an SQL expression over the source's columns (a ``series``: ``n`` is 0, 1, …).
    With parameters in the statement, a literal ``%`` is written ``%%``."""


def series(count: int) -> tuple[str, list]:
    """``(source, params)`` for ``insert_select``: ``count`` rows, numbered ``n`` from 0 in order."""
    source = (
        "(WITH RECURSIVE numbers(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM numbers WHERE n + 1 < %s)"
        " SELECT n FROM numbers) AS series ORDER BY n"
    )
    return source, [count]


def insert_select(model, *, source: str, params=(), **values) -> int:
    """One ``INSERT INTO <model's table> SELECT … FROM <source>``: a row per row of ``source``.

    A value given as ``Sql`` is that expression; any other value given (a model instance stands
    for its pk), and every field left out, is a parameter: the field's default, or now for an
    ``auto_now`` field, as bulk_create would give it. Returns how many rows were inserted."""
    now = timezone.now()
    columns, selected, selected_params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.attname in values or field.name in values:
            value = values.pop(field.attname) if field.attname in values else values.pop(field.name)
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        else:
            value = field.get_default()
        columns.append(connection.ops.quote_name(field.column))
        if isinstance(value, Sql):
            selected.append(value)
            continue
        if isinstance(value, models.Model):
            value = value.pk
        selected.append("%s")
        selected_params.append(field.get_db_prep_save(value, connection))
    if values:
        raise TypeError(f"{model.__name__} has no field {', '.join(sorted(values))}")
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(selected)} FROM {source}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*selected_params, *params])
        return cursor.rowcount


def analyze(*tables: type[models.Model]) -> None:
    """``ANALYZE`` these models' tables on PostgreSQL, as autovacuum would. Autovacuum cannot see
    the rows a test's transaction wrote: planned from the statistics of the empty tables (an order
    pytest-randomly can give), a statement over thousands of rows can take them for a handful and
    loop over them (seen: the dashboard for minutes, the bulk actions 15-34 s, the foreign-key checks
    at the transaction's end)."""
    netcrm_sql.analyze(tables)
