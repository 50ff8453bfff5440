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
