"""Where a contact stands against its ideal and maximum interval: the one place the band is decided.

A contact with a cadence has two stored moments (contacts.cadence keeps both): ``next_due_at``,
the ideal (last contact plus the frequency), and ``overdue_at``, the maximum (last contact plus
the "at most" interval). In the user's calendar, where the follow-up pages count days:

- **overdue**: the maximum's day has passed (``overdue_at`` before today began). The last day of
  the "at most" interval is still only due: 45 days means 45 days are fine, the 46th is not;
- **due**: the ideal's day has come (``next_due_at`` before tomorrow begins), not yet overdue;
- **not due**: the ideal is still ahead;
- **no cadence**: no frequency, never reminded.

``band_of`` is the rule in Python (for one row already read); ``overdue`` and ``due`` are the
same rule as SQL conditions, so lists filter, count and rank by it from the indexes.
Ranking puts the overdue first: ``overdue_first`` is the ORDER BY term.
"""

from __future__ import annotations

import datetime
from typing import Protocol

from django.db import models
from django.db.models import Case, Q, Value, When


class Band(models.TextChoices):
    OVERDUE = "overdue", "Overdue"
    DUE = "due", "Due"
    NOT_DUE = "not_due", "Not due yet"
    NO_CADENCE = "no_cadence", "No cadence"


class DayBounds(Protocol):
    """The user's today in UTC (contacts.selectors.StatusBounds, followups.selectors.Day)."""

    today_starts: datetime.datetime
    tomorrow_starts: datetime.datetime


def band_of(*, next_due_at: datetime.datetime | None, overdue_at: datetime.datetime | None, day: DayBounds) -> Band:
    if next_due_at is None:
        return Band.NO_CADENCE
    if overdue_at is not None and overdue_at < day.today_starts:
        return Band.OVERDUE
    if next_due_at < day.tomorrow_starts:
        return Band.DUE
    return Band.NOT_DUE


def overdue(day: DayBounds, prefix: str = "") -> Q:
    """Past the maximum. ``prefix`` leads to the contact ("contact__" from a reminder)."""
    return Q(**{f"{prefix}overdue_at__lt": day.today_starts})


def due(day: DayBounds, prefix: str = "") -> Q:
    """Past the ideal (due today or earlier) and not yet past the maximum."""
    return Q(**{f"{prefix}next_due_at__lt": day.tomorrow_starts, f"{prefix}overdue_at__gte": day.today_starts})


def overdue_first(day: DayBounds, prefix: str = ""):
    """ORDER BY term: the overdue before everyone else (then the caller's own order)."""
    return Case(When(overdue(day, prefix), then=Value(0)), default=Value(1), output_field=models.IntegerField())
