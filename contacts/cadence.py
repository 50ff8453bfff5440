"""The cadence rule, in one place.

A contact's frequency is its own override, else its classification's, else none (never
reminded). Its next due moment is its last interaction (else the moment it was added)
plus that many days. The moment is stored on the contact (``next_due_at``, indexed) so
"who is due" is one range query; every write that can move it calls ``refresh_cadence``,
which recomputes it in the database with one UPDATE, whatever the number of rows.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .freshness import touch


class AddDays(models.Func):
    """``moment + days`` in SQL (whole 24-hour days); NULL days give NULL."""

    output_field = models.DateTimeField()
    arity = 2

    def as_postgresql(self, compiler, connection, **extra_context):
        (moment_sql, moment_params), (days_sql, days_params) = map(compiler.compile, self.source_expressions)
        return f"({moment_sql} + make_interval(days => ({days_sql})::int))", (*moment_params, *days_params)

    def as_sqlite(self, compiler, connection, **extra_context):
        (moment_sql, moment_params), (days_sql, days_params) = map(compiler.compile, self.source_expressions)
        # Django keeps SQLite datetimes as UTC text 'YYYY-MM-DD HH:MM:SS[.ffffff]'; datetime()
        # drops the fraction, so the original's microseconds (from character 20) are put back.
        sql = f"(datetime({moment_sql}, '+' || ({days_sql}) || ' days') || substr({moment_sql}, 20))"
        return sql, (*moment_params, *days_params, *moment_params)


def _newest_interaction(field: str, output_field: models.Field):
    from .models import Interaction

    newest = Interaction.objects.filter(contact=OuterRef("pk")).order_by("-occurred_at", "-pk").values(field)[:1]
    return Subquery(newest, output_field=output_field)


def _effective_every_days():
    from .models import Classification

    classification_days = Classification.objects.filter(pk=OuterRef("classification_id")).values("contact_every_days")[
        :1
    ]
    return Coalesce(
        F("contact_every_days_override"),
        Subquery(classification_days, output_field=models.IntegerField()),
        output_field=models.IntegerField(),
    )


def refresh_cadence(contacts: QuerySet) -> int:
    """Recompute ``last_interaction``, ``last_interaction_at`` and ``next_due_at`` for
    ``contacts`` in one UPDATE.

    Call it after any write that changes an interaction, a contact's classification or
    override, or a classification's frequency. Idempotent; returns the rows touched.
    """
    touch(contacts.order_by().values_list("owner_id", flat=True).distinct())
    newest = _newest_interaction("occurred_at", models.DateTimeField())
    return contacts.order_by().update(
        last_interaction=_newest_interaction("pk", models.BigIntegerField()),
        last_interaction_at=newest,
        next_due_at=AddDays(Coalesce(newest, F("created_at")), _effective_every_days()),
    )


def next_due_from_scratch(
    *, last_interaction_at: datetime.datetime | None, created_at: datetime.datetime, every_days: int | None
) -> datetime.datetime | None:
    """The rule in plain Python: the reference the stored value is tested against."""
    if not every_days:
        return None
    return (last_interaction_at or created_at) + datetime.timedelta(days=every_days)
