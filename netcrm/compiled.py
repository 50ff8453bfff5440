"""SQL of querysets that follow from a few arguments alone, compiled once per process.

Building and compiling a queryset with correlated subqueries, CASEs and UNIONs costs Django
several milliseconds each time, often more than PostgreSQL spends running it (bench/load). When
the SQL and its parameters depend on nothing but the arguments the queryset is built from (no
row is read to build it), the compiled pair can be kept and reused: the data it reads is read
afresh every time.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from django.db import connection
from django.db.models import QuerySet

from netcrm.pg_rows import builder
from netcrm.prepared import run_compiled


class CompiledQueries:
    """(sql, params) by the arguments they were built from, at most ``kept`` of them; when full,
    all are dropped (old days' and old users') and compiled again when next asked for."""

    def __init__(self, kept: int = 1024):
        self.kept = kept
        self._compiled: dict[Hashable, tuple[str, tuple]] = {}

    def sql(self, key: Hashable, build: Callable[[], QuerySet]) -> tuple[str, tuple]:
        """The SQL of ``build()``, compiled once for ``key`` (which must hold every argument
        ``build`` uses); the database vendor is part of the key."""
        key = (connection.vendor, key)
        compiled = self._compiled.get(key)
        if compiled is None:
            if len(self._compiled) >= self.kept:
                self._compiled.clear()
            compiled = self._compiled[key] = build().query.sql_with_params()
        return compiled


def run(name: str, sql: str, params) -> tuple[tuple[str, ...], list[tuple]]:
    """Column names and rows of kept SQL; on PostgreSQL also prepared once per connection
    (netcrm/prepared.py), since planning these short statements costs about what running them does."""
    if connection.vendor == "postgresql":
        return run_compiled(name, sql, params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return tuple(column[0] for column in cursor.description), cursor.fetchall()


def instances(name: str, model, sql: str, params) -> list:
    """The ``model`` rows of kept SQL as ``Model.objects.raw`` gives them: its fields from the
    columns named after them (netcrm.pg_rows), any other column (an annotation) as an attribute."""
    names, rows = run(name, sql, params)
    build = builder(model, "", names)
    read = {field.column for field in model._meta.concrete_fields} | {f.attname for f in model._meta.concrete_fields}
    others = [(index, column) for index, column in enumerate(names) if column not in read]
    found = []
    for row in rows:
        instance = build(row)
        for index, column in others:
            setattr(instance, column, row[index])
        found.append(instance)
    return found
