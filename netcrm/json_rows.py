"""Model rows read as JSON arrays inside a larger statement, and built back into instances.

A page that needs a few small lists of different tables can read them all in one statement on
PostgreSQL: each list a ``json_agg`` of ``json_build_array(<the row's columns>)``, cast to text.
Each query saved spares Django about a millisecond of building and compiling a queryset and
the page a round trip (README, "What the busiest pages ask of the database"). ``row_sql`` writes
a model's columns in the order ``instance`` reads them back, and ``instance`` gives what the ORM
would have built from the same row.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.db import connection


def row_sql(model, alias: str) -> str:
    """``json_build_array`` of the model's columns from the table aliased ``alias``."""
    columns = ", ".join(f"{alias}.{connection.ops.quote_name(field.column)}" for field in model._meta.concrete_fields)
    return f"json_build_array({columns})"


def parsed(text: str | None):
    """A JSON column's text; numbers with a fraction stay Decimal, so a numeric column keeps the
    scale the ORM would have read (1.0, not 1). None (nothing aggregated) stays None."""
    return None if text is None else json.loads(text, parse_float=Decimal)


def instance(model, values: list):
    """The ``model`` of a ``row_sql`` array (its extra values, past the model's columns, left
    out), each value through its field as the ORM reads it; None when the row was missing (a
    LEFT JOIN that found nothing: its id is NULL)."""
    fields = model._meta.concrete_fields
    values = values[: len(fields)]
    if values[fields.index(model._meta.pk)] is None:
        return None
    return model.from_db(
        connection.alias,
        [field.attname for field in fields],
        [field.to_python(value) for field, value in zip(fields, values, strict=True)],
    )
