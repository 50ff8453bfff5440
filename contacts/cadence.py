"""The cadence rule, in one place.

A contact's frequency is its own override, else its classification's, else none (never
reminded). Its next due moment is its last interaction (else the moment it was added)
plus that many days. The moment is stored on the contact (``next_due_at``, indexed) so
"who is due" is one range query; every write that can move it calls ``refresh_cadence``,
which recomputes it in the database with one UPDATE, whatever the number of rows.

The same UPDATE keeps ``overdue_at``: the same start plus the "at most" interval, which is the
contact's own maximum, else (when the contact has an own frequency) 1.5 times that frequency,
else the classification's maximum, else 1.5 times the classification's frequency; rounded up to
whole days and never shorter than the frequency. contacts.bands says what the two moments mean.
"""

from __future__ import annotations

import datetime
import functools

from django.db import connection, models
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.db.models.lookups import IsNull
from django.db.models.sql import UpdateQuery

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


def _classification_days(field: str):
    from .models import Classification

    days = Classification.objects.filter(pk=OuterRef("classification_id")).values(field)[:1]
    return Subquery(days, output_field=models.IntegerField())


def _one_and_a_half(days):
    """1.5 times ``days``, rounded up (integer division in SQL): 7 -> 11, 30 -> 45."""
    return (days * 3 + 1) / 2


def _effective_every_days():
    return Coalesce(
        F("contact_every_days_override"),
        _classification_days("contact_every_days"),
        output_field=models.IntegerField(),
    )


def _effective_at_most_days():
    every_days = _effective_every_days()
    own_frequency = F("contact_every_days_override")
    at_most = Coalesce(
        F("contact_at_most_days_override"),
        _one_and_a_half(own_frequency),
        _classification_days("contact_at_most_days"),
        _one_and_a_half(_classification_days("contact_every_days")),
        output_field=models.IntegerField(),
    )
    # GREATEST skips NULLs on PostgreSQL but not on SQLite: spelt out, no frequency gives no maximum on both.
    return models.Case(
        models.When(IsNull(every_days, False), then=Greatest(at_most, every_days)),
        default=None,
        output_field=models.IntegerField(),
    )


def refresh_cadence(contacts: QuerySet) -> int:
    """Recompute ``last_interaction``, ``last_interaction_at``, ``next_due_at`` and
    ``overdue_at`` for ``contacts`` in one UPDATE.

    Call it after any write that changes an interaction, a contact's classification or
    override, or a classification's frequency. Idempotent; returns the rows touched.
    One contact of a known owner: ``refresh_cadence_of``.
    """
    touch(contacts.order_by().values_list("owner_id", flat=True).distinct())
    return contacts.order_by().update(**_cadence_values())


def _cadence_values() -> dict:
    newest = _newest_interaction("occurred_at", models.DateTimeField())
    since = Coalesce(newest, F("created_at"))
    return {
        "last_interaction": _newest_interaction("pk", models.BigIntegerField()),
        "last_interaction_at": newest,
        "next_due_at": AddDays(since, _effective_every_days()),
        "overdue_at": AddDays(since, _effective_at_most_days()),
    }


# A contact id no network reaches, put where one contact's id goes in the compiled UPDATE.
_ONE_CONTACT = 987654321987654321


@functools.cache
def _one_contact_update(vendor: str) -> tuple[str, tuple]:
    """``refresh_cadence``'s UPDATE for one contact, compiled once per process: its correlated
    subqueries cost Django more to build and compile than the database spends running them, and
    every logged interaction runs it (bench/load)."""
    from .models import Contact

    query = Contact.objects.filter(pk=_ONE_CONTACT).order_by().query.chain(UpdateQuery)
    query.add_update_values(_cadence_values())
    sql, params = query.get_compiler(connection.alias).as_sql()
    if list(params).count(_ONE_CONTACT) != 1:
        raise RuntimeError("refresh_cadence_of: the compiled UPDATE should name one contact, once")
    return sql, tuple(params)


def refresh_cadence_of(*, contact_id: int, owner_id: int) -> int:
    """``refresh_cadence`` for one contact of ``owner_id``'s (the pages' writes): the same UPDATE."""
    touch([owner_id])
    sql, params = _one_contact_update(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, tuple(contact_id if value == _ONE_CONTACT else value for value in params))
        return cursor.rowcount


def at_most_days(
    *, every_days_override: int | None, at_most_days_override: int | None, classification=None
) -> int | None:
    """The "at most" interval in plain Python: the reference the stored ``overdue_at`` is tested against."""
    every_days = every_days_override or (classification.contact_every_days if classification else None)
    if not every_days:
        return None
    if at_most_days_override:
        at_most = at_most_days_override
    elif every_days_override:
        at_most = (every_days_override * 3 + 1) // 2
    elif classification.contact_at_most_days:
        at_most = classification.contact_at_most_days
    else:
        at_most = (every_days * 3 + 1) // 2
    return max(at_most, every_days)


def next_due_from_scratch(
    *, last_interaction_at: datetime.datetime | None, created_at: datetime.datetime, every_days: int | None
) -> datetime.datetime | None:
    """The rule in plain Python: the reference the stored value is tested against."""
    if not every_days:
        return None
    return (last_interaction_at or created_at) + datetime.timedelta(days=every_days)
