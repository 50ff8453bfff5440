"""Reads for the follow-ups page: each section is one query, whatever the network's size."""

from __future__ import annotations

import dataclasses
import datetime

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from contacts.models import Contact
from contacts.ownership import group_by_owner
from netcrm.dates import start_of_local_day, week_starting

from .models import OPEN_STATES, Commitment, Reminder
from .sweep import reminded_for_current_due_moment


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


def with_last_interaction(queryset: QuerySet, contact_path: str = "contact__") -> QuerySet:
    """Annotate ``last_summary`` and ``last_next_step`` (pick up where you left off), read
    through the contact's ``last_interaction`` pointer (kept by contacts.cadence): one join.
    ``contact_path`` leads from the queryset's model to the contact: "" on Contact itself."""
    path = f"{contact_path}last_interaction__"
    return queryset.annotate(last_summary=F(path + "summary"), last_next_step=F(path + "next_step"))


@dataclasses.dataclass
class BoardRow:
    contact: Contact
    due_at: datetime.datetime
    days_overdue: int
    last_summary: str | None
    last_next_step: str | None
    reminder: Reminder | None = None

    @property
    def guidance(self) -> str:
        if self.reminder is not None and self.reminder.message:
            return self.reminder.message
        classification = self.contact.classification
        return classification.message_guidance if classification else ""

    @property
    def dom_id(self) -> str:
        return f"reminder-{self.reminder.pk}" if self.reminder else f"contact-{self.contact.pk}"


@dataclasses.dataclass
class Board:
    today: datetime.date
    overdue: list[BoardRow]
    due_today: list[BoardRow]
    this_week: list[BoardRow]
    snoozed: list[BoardRow]
    promises: list[Commitment]

    @property
    def is_empty(self) -> bool:
        return not (self.overdue or self.due_today or self.this_week or self.snoozed or self.promises)


def days_between(due_at: datetime.datetime, today: datetime.date, zone) -> int:
    """Whole local calendar days from the due moment's date to ``today`` (negative = not yet due)."""
    return (today - timezone.localtime(due_at, zone).date()).days


def _reminder_rows(reminders, today, zone) -> list[BoardRow]:
    return [
        BoardRow(
            contact=r.contact,
            due_at=r.due_at,
            days_overdue=days_between(r.due_at, today, zone),
            last_summary=r.last_summary,
            last_next_step=r.last_next_step,
            reminder=r,
        )
        for r in reminders
    ]


def followup_board(*, owner, zone, now: datetime.datetime | None = None, include_snoozed: bool = True) -> Board:
    """Overdue, due today, due this week, snoozed and promises for ``owner``, in their zone.
    Four queries (three without the snoozed section), whatever the number of rows."""
    return followup_boards(owner_ids=[owner.pk], zone=zone, now=now, include_snoozed=include_snoozed)[owner.pk]


def followup_boards(
    *, owner_ids, zone, now: datetime.datetime | None = None, include_snoozed: bool = True
) -> dict[int, Board]:
    """``followup_board`` for many users who share a time zone (everyone whose weekly digest
    falls in the same slot), in the same four queries whatever the number of users."""
    day = Day.of(now or timezone.now(), zone)
    today, today_starts, tomorrow_starts = day.today, day.today_starts, day.tomorrow_starts

    reminders = with_last_interaction(
        Reminder.objects.filter(owner_id__in=owner_ids).select_related("contact__classification", "commitment")
    )
    open_reminders = reminders.filter(state=Reminder.State.OPEN, due_at__lt=tomorrow_starts).order_by("due_at", "pk")
    # Contacts coming due this week, and lapsed ones the sweep has not reached yet.
    unreminded = with_last_interaction(
        Contact.objects.filter(owner_id__in=owner_ids)
        .filter(next_due_at__lt=day.week_ends)
        .filter(~reminded_for_current_due_moment())
        .select_related("classification")
        .order_by("next_due_at", "pk"),
        contact_path="",
    )
    rows = group_by_owner(
        _reminder_rows(open_reminders, today, zone) + _contact_rows(unreminded, today, zone), _row_owner_id
    )
    snoozed = (
        group_by_owner(
            _reminder_rows(reminders.filter(state=Reminder.State.SNOOZED).order_by("snoozed_until", "pk"), today, zone),
            _row_owner_id,
        )
        if include_snoozed
        else {}
    )
    promises = group_by_owner(
        Commitment.objects.filter(owner_id__in=owner_ids, state=Commitment.State.OPEN)
        .select_related("contact")
        .order_by("due_on", "pk")
    )
    boards = {}
    for owner_id in owner_ids:
        owner_rows = sorted(rows.get(owner_id, []), key=lambda row: (row.due_at, row.contact.pk))
        boards[owner_id] = Board(
            today=today,
            overdue=[row for row in owner_rows if row.due_at < today_starts],
            due_today=[row for row in owner_rows if today_starts <= row.due_at < tomorrow_starts],
            this_week=[row for row in owner_rows if row.due_at >= tomorrow_starts],
            snoozed=snoozed.get(owner_id, []),
            promises=promises.get(owner_id, []),
        )
    return boards


def _row_owner_id(row: BoardRow) -> int:
    return row.contact.owner_id


def _contact_rows(contacts, today, zone) -> list[BoardRow]:
    return [
        BoardRow(
            contact=c,
            due_at=c.next_due_at,
            days_overdue=days_between(c.next_due_at, today, zone),
            last_summary=c.last_summary,
            last_next_step=c.last_next_step,
        )
        for c in contacts
    ]


def open_reminders_for_contact(*, contact: Contact) -> QuerySet[Reminder]:
    return contact.reminders.filter(state__in=OPEN_STATES).order_by("due_at", "pk")


def open_commitments_for_contact(*, contact: Contact) -> QuerySet[Commitment]:
    return contact.commitments.filter(state=Commitment.State.OPEN).order_by("due_on", "pk")


def week_plan_candidates(*, owner, day) -> dict[str, list[Contact]]:
    """What the week-plan page offers: already planned, overdue and due this week (most overdue
    first), and suggestions: people without a cadence not contacted for six months. Four queries."""
    from .models import WeekPlanEntry

    planned_ids = WeekPlanEntry.objects.for_user(owner).filter(week_starting=day.week_starting).values("contact_id")
    contacts = Contact.objects.for_user(owner).select_related("classification")
    half_a_year_ago = day.now - datetime.timedelta(days=182)
    return {
        "planned": list(contacts.filter(pk__in=planned_ids)),
        "overdue": list(contacts.filter(next_due_at__lt=day.today_starts).order_by("next_due_at", "pk")[:50]),
        "due": list(
            contacts.filter(next_due_at__gte=day.today_starts, next_due_at__lt=day.week_ends).order_by(
                "next_due_at", "pk"
            )
        ),
        "suggested": list(
            contacts.filter(next_due_at__isnull=True)
            .filter(Q(last_interaction_at__lt=half_a_year_ago) | Q(last_interaction_at__isnull=True))
            .order_by("last_interaction_at", "pk")[:10]
        ),
    }
