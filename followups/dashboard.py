"""The outreach dashboard's cards. Each card is a few queries that do not grow with the
network: today's list is ordered and cut in SQL, the health figures are aggregates."""

from __future__ import annotations

import dataclasses
import datetime

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from contacts.models import Contact, Interaction
from contacts.ownership import group_by_owner
from netcrm.dates import start_of_local_day
from strategy.models import Event

from .models import Commitment, OutreachSkip, Reminder, WeekPlanEntry
from .selectors import Day, with_last_interaction


class OverdueShare(models.Func):
    """How far past due a contact is, in cadences: (now - next due) / frequency.

    Ordering by it puts a weekly contact 3 days late before a yearly one 10 days late."""

    output_field = models.FloatField()
    arity = 3  # now, next_due_at, every_days

    def as_postgresql(self, compiler, connection, **extra_context):
        (now_sql, now_params), (due_sql, due_params), (days_sql, days_params) = map(
            compiler.compile, self.source_expressions
        )
        sql = f"(EXTRACT(EPOCH FROM ({now_sql}::timestamptz - {due_sql})) / (86400.0 * ({days_sql})))"
        return sql, (*now_params, *due_params, *days_params)

    def as_sqlite(self, compiler, connection, **extra_context):
        (now_sql, now_params), (due_sql, due_params), (days_sql, days_params) = map(
            compiler.compile, self.source_expressions
        )
        return f"((julianday({now_sql}) - julianday({due_sql})) / ({days_sql}))", (
            *now_params,
            *due_params,
            *days_params,
        )


def _still_to_reach(owner):
    """The owner's contacts with a due moment that no snooze or dismissal has put aside."""
    put_aside = Reminder.objects.filter(contact=OuterRef("pk"), kind=Reminder.Kind.CADENCE).filter(
        Q(state=Reminder.State.SNOOZED) | Q(state=Reminder.State.DISMISSED, due_at__gte=OuterRef("next_due_at"))
    )
    return Contact.objects.for_user(owner).filter(next_due_at__isnull=False).filter(~Exists(put_aside))


def todays_outreach(*, owner, day: Day, size: int) -> list[Contact]:
    """Up to ``size`` contacts to reach today: due by tonight, not skipped today, the most
    overdue relative to their frequency first, then in the classifications' order.

    Two queries: rank and cut in SQL, then fetch the few chosen with their last interaction
    (so "where we left off" is looked up for five contacts, not for every due one)."""
    every_days = Coalesce(F("contact_every_days_override"), F("classification__contact_every_days"))
    skipped = OutreachSkip.objects.filter(contact=OuterRef("pk"), skipped_on=day.today)
    ranked = (
        _still_to_reach(owner)
        .filter(next_due_at__lt=day.tomorrow_starts)
        .filter(~Exists(skipped))
        .annotate(overdue_share=OverdueShare(models.Value(day.now), F("next_due_at"), every_days))
        .order_by("-overdue_share", F("classification__display_order").asc(nulls_last=True), "pk")
        .values_list("pk", "overdue_share")[:size]
    )
    shares = dict(ranked)
    chosen = with_last_interaction(
        Contact.objects.filter(pk__in=list(shares)).select_related("classification"), contact_path=""
    )
    by_pk = {contact.pk: contact for contact in chosen}
    for pk, share in shares.items():
        by_pk[pk].overdue_share = share
    return [by_pk[pk] for pk in shares]


@dataclasses.dataclass
class Counts:
    overdue: int
    due_this_week: int
    snoozed: int
    promises_due: int


def counts(*, owner, day: Day) -> Counts:
    """The four numbers at the top of the dashboard (two queries)."""
    contact_counts = _still_to_reach(owner).aggregate(
        overdue=Count("pk", filter=Q(next_due_at__lt=day.today_starts)),
        due_this_week=Count("pk", filter=Q(next_due_at__gte=day.today_starts, next_due_at__lt=day.week_ends)),
    )
    other = Reminder.objects.for_user(owner).aggregate(snoozed=Count("pk", filter=Q(state=Reminder.State.SNOOZED)))
    promises_due = Commitment.objects.for_user(owner).filter(
        state=Commitment.State.OPEN, due_on__lt=day.today + datetime.timedelta(days=7)
    )
    return Counts(
        overdue=contact_counts["overdue"],
        due_this_week=contact_counts["due_this_week"],
        snoozed=other["snoozed"],
        promises_due=promises_due.count(),
    )


@dataclasses.dataclass
class WeekActivity:
    week_starting: datetime.date
    interactions: int
    given: int
    received: int


def weekly_activity(*, owner, day: Day, zone, weeks: int = 12) -> list[WeekActivity]:
    """Interactions, contributions given and received, per week for the last ``weeks`` weeks (one query)."""
    first_week = day.week_starting - datetime.timedelta(weeks=weeks - 1)
    rows = (
        Interaction.objects.for_user(owner)
        .filter(occurred_at__gte=start_of_local_day(first_week, zone), occurred_at__lt=day.tomorrow_starts)
        .annotate(week=TruncWeek("occurred_at", tzinfo=zone))
        .values("week")
        .annotate(
            total=Count("pk"),
            given=Count("pk", filter=Q(contribution_direction="given")),
            received=Count("pk", filter=Q(contribution_direction="received")),
        )
    )
    by_week = {timezone.localtime(row["week"], zone).date() if isinstance(row["week"], datetime.datetime)
               else row["week"]: row for row in rows}  # fmt: skip
    activity = []
    for index in range(weeks):
        week = first_week + datetime.timedelta(weeks=index)
        row = by_week.get(week, {})
        activity.append(WeekActivity(week, row.get("total", 0), row.get("given", 0), row.get("received", 0)))
    return activity


def week_plan(*, owner, day: Day, zone) -> list[WeekPlanEntry]:
    """This week's picked contacts; ``done`` is true once an interaction is logged this week (one query)."""
    return week_plans(owner_ids=[owner.pk], day=day, zone=zone).get(owner.pk, [])


def week_plans(*, owner_ids, day: Day, zone) -> dict[int, list[WeekPlanEntry]]:
    """``week_plan`` for many users who share a time zone, in one query."""
    since = start_of_local_day(day.week_starting, zone)
    contacted = Interaction.objects.filter(contact=OuterRef("contact_id"), occurred_at__gte=since)
    entries = (
        WeekPlanEntry.objects.filter(owner_id__in=owner_ids, week_starting=day.week_starting)
        .select_related("contact__classification")
        .annotate(done=Exists(contacted))
        .order_by("done", "created_at", "pk")
    )
    return group_by_owner(entries)


def upcoming_events(*, owner, day: Day, limit: int = 4) -> list[Event]:
    return list(
        Event.objects.for_user(owner)
        .filter(held_on__gte=day.today)
        .with_people_count()
        .order_by("held_on", "pk")[:limit]
    )


def events_needing_followup(*, owner) -> list[Event]:
    """Recent events with someone met and not yet contacted since (open event follow-ups), one query."""
    open_followups = Reminder.objects.filter(
        owner=owner, kind=Reminder.Kind.EVENT_FOLLOWUP, state__in=(Reminder.State.OPEN, Reminder.State.SNOOZED)
    )
    return list(
        Event.objects.for_user(owner)
        .filter(meetings__contact__in=open_followups.values("contact_id"))
        .annotate(to_follow_up=Count("meetings", distinct=True))
        .order_by("-held_on", "-pk")[:4]
    )
