"""When a birthday or another important date next falls, as SQL expressions, so the sweep, the
dashboard, the digest and the calendar feed find the dates coming up in one query each,
whatever the number of contacts.

A yearly date falls on its month and day of the year; 29 February falls on 28 February in a
year that has none. "Today" is a constant of the caller (the owner's local day), so the year
arithmetic (this year's date, else next year's) happens in the database without time zones.
"""

from __future__ import annotations

import calendar
import datetime

from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Cast, ExtractDay, ExtractMonth
from django.db.models.lookups import GreaterThanOrEqual


class MakeDate(models.Func):
    """The date of a year, month and day given as integers."""

    function = "make_date"
    arity = 3
    output_field = models.DateField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="date(printf('%%%%04d-%%%%02d-%%%%02d', %(expressions)s))", **extra_context
        )


class DaysFrom(models.Func):
    """Whole days from the second date to the first (negative when the first is earlier)."""

    arity = 2
    output_field = models.IntegerField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


def falls_on(day: datetime.date, year: int) -> datetime.date:
    """The day a yearly ``day`` falls on in ``year`` (the rule the SQL below follows)."""
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return datetime.date(year, 2, 28)
    return day.replace(year=year)


def _in_year(year: int) -> models.Expression:
    day = F("date_day")
    if not calendar.isleap(year):
        day = Case(When(date_month=2, date_day=29, then=Value(28)), default=F("date_day"))
    return MakeDate(Value(year), F("date_month"), day)


def with_next_occurrence(
    queryset: models.QuerySet, *, date_field: str, today: datetime.date, yearly: str | None = None
) -> models.QuerySet:
    """``queryset`` annotated ``occurs_on`` (the date's next day on or after ``today``: this year's
    or next year's for a yearly date; the date itself for a once-only one, which may be past) and
    ``days_until`` (from ``today``). ``yearly`` names a boolean field saying which dates repeat;
    without it every date does (birthdays)."""
    queryset = queryset.annotate(
        date_month=Cast(ExtractMonth(date_field), models.IntegerField()),
        date_day=Cast(ExtractDay(date_field), models.IntegerField()),
    )
    this_year = _in_year(today.year)
    next_date = Case(
        When(GreaterThanOrEqual(this_year, Value(today, output_field=models.DateField())), then=this_year),
        default=_in_year(today.year + 1),
        output_field=models.DateField(),
    )
    if yearly is not None:
        next_date = Case(When(Q(**{yearly: True}), then=next_date), default=F(date_field))
    return queryset.annotate(
        occurs_on=next_date, days_until=DaysFrom(F("occurs_on"), Value(today, output_field=models.DateField()))
    )


def within_days(queryset: models.QuerySet, days) -> models.QuerySet:
    """Those of ``with_next_occurrence`` falling from today to ``days`` (an int or expression) ahead."""
    return queryset.filter(days_until__gte=0, days_until__lte=days)
