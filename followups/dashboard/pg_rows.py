"""Rows of the dashboard's hand-written SQL (pg_reads, pg_body) as dicts and as model instances."""

from __future__ import annotations

import datetime
import functools
import json

from django.db import connection, models


def fetch(sql: str, params: dict) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def instance(model, row: dict, prefix: str = "", *, from_json: bool = False):
    """A ``model`` from the row's columns named ``prefix`` + field, each converted as the ORM
    would (a JSON field's text parsed); fields not read stay deferred. ``from_json``: the row
    came through ``json_agg`` (pg_body), so dates and moments are ISO text and JSON is parsed."""
    columns, attnames, converters = _reading(model, prefix, from_json, tuple(row))
    values = [row[column] for column in columns]
    for index, convert in converters:
        if values[index] is not None:
            values[index] = convert(values[index])
    return model.from_db(connection.alias, attnames, values)


@functools.lru_cache(maxsize=64)
def _reading(model, prefix: str, from_json: bool, columns_read: tuple[str, ...]):
    """How ``instance`` reads a row of these columns: which columns, as which fields, and the
    conversions (worked out once per shape of row: the dashboard builds some forty a visit)."""
    fields = [field for field in model._meta.concrete_fields if prefix + field.attname in columns_read]
    converters = []
    for index, field in enumerate(fields):
        if from_json:
            if isinstance(field, models.DateTimeField):
                converters.append((index, datetime.datetime.fromisoformat))
            elif isinstance(field, models.DateField):
                converters.append((index, datetime.date.fromisoformat))
        elif hasattr(field, "from_db_value"):
            converters.append((index, functools.partial(_from_db_value, field)))
    return [prefix + field.attname for field in fields], [field.attname for field in fields], converters


def _from_db_value(field, value):
    return field.from_db_value(value, None, connection)


def json_list(value) -> list:
    """A json_agg column: psycopg parses ``json`` itself; NULL when nothing was aggregated."""
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str) else value
