"""Rows of hand-written or kept SQL built into model instances: the dashboard's statements
(followups/dashboard), the follow-ups rows shown (followups/board/shown_rows.py) and kept
querysets' rows (netcrm/compiled.py)."""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Callable, Sequence

from django.db import connection, models


def fetch(sql: str, params: dict) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def instance(model, row: dict, prefix: str = "", *, from_json: bool = False):
    """A ``model`` from a dict row's columns named ``prefix`` + field (``builder``)."""
    return builder(model, prefix, tuple(row), from_json=from_json)(tuple(row.values()))


@functools.lru_cache(maxsize=128)
def builder(model, prefix: str, names: tuple[str, ...], *, from_json: bool = False) -> Callable[[Sequence], object]:
    """What makes a ``model`` from a row of a statement whose columns are ``names``: its fields
    from the columns named ``prefix`` + the field's attname (or column), each converted as the
    ORM would; fields not read stay deferred; None when the row has none (its id read NULL, as
    a LEFT JOIN leaves it). Worked out once per shape of row, used on every row. ``from_json``:
    the row came through ``json_agg``, so dates and moments are ISO text."""
    fields, places = [], []
    for field in model._meta.concrete_fields:
        for name in (prefix + field.attname, prefix + field.column):
            if name in names:
                fields.append(field)
                places.append(names.index(name))
                break
    attnames = [field.attname for field in fields]
    converters = []
    for index, field in enumerate(fields):
        if from_json:
            if isinstance(field, models.DateTimeField):
                converters.append((index, datetime.datetime.fromisoformat))
            elif isinstance(field, models.DateField):
                converters.append((index, datetime.date.fromisoformat))
        elif hasattr(field, "from_db_value"):
            converters.append((index, functools.partial(_from_db_value, field)))
    id_place = places[fields.index(model._meta.pk)] if model._meta.pk in fields else None

    def build(row: Sequence):
        if id_place is not None and row[id_place] is None:
            return None
        values = [row[place] for place in places]
        for index, convert in converters:
            if values[index] is not None:
                values[index] = convert(values[index])
        return model.from_db(connection.alias, attnames, values)

    return build


def _from_db_value(field, value):
    return field.from_db_value(value, None, connection)


def json_list(value) -> list:
    """A json_agg column: psycopg parses ``json`` itself; NULL when nothing was aggregated."""
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str) else value
