"""Reads only the API has: its filtered lists of reminders and promises. (Who is due, today's
outreach and the contacts list come from the selectors the pages use.)"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from followups.models import Commitment, Reminder
from followups.selectors import Day


class Due:
    OVERDUE = "overdue"
    TODAY = "today"
    WEEK = "week"


def reminders_listed(*, owner, day: Day, state: str = "", kind: str = "", due: str = "") -> QuerySet[Reminder]:
    """The owner's reminders, open and snoozed unless ``state`` says otherwise, the earliest due
    first. ``due``: overdue (before today, in the owner's zone) or today, as the follow-ups page cuts."""
    reminders = Reminder.objects.for_user(owner).select_related("contact")
    reminders = reminders.filter(state=state) if state else reminders.still_open()
    if kind:
        reminders = reminders.filter(kind=kind)
    if due == Due.OVERDUE:
        reminders = reminders.filter(due_at__lt=day.today_starts)
    elif due == Due.TODAY:
        reminders = reminders.filter(due_at__gte=day.today_starts, due_at__lt=day.tomorrow_starts)
    return reminders.order_by("due_at", "pk")


def promises_listed(*, owner, day: Day, state: str = "", due: str = "") -> QuerySet[Commitment]:
    """The owner's promises, the earliest due first. ``due``: overdue (due before today) or week
    (due within seven days, overdue ones included, as the dashboard counts them)."""
    promises = Commitment.objects.for_user(owner).select_related("contact")
    if state:
        promises = promises.filter(state=state)
    if due == Due.OVERDUE:
        promises = promises.filter(due_on__lt=day.today)
    elif due == Due.WEEK:
        promises = promises.filter(Q(due_on__lt=day.today + datetime.timedelta(days=7)))
    return promises.order_by("due_on", "pk")
