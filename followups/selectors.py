"""Reads shared by the follow-up pages: the user's day, where we left off, a contact's open items."""

from __future__ import annotations

import dataclasses
import datetime
import functools

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from contacts import bands
from contacts.models import Contact
from netcrm.dates import start_of_local_day, week_starting
from netcrm.json_rows import instance, parsed, row_sql
from netcrm.prepared import PreparedStatement

from .models import OPEN_STATES, Commitment, Reminder


@dataclasses.dataclass
class Day:
    """The user's today and the boundaries the follow-up lists are cut at, in UTC."""

    today: datetime.date
    now: datetime.datetime
    today_starts: datetime.datetime
    tomorrow_starts: datetime.datetime
    week_ends: datetime.datetime
    week_starting: datetime.date

    @classmethod
    def of(cls, now: datetime.datetime, zone) -> Day:
        today = timezone.localtime(now, zone).date()
        return cls(
            today=today,
            now=now,
            today_starts=start_of_local_day(today, zone),
            tomorrow_starts=start_of_local_day(today + datetime.timedelta(days=1), zone),
            week_ends=start_of_local_day(today + datetime.timedelta(days=7), zone),
            week_starting=week_starting(now, zone),
        )


def days_between(due_at: datetime.datetime, today: datetime.date, zone) -> int:
    """Whole local calendar days from the due moment's date to ``today`` (negative = not yet due)."""
    return (today - timezone.localtime(due_at, zone).date()).days


def due_in_words(days_overdue: int, due_on: datetime.date) -> str:
    """ "due 3 days ago", "due today", "due Friday": how the follow-ups page and the digest say when
    someone was due (``days_overdue`` from ``days_between``; ``due_on`` the local day it falls on)."""
    if days_overdue > 0:
        return f"due {days_overdue} day{'s' if days_overdue != 1 else ''} ago"
    if days_overdue == 0:
        return "due today"
    return f"due {date_format(due_on, 'l')}"


def with_last_interaction(queryset: QuerySet, contact_path: str = "contact__") -> QuerySet:
    """Annotate ``last_summary`` and ``last_next_step`` (pick up where you left off), read
    through the contact's ``last_interaction`` pointer (kept by contacts.cadence): one join.
    ``contact_path`` leads from the queryset's model to the contact: "" on Contact itself."""
    path = f"{contact_path}last_interaction__"
    return queryset.annotate(last_summary=F(path + "summary"), last_next_step=F(path + "next_step"))


def open_reminders_for_contact(*, contact: Contact) -> QuerySet[Reminder]:
    return contact.reminders.filter(state__in=OPEN_STATES).order_by("due_at", "pk")


def open_commitments_for_contact(*, contact: Contact) -> QuerySet[Commitment]:
    return contact.commitments.filter(state=Commitment.State.OPEN).order_by("due_on", "pk")


def reads_open_items_in_one_statement() -> bool:
    return connection.vendor == "postgresql"


def open_items_for_contact(*, owner, contact: Contact) -> tuple[list[Reminder], list[Commitment]]:
    """The contact's open reminders and open promises, as the two functions above list them:
    for the contact page, the page opened most, in one statement on PostgreSQL (each list a
    JSON column: netcrm.json_rows; prepared once per connection: netcrm/prepared.py), scoped to
    ``owner``; two queries on SQLite."""
    if not reads_open_items_in_one_statement():
        return list(open_reminders_for_contact(contact=contact)), list(open_commitments_for_contact(contact=contact))
    params = {"owner": owner.pk, "contact": contact.pk, "open_states": list(OPEN_STATES), "open": Commitment.State.OPEN}
    (row,) = _open_items_statement().fetch(params)
    return (
        [instance(Reminder, values) for values in parsed(row["reminders"]) or []],
        [instance(Commitment, values) for values in parsed(row["commitments"]) or []],
    )


@functools.cache
def _open_items_statement() -> PreparedStatement:
    return PreparedStatement("netcrm_contact_open_items", _open_items_sql())


def _open_items_sql() -> str:
    reminders, commitments = (connection.ops.quote_name(model._meta.db_table) for model in (Reminder, Commitment))
    return f"""
SELECT
  (SELECT json_agg({row_sql(Reminder, "r")} ORDER BY r.due_at, r.id)::text FROM {reminders} r
    WHERE r.owner_id = %(owner)s AND r.contact_id = %(contact)s AND r.state = ANY(%(open_states)s)) AS reminders,
  (SELECT json_agg({row_sql(Commitment, "c")} ORDER BY c.due_on, c.id)::text FROM {commitments} c
    WHERE c.owner_id = %(owner)s AND c.contact_id = %(contact)s AND c.state = %(open)s) AS commitments
"""


def week_plan_candidates(*, owner, day) -> dict[str, list[Contact]]:
    """What the week-plan page offers: already planned, overdue (past the maximum) and the rest
    due this week (most overdue first), and suggestions: people without a cadence not contacted
    for six months. Four queries."""
    from .models import WeekPlanEntry

    planned_ids = WeekPlanEntry.objects.for_user(owner).filter(week_starting=day.week_starting).values("contact_id")
    contacts = Contact.objects.for_user(owner).select_related("classification")
    half_a_year_ago = day.now - datetime.timedelta(days=182)
    return {
        "planned": list(contacts.filter(pk__in=planned_ids)),
        "overdue": list(contacts.filter(bands.overdue(day)).order_by("next_due_at", "pk")[:50]),
        "due": list(
            contacts.filter(next_due_at__lt=day.week_ends, overdue_at__gte=day.today_starts).order_by(
                "next_due_at", "pk"
            )
        ),
        "suggested": list(
            contacts.filter(next_due_at__isnull=True)
            .filter(Q(last_interaction_at__lt=half_a_year_ago) | Q(last_interaction_at__isnull=True))
            .order_by("last_interaction_at", "pk")[:10]
        ),
    }
