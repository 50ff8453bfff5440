"""The outreach dashboard's cards. Each card is a few queries that do not grow with the
network: today's list is ordered and cut in SQL, the health figures are aggregates."""

from __future__ import annotations

import dataclasses
import datetime

from django.contrib.auth import get_user_model
from django.db import connection, models
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone
from django.utils.dates import MONTHS_3

from contacts import bands
from contacts.models import Classification, Contact, Interaction
from contacts.ownership import group_by_owner
from netcrm.counting import count_of
from netcrm.dates import start_of_local_day
from strategy.models import Event
from strategy.selectors import classifications_with_cadence_counts, plan_summary

from ..models import Commitment, OutreachSkip, Reminder, WeekPlanEntry
from ..selectors import Day, with_last_interaction
from . import pg_reads

# On PostgreSQL the hottest reads run as hand-written SQL (pg_reads says why); the querysets
# below are the same rules for SQLite, and what tests compare the SQL with (they switch this off).
HAND_WRITTEN_SQL = True


def hand_written_sql() -> bool:
    return HAND_WRITTEN_SQL and connection.vendor == "postgresql"


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


def _putting_aside(next_due_at) -> Q:
    """Reminders that put a contact's due moment aside: a snooze, or a dismissal of that moment."""
    return Q(kind=Reminder.Kind.CADENCE) & (
        Q(state=Reminder.State.SNOOZED) | Q(state=Reminder.State.DISMISSED, due_at__gte=next_due_at)
    )


def _to_reach_today(owner, contacts: QuerySet[Contact], day: Day) -> QuerySet[Contact]:
    """``contacts`` due by tonight that no snooze, dismissal or skip today has put aside.
    (The owner's reminders only: the index on (owner, state) finds the few that put aside.)"""
    put_aside = Reminder.objects.filter(_putting_aside(OuterRef("next_due_at")), owner=owner, contact=OuterRef("pk"))
    skipped = OutreachSkip.objects.filter(contact=OuterRef("pk"), skipped_on=day.today)
    return contacts.filter(next_due_at__lt=day.tomorrow_starts).filter(~Exists(put_aside), ~Exists(skipped))


# Contacts with neither an own frequency nor an own maximum: due and overdue at their
# classification's rhythm, so its earliest due are also its first to be overdue.
FOLLOWS_ITS_CLASSIFICATION = {
    "contact_every_days_override__isnull": True,
    "contact_at_most_days_override__isnull": True,
}


def outreach_classifications(*, owner, day: Day, size: int) -> list[Classification]:
    """The owner's classifications with the "kept warm" card's figures (``cadence_count``,
    ``within_cadence_count``) and ``outreach_cutoff``, which lets ``todays_outreach`` look at a
    few contacts per classification rather than rank every due one (one query).

    Contacts who follow their classification's frequency and maximum are all due at the same rhythm, so
    among them the most overdue relative to it are simply the earliest due: the ``size``-th
    earliest due moment of those to reach today is the cutoff (None when fewer are due), and
    no one due later in that classification can make today's list (their maximum is as much later
    as their ideal, so putting the overdue first keeps it true). It is read from an index on
    (classification, next due moment), a few rows per classification (no owner filter on these
    contacts: the classification is the owner's, and the filter would lead the planner to the
    index on (owner, next due moment), which holds every classification). On PostgreSQL
    ``todays_outreach`` needs no cutoff (it reads those few contacts itself), so none is read."""
    if hand_written_sql():
        return dashboard_figures(owner=owner, day=day, size=size)[0]
    followers = Contact.objects.filter(classification=OuterRef("pk"), **FOLLOWS_ITS_CLASSIFICATION)
    cutoff = _to_reach_today(owner, followers, day).order_by("next_due_at", "pk").values("next_due_at")[size - 1 : size]
    return list(
        classifications_with_cadence_counts(owner=owner, now=day.now).annotate(outreach_cutoff=Subquery(cutoff))
    )


def todays_outreach(
    *, owner, day: Day, size: int, classifications: list[Classification] | None = None
) -> list[Contact]:
    """Up to ``size`` contacts to reach today: due by tonight, not skipped today, the overdue (past
    their maximum, contacts.bands) first, then the most overdue relative to their frequency, then
    in the classifications' order.

    ``classifications`` are those of ``outreach_classifications`` (read here if not given).
    Then two queries: rank in SQL the few candidates their cutoffs leave (and the contacts with
    a frequency of their own) and cut, then fetch the chosen with their last interaction (so
    "where we left off" is looked up for five contacts, not for every candidate)."""
    if classifications is None:
        classifications = outreach_classifications(owner=owner, day=day, size=size)
    if hand_written_sql():
        return pg_reads.todays_outreach(owner=owner, day=day, size=size, classifications=classifications)
    candidates = ~Q(**FOLLOWS_ITS_CLASSIFICATION)
    for classification in classifications:
        if classification.contact_every_days:
            due = Q(next_due_at__lt=day.tomorrow_starts)
            if classification.outreach_cutoff is not None:
                due = Q(next_due_at__lte=classification.outreach_cutoff)
            candidates |= Q(classification=classification, **FOLLOWS_ITS_CLASSIFICATION) & due
    every_days = Coalesce(F("contact_every_days_override"), F("classification__contact_every_days"))
    ranked = (
        _to_reach_today(owner, Contact.objects.for_user(owner), day)
        .filter(candidates)
        .annotate(overdue_share=OverdueShare(models.Value(day.now), F("next_due_at"), every_days))
        .order_by(
            bands.overdue_first(day).asc(),
            "-overdue_share",
            F("classification__display_order").asc(nulls_last=True),
            "pk",
        )
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
    has_contacts: bool = True


def counts(*, owner, day: Day) -> Counts:
    """The four numbers at the top of the dashboard, and whether there are contacts at all, in
    one query. The due counts are read from the index on (owner, next due moment); the contacts
    a snooze or a dismissal put aside are few, so they are counted from their reminders and
    subtracted, rather than each due contact looked up among the reminders."""
    week_from_today = day.today + datetime.timedelta(days=7)
    if hand_written_sql():
        return Counts(**pg_reads.counts(owner=owner, day=day, week_from_today=week_from_today))
    contacts = Contact.objects.for_user(owner)
    # Overdue: past the maximum (contacts.bands). Due this week: the rest due before the week is out.
    overdue = bands.overdue(day)
    this_week = Q(next_due_at__lt=day.week_ends, overdue_at__gte=day.today_starts)
    put_aside = Reminder.objects.for_user(owner).filter(_putting_aside(F("contact__next_due_at")))
    row = (  # one row (the owner's), each figure a subquery
        get_user_model()
        .objects.filter(pk=owner.pk)
        .values(
            overdue=count_of(contacts.filter(overdue)),
            overdue_put_aside=count_of(put_aside.filter(bands.overdue(day, "contact__")), "contact"),
            due_this_week=count_of(contacts.filter(this_week)),
            due_this_week_put_aside=count_of(
                put_aside.filter(contact__next_due_at__lt=day.week_ends, contact__overdue_at__gte=day.today_starts),
                "contact",
            ),
            snoozed=count_of(Reminder.objects.for_user(owner).filter(state=Reminder.State.SNOOZED)),
            promises_due=count_of(
                Commitment.objects.for_user(owner).filter(state=Commitment.State.OPEN, due_on__lt=week_from_today)
            ),
            has_contacts=Exists(contacts),
        )
        .get()
    )
    return Counts(
        overdue=row["overdue"] - row["overdue_put_aside"],
        due_this_week=row["due_this_week"] - row["due_this_week_put_aside"],
        snoozed=row["snoozed"],
        promises_due=row["promises_due"],
        has_contacts=row["has_contacts"],
    )


def dashboard_figures(*, owner, day: Day, size: int) -> tuple[list[Classification], Counts]:
    """``outreach_classifications`` and ``counts`` together: one statement on PostgreSQL."""
    if hand_written_sql():
        classifications, figures = pg_reads.classifications_and_counts(
            owner=owner, day=day, week_from_today=day.today + datetime.timedelta(days=7)
        )
        return classifications, Counts(**figures)
    return outreach_classifications(owner=owner, day=day, size=size), counts(owner=owner, day=day)


@dataclasses.dataclass
class WeekActivity:
    week_starting: datetime.date
    interactions: int
    given: int
    received: int
    bar_percent: int = 0  # of the busiest week shown (the chart's bar height)

    @property
    def label(self) -> str:
        """The week's Monday as ``|date:"j M"`` shows it ("14 Sep"), without the filter's cost in a loop."""
        return f"{self.week_starting.day} {str(MONTHS_3[self.week_starting.month]).title()}"


ACTIVITY_WEEKS = 12


def activity_weeks(day: Day, weeks: int) -> list[datetime.date]:
    first_week = day.week_starting - datetime.timedelta(weeks=weeks - 1)
    return [first_week + datetime.timedelta(weeks=index) for index in range(weeks)]


def activity_of(week_days: list[datetime.date], figures: dict[int, tuple]) -> list[WeekActivity]:
    """The weeks from pg_reads' figures (by the week's index)."""
    return _with_bar_heights(
        [WeekActivity(week, *figures.get(index, (0, 0, 0))) for index, week in enumerate(week_days)]
    )


def weekly_activity(*, owner, day: Day, zone, weeks: int = ACTIVITY_WEEKS) -> list[WeekActivity]:
    """Interactions, contributions given and received, per week for the last ``weeks`` weeks (one query)."""
    week_days = activity_weeks(day, weeks)
    first_week = week_days[0]
    if hand_written_sql():
        week_starts = [start_of_local_day(week, zone) for week in week_days]
        return activity_of(
            week_days, pg_reads.weekly_activity(owner=owner, week_starts=week_starts, until=day.tomorrow_starts)
        )
    rows = (
        Interaction.objects.for_user(owner)
        .filter(occurred_at__gte=start_of_local_day(first_week, zone), occurred_at__lt=day.tomorrow_starts)
        .annotate(week=TruncWeek("occurred_at", tzinfo=zone))
        .values("week")
        .annotate(  # counted from the index on (owner, moment, direction) alone
            total=Count("*"),
            given=Count("contribution_direction", filter=Q(contribution_direction="given")),
            received=Count("contribution_direction", filter=Q(contribution_direction="received")),
        )
    )
    by_week = {timezone.localtime(row["week"], zone).date() if isinstance(row["week"], datetime.datetime)
               else row["week"]: row for row in rows}  # fmt: skip
    activity = []
    for week in week_days:
        row = by_week.get(week, {})
        activity.append(WeekActivity(week, row.get("total", 0), row.get("given", 0), row.get("received", 0)))
    return _with_bar_heights(activity)


def _with_bar_heights(activity: list[WeekActivity]) -> list[WeekActivity]:
    busiest = max([1] + [week.interactions for week in activity])
    for week in activity:
        week.bar_percent = round(100 * week.interactions / busiest)  # as {% widthratio %} rounds
    return activity


def week_plan(*, owner, day: Day, zone, classifications: list[Classification] | None = None) -> list[WeekPlanEntry]:
    """This week's picked contacts; ``done`` is true once an interaction is logged this week (one
    query). ``classifications``: the owner's, if the caller has read them (each contact's is
    taken from them rather than read again)."""
    if classifications is not None and hand_written_sql():
        since = start_of_local_day(day.week_starting, zone)
        return pg_reads.week_plan(owner=owner, day=day, since=since, classifications=classifications)
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


COMING_UP_SIZE = 6


@dataclasses.dataclass
class ComingUp:
    """The open date reminders shown (each with ``days_until``), and how many are open in all."""

    reminders: list[Reminder]
    total: int


def dates_coming_up(
    *, owner, day: Day, size: int = COMING_UP_SIZE, classifications: list[Classification] | None = None
) -> ComingUp:
    """Birthdays and other dates the sweep has raised and nobody has acted on yet, soonest
    first, with the contact's classification (its message guidance stands beside each) and
    where you left off. Two queries at most, whatever the network's size (one on PostgreSQL
    when the caller passes the owner's ``classifications``)."""
    if classifications is not None and hand_written_sql():
        shown, total = pg_reads.dates_coming_up(owner=owner, size=size, classifications=classifications)
    else:
        open_dates = Reminder.objects.filter(owner=owner, kind=Reminder.Kind.DATE, state=Reminder.State.OPEN)
        shown = list(
            with_last_interaction(open_dates.select_related("contact__classification", "occasion")).order_by(
                "occasion_on", "pk"
            )[:size]
        )
        total = open_dates.count() if len(shown) == size else len(shown)
    return coming_up_of(shown, total, day)


def coming_up_of(shown: list[Reminder], total: int, day: Day) -> ComingUp:
    for reminder in shown:
        reminder.days_until = (reminder.occasion_on - day.today).days
    return ComingUp(reminders=shown, total=total)


def plan_card(*, owner, classifications: list[Classification]):
    """The plan card and nudge: strategy.selectors.plan_summary (one query on PostgreSQL, three
    otherwise); ``classifications`` those of ``dashboard_figures``."""
    if hand_written_sql():
        return pg_reads.plan_summary(owner=owner, classifications=classifications)
    return plan_summary(owner=owner, classifications=classifications)


EVENTS_SHOWN = 4


def events_card(*, owner, day: Day) -> tuple[list[Event], list[Event]]:
    """The events card: (``upcoming_events``, ``events_needing_followup``); one query on PostgreSQL."""
    if hand_written_sql():
        return pg_reads.events(owner=owner, day=day, size=EVENTS_SHOWN)
    return upcoming_events(owner=owner, day=day), events_needing_followup(owner=owner)


def upcoming_events(*, owner, day: Day, limit: int = EVENTS_SHOWN) -> list[Event]:
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
        .order_by("-held_on", "-pk")[:EVENTS_SHOWN]
    )
