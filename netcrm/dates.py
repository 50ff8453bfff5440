"""Small date helpers shared by the apps (no business rules)."""

import datetime


def start_of_local_day(day: datetime.date, zone) -> datetime.datetime:
    """Midnight of ``day`` in ``zone`` as an aware datetime (DST-safe)."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)


def week_starting(moment: datetime.datetime, zone) -> datetime.date:
    """Monday of the week ``moment`` falls in, on the calendar of ``zone``."""
    local_day = moment.astimezone(zone).date()
    return local_day - datetime.timedelta(days=local_day.weekday())


# A date a person types further than this from today is a typo, not a plan (and 9999-12-31 breaks
# date arithmetic downstream: the calendar feed, snoozes).
MAX_YEARS_FROM_TODAY = 10


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` later (or earlier, when negative); 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def check_within_years_of_today(day: datetime.date, *, today: datetime.date, years: int = MAX_YEARS_FROM_TODAY):
    """Raise a ValidationError naming the problem when ``day`` is more than ``years`` from ``today``."""
    from django.core.exceptions import ValidationError

    if day > years_after(today, years):
        raise ValidationError(f"That is more than {years} years away; check the year.", code="too_far_ahead")
    if day < years_after(today, -years):
        raise ValidationError(f"That is more than {years} years ago; check the year.", code="too_far_back")
