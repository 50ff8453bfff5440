"""The digest's reads, for every user who shares a slot at once, each cut in SQL.

Who is named is chosen by window functions (``ROW_NUMBER() OVER (PARTITION BY owner ...)``
kept up to each user's digest size), and everyone else due is counted with a ``GROUP BY``
owner and classification, so building 500 digests reads a few hundred rows per query whether
each user has 20 people due or 50,000. One query each, whatever the number of users or rows.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Value, Window
from django.db.models.functions import Coalesce, RowNumber

from contacts import bands
from contacts.models import Classification, Contact, Interaction, Occasion
from contacts.ownership import group_by_owner
from followups.dashboard.selectors import OverdueShare
from followups.important_dates import with_next_occurrence, within_days
from followups.models import DIGEST_SIZE_DEFAULT, Commitment, FollowupPreferences, Reminder, WeekPlanEntry
from followups.selectors import Day
from netcrm.dates import start_of_local_day
from netcrm.sql import any_of


def due_this_week(*, owner_ids, day: Day):
    """Contacts due before the week is out (overdue ones too) that no snooze or dismissal has
    put aside: the people the week's plan is made of (the dashboard's "still to reach"). The
    reminders looked at are the batch's owners' snoozed and dismissed ones (from their index),
    not every user's."""
    put_aside = Reminder.objects.filter(
        any_of("owner_id", owner_ids),
        contact=OuterRef("pk"),
        kind=Reminder.Kind.CADENCE,
        state__in=(Reminder.State.SNOOZED, Reminder.State.DISMISSED),
    ).filter(Q(state=Reminder.State.SNOOZED) | Q(due_at__gte=OuterRef("next_due_at")))
    return Contact.objects.filter(any_of("owner_id", owner_ids), next_due_at__lt=day.week_ends).filter(
        ~Exists(put_aside)
    )


def _overdue_first(day: Day) -> list:
    """The dashboard's order (followups.dashboard.selectors.todays_outreach): the overdue (past their
    maximum) first, then the most overdue relative to their frequency, then the classifications'
    order, then the oldest contact."""
    every_days = Coalesce(F("contact_every_days_override"), F("classification__contact_every_days"))
    share = OverdueShare(Value(day.now), F("next_due_at"), every_days)
    return [
        bands.overdue_first(day).asc(),
        share.desc(),
        F("classification__display_order").asc(nulls_last=True),
        F("pk").asc(),
    ]


def classifications(*, owner_ids) -> dict[int, dict]:
    """The users' classifications by id, with what the digest shows of them (``name``,
    ``message_guidance``, ``display_order``): read once for the batch, rather than joined to
    every row (a join the planner makes by hashing every user's classifications)."""
    rows = Classification.objects.filter(any_of("owner_id", owner_ids)).values(
        "pk", "name", "message_guidance", "display_order"
    )
    return {row["pk"]: row for row in rows}


# What the digest shows of each person named (dicts, not models: 500 users' plans at a time).
TOP_CONTACT_FIELDS = (
    "pk", "owner_id", "first_name", "last_name", "company", "next_due_at", "overdue_at", "classification_id",
    "last_summary", "last_next_step", "open_reminder_id",
)  # fmt: skip


def top_contacts(*, owner_ids, day: Day) -> dict[int, list[dict]]:
    """Each user's first ``digest_size`` contacts due this week, in the dashboard's order, with
    where we left off (``last_summary``, ``last_next_step``) and their open cadence reminder
    (``open_reminder_id``, for "snooze a week"), as TOP_CONTACT_FIELDS dicts. Three queries: the
    users' digest sizes, everyone ranked and cut in SQL (at the largest size; each user's own
    is applied to those few rows here), then the chosen read with their details (two plain
    queries rather than ``pk IN (ranked)``, which the planner may run as a loop that ranks
    everyone again for every contact)."""
    sizes = dict(
        FollowupPreferences.objects.filter(any_of("owner_id", owner_ids)).values_list("owner_id", "digest_size")
    )
    ranked = (
        due_this_week(owner_ids=owner_ids, day=day)
        .annotate(position=Window(RowNumber(), partition_by=F("owner_id"), order_by=_overdue_first(day)))
        .filter(position__lte=max(sizes.values(), default=DIGEST_SIZE_DEFAULT))
        .order_by()
        .values_list("pk", "owner_id", "position")
    )
    chosen = {
        pk: (owner_id, position)
        for pk, owner_id, position in ranked
        if position <= sizes.get(owner_id, DIGEST_SIZE_DEFAULT)
    }
    # at most one (reminder_one_open_per_contact_and_kind): no ORDER BY to sort it by
    open_reminder = (
        Reminder.objects.filter(
            contact=OuterRef("pk"), kind=Reminder.Kind.CADENCE, state=Reminder.State.OPEN, commitment__isnull=True
        )
        .order_by()
        .values("pk")[:1]
    )
    last = Interaction.objects.filter(pk=OuterRef("last_interaction_id"))
    rows = (
        Contact.objects.filter(any_of("pk", chosen))
        .annotate(
            # one index look-up each (the planner would rather hash every user's interactions)
            last_summary=Subquery(last.values("summary")),
            last_next_step=Subquery(last.values("next_step")),
            open_reminder_id=Subquery(open_reminder),
        )
        .order_by()
        .values(*TOP_CONTACT_FIELDS)
    )
    return group_by_owner(sorted(rows, key=lambda row: chosen[row["pk"]]), lambda row: row["owner_id"])


def due_counts(*, owner_ids, day: Day) -> dict[int, list[dict]]:
    """How many are due this week per user and classification (one GROUP BY): ``classification_id``
    and ``due``."""
    counts = (
        due_this_week(owner_ids=owner_ids, day=day)
        .order_by()
        .values("owner_id", "classification_id")
        .annotate(due=Count("pk"))
    )
    return group_by_owner(counts, lambda row: row["owner_id"])


def first_per_owner(queryset, *, order_by: list, limit: int) -> dict[int, tuple[list, int]]:
    """Each owner's first ``limit`` rows of ``queryset`` in ``order_by``, and how many there are
    in all: ``{owner_id: (rows, total)}`` (one query; owners without rows are absent)."""
    ranked = (
        queryset.annotate(
            position=Window(RowNumber(), partition_by=F("owner_id"), order_by=order_by),
            owner_total=Window(Count("pk"), partition_by=F("owner_id")),
        )
        .filter(position__lte=limit)
        .order_by("owner_id", "position")
    )
    return {owner_id: (rows, rows[0].owner_total) for owner_id, rows in group_by_owner(ranked).items()}


def promises_due(*, owner_ids, day: Day, limit: int) -> dict[int, tuple[list[Commitment], int]]:
    """Open promises due before the week is out (overdue ones first), the first ``limit`` per user."""
    due = Commitment.objects.filter(
        any_of("owner_id", owner_ids), state=Commitment.State.OPEN, due_on__lt=day.today + datetime.timedelta(days=7)
    ).select_related("contact")
    return first_per_owner(due, order_by=[F("due_on").asc(), F("pk").asc()], limit=limit)


def event_followups(*, owner_ids, day: Day, limit: int) -> dict[int, tuple[list[Reminder], int]]:
    """Open "follow up after an event" reminders due by tonight, the first ``limit`` per user."""
    due = Reminder.objects.filter(
        any_of("owner_id", owner_ids),
        kind=Reminder.Kind.EVENT_FOLLOWUP,
        state=Reminder.State.OPEN,
        due_at__lt=day.tomorrow_starts,
    ).select_related("contact__classification")
    return first_per_owner(due, order_by=[F("due_at").asc(), F("pk").asc()], limit=limit)


def week_plan_entries(*, owner_ids, day: Day, zone, limit: int) -> dict[int, tuple[list[WeekPlanEntry], int]]:
    """This week's picked contacts, not yet contacted first (``done`` once an interaction is
    logged this week), the first ``limit`` per user."""
    contacted = Interaction.objects.filter(
        contact=OuterRef("contact_id"), occurred_at__gte=start_of_local_day(day.week_starting, zone)
    )
    entries = (
        WeekPlanEntry.objects.filter(any_of("owner_id", owner_ids), week_starting=day.week_starting)
        .select_related("contact")
        .annotate(done=Exists(contacted))
    )
    return first_per_owner(entries, order_by=[F("done").asc(), F("created_at").asc(), F("pk").asc()], limit=limit)


# The digest's "coming up" looks a week ahead, whatever the reminder lead: it is the week's plan.
COMING_UP_DAYS = 6


def dates_coming_up(*, owner_ids, day: Day, limit: int) -> dict[int, tuple[list, int]]:
    """Birthdays and other dates falling from today to a week ahead (on the users' shared
    calendar day), soonest first, the first ``limit`` per user: ``{owner_id: (items, total)}``,
    each item a Contact (a birthday) or an Occasion annotated ``occurs_on``. Two queries."""
    birthdays = with_next_occurrence(
        Contact.objects.filter(any_of("owner_id", owner_ids), birthday__isnull=False).select_related("classification"),
        date_field="birthday",
        today=day.today,
    )
    occasions = with_next_occurrence(
        Occasion.objects.filter(any_of("owner_id", owner_ids)).select_related("contact__classification"),
        date_field="on",
        today=day.today,
        yearly="is_yearly",
    )
    order_by = [F("occurs_on").asc(), F("pk").asc()]
    merged: dict[int, tuple[list, int]] = {}
    for rows in (birthdays, occasions):
        for owner_id, (items, total) in first_per_owner(
            within_days(rows, COMING_UP_DAYS), order_by=order_by, limit=limit
        ).items():
            so_far, so_far_total = merged.get(owner_id, ([], 0))
            merged[owner_id] = (so_far + items, so_far_total + total)
    return {
        owner_id: (sorted(items, key=lambda item: item.occurs_on)[:limit], total)
        for owner_id, (items, total) in merged.items()
    }
