"""Small date helpers shared by the apps (no business rules)."""

import datetime


def start_of_local_day(day: datetime.date, zone) -> datetime.datetime:
    """Midnight of ``day`` in ``zone`` as an aware datetime (DST-safe)."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)


def week_starting(moment: datetime.datetime, zone) -> datetime.date:
    """Monday of the week ``moment`` falls in, on the calendar of ``zone``."""
    local_day = moment.astimezone(zone).date()
    return local_day - datetime.timedelta(days=local_day.weekday())
