"""The follow-up sweep: raises reminders for everything that has come due, set-based.

Each step is one SQL statement over all users, whatever their number of contacts:
  1. wake snoozed reminders whose date has passed (one UPDATE);
  2. raise cadence reminders for contacts whose ``next_due_at`` has passed (one INSERT … SELECT);
  3. raise promise reminders for open promises that are due (one INSERT … SELECT);
  4. raise event follow-up reminders for people met at an event and not contacted since (one INSERT … SELECT);
  5. raise date reminders for birthdays and other important dates coming up (one INSERT … SELECT).
Idempotent and safe to run concurrently: a reminder is only raised for a due moment that has
none yet, and the partial unique constraints turn a racing duplicate into a no-op
(``ON CONFLICT DO NOTHING``), so two sweeps at once raise nothing twice.
"""

from __future__ import annotations

import dataclasses
import datetime
import zoneinfo

from django.db import connection, models, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from contacts.freshness import touch
from contacts.models import Contact, Interaction, Occasion
from netcrm.sql import insert_select
from strategy.models import PersonMet

from .important_dates import with_next_occurrence, within_days
from .models import DATE_REMINDER_DAYS_DEFAULT, OPEN_STATES, Commitment, FollowupPreferences, Reminder


@dataclasses.dataclass(frozen=True)
class SweepResult:
    woken: int
    cadence_raised: int
    promises_raised: int
    event_followups_raised: int = 0
    dates_raised: int = 0

    @property
    def raised(self) -> int:
        return self.cadence_raised + self.promises_raised + self.event_followups_raised + self.dates_raised

    def __str__(self):
        return (
            f"raised {self.raised} reminder(s) ({self.cadence_raised} cadence, {self.promises_raised} promise, "
            f"{self.event_followups_raised} event follow-up, {self.dates_raised} date); woke {self.woken} snoozed"
        )


# The columns the INSERT … SELECT fills, in order; the rest keep their NULL defaults.
INSERT_COLUMNS = ("owner_id", "contact_id", "kind", "state", "due_at", "message", "commitment_id", "created_at")


def _insert_reminders(rows: models.QuerySet) -> int:
    """``INSERT INTO reminder (…) SELECT …`` from a queryset whose values_list matches INSERT_COLUMNS.

    On PostgreSQL the candidates are gathered completely (a materialized CTE, sorted by contact,
    which forces the whole anti-join to finish) before the first row is inserted, so the
    anti-join never rescans pages this same statement is filling: otherwise a first sweep over
    an empty reminder table becomes a quadratic nested loop (seen at 1M contacts).
    """
    select_sql, params = rows.query.sql_with_params()
    columns = ", ".join(connection.ops.quote_name(column) for column in INSERT_COLUMNS)
    table = connection.ops.quote_name(Reminder._meta.db_table)
    if connection.vendor == "postgresql":
        sql = (
            f"WITH candidates AS MATERIALIZED ({select_sql}) "
            f"INSERT INTO {table} ({columns}) SELECT * FROM candidates ORDER BY 2 ON CONFLICT DO NOTHING"
        )
    else:  # SQLite buffers a self-referencing INSERT … SELECT itself (and counts rows only without WITH)
        sql = f"INSERT INTO {table} ({columns}) {select_sql} ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def _reminder_row(queryset, *, owner, contact, kind, due_at, message, commitment, now):
    """Shape ``queryset`` as the INSERT_COLUMNS rows of new open reminders."""
    return queryset.annotate(
        r_owner=owner,
        r_contact=contact,
        # Casts keep the column types when the SELECT is wrapped in a CTE (else NULL is text).
        r_kind=Cast(Value(kind), models.CharField()),
        r_state=Cast(Value(Reminder.State.OPEN), models.CharField()),
        r_due_at=due_at,
        r_message=Cast(message, models.TextField()),
        r_commitment=Cast(commitment, models.BigIntegerField()),
        r_created_at=Cast(Value(now), models.DateTimeField()),
    ).values_list("r_owner", "r_contact", "r_kind", "r_state", "r_due_at", "r_message", "r_commitment", "r_created_at")


def reminded_for_current_due_moment() -> Exists:
    """True for a contact with a cadence reminder open or snoozed, or one already handled for
    its current due moment (a dismissed reminder is not raised again until the moment moves)."""
    return Exists(
        Reminder.objects.filter(contact=OuterRef("pk"), kind=Reminder.Kind.CADENCE, commitment__isnull=True).filter(
            Q(state__in=OPEN_STATES) | Q(due_at__gte=OuterRef("next_due_at"))
        )
    )


def lapsed_contacts_without_reminder(now: datetime.datetime) -> models.QuerySet[Contact]:
    """Contacts due by ``now`` with no reminder yet for this due moment."""
    return Contact.objects.filter(next_due_at__lte=now).filter(~reminded_for_current_due_moment())


def due_promises_without_reminder(now: datetime.datetime) -> models.QuerySet[Commitment]:
    reminded = Reminder.objects.filter(commitment=OuterRef("pk"))
    return Commitment.objects.filter(state=Commitment.State.OPEN, due_at__lte=now).filter(~Exists(reminded))


def wake_snoozed(now: datetime.datetime) -> int:
    waking = Reminder.objects.filter(state=Reminder.State.SNOOZED, snoozed_until__lte=now)
    touch(waking.values_list("owner_id", flat=True).distinct())  # their dashboards change
    return waking.update(state=Reminder.State.OPEN, snoozed_until=None)


def raise_cadence_reminders(now: datetime.datetime) -> int:
    rows = _reminder_row(
        lapsed_contacts_without_reminder(now).order_by(),
        owner=F("owner_id"),
        contact=F("id"),
        kind=Reminder.Kind.CADENCE,
        due_at=F("next_due_at"),
        message=Value("", output_field=models.TextField()),
        commitment=Value(None, output_field=models.BigIntegerField()),
        now=now,
    )
    return _insert_reminders(rows)


def raise_promise_reminders(now: datetime.datetime) -> int:
    rows = _reminder_row(
        due_promises_without_reminder(now).order_by(),
        owner=F("owner_id"),
        contact=F("contact_id"),
        kind=Reminder.Kind.PROMISE,
        due_at=F("due_at"),
        message=F("description"),
        commitment=F("id"),
        now=now,
    )
    return _insert_reminders(rows)


# An event whose follow-up moment is older than this is left to the cadence (a late sweep, or an
# old event typed in afterwards, does not flood the board).
EVENT_FOLLOWUP_WINDOW = datetime.timedelta(days=30)


def raise_event_followups(now: datetime.datetime) -> int:
    """One reminder per contact met at an event whose follow-up moment (strategy.Event.follow_up_due_at,
    two days after it) has passed, with no interaction logged since the event's day began and no
    event follow-up already raised for that moment. Carries the classification's message."""
    # Start from the events index (few recent events), not from every contact.
    recent_meetings = PersonMet.objects.filter(
        event__follow_up_due_at__lte=now, event__follow_up_due_at__gt=now - EVENT_FOLLOWUP_WINDOW
    )
    latest_meeting = recent_meetings.filter(contact=OuterRef("pk")).order_by("-event__follow_up_due_at", "-pk")
    contacts = (
        Contact.objects.filter(pk__in=recent_meetings.values("contact_id"))
        .annotate(
            met_due_at=Subquery(latest_meeting.values("event__follow_up_due_at")[:1]),
            met_from=Subquery(latest_meeting.values("event__starts_at")[:1]),
        )
        .filter(~Exists(Interaction.objects.filter(contact=OuterRef("pk"), occurred_at__gte=OuterRef("met_from"))))
        .filter(
            ~Exists(
                Reminder.objects.filter(
                    contact=OuterRef("pk"), kind=Reminder.Kind.EVENT_FOLLOWUP, commitment__isnull=True
                ).filter(Q(state__in=OPEN_STATES) | Q(due_at__gte=OuterRef("met_due_at")))
            )
        )
        .order_by()
    )
    rows = _reminder_row(
        contacts,
        owner=F("owner_id"),
        contact=F("id"),
        kind=Reminder.Kind.EVENT_FOLLOWUP,
        due_at=F("met_due_at"),
        message=Coalesce(F("classification__message_guidance"), Value(""), output_field=models.TextField()),
        commitment=Value(None, output_field=models.BigIntegerField()),
        now=now,
    )
    raised = _insert_reminders(rows)
    if raised:  # the dashboards' "events to follow up" change
        raised_now = Reminder.objects.filter(kind=Reminder.Kind.EVENT_FOLLOWUP, created_at=now)
        touch(raised_now.values_list("owner_id", flat=True).distinct())
    return raised


DATE_INSERT_COLUMNS = (*INSERT_COLUMNS, "occasion_id", "occasion_on")


def zones_by_local_day(now: datetime.datetime) -> dict[datetime.date, list[str]]:
    """The time zones users have chosen, grouped by the date it is there at ``now`` (at most
    three dates at once); UTC always among them, for users without preferences (one query)."""
    zones = set(FollowupPreferences.objects.values_list("time_zone", flat=True).distinct()) | {"UTC"}
    by_day: dict[datetime.date, list[str]] = {}
    for name in sorted(zones):
        by_day.setdefault(timezone.localtime(now, zoneinfo.ZoneInfo(name)).date(), []).append(name)
    return by_day


def raise_date_reminders(now: datetime.datetime) -> int:
    """One reminder per birthday and per occasion whose next day, in the owner's calendar, is
    at most their ``date_reminder_days`` away (today included). The unique constraints per
    occurrence (contact or occasion, and the day) make a second sweep, or a concurrent one, a
    no-op, and keep a dismissed date from coming back the same year. The reminder carries the
    day it is for; the classification's guidance is read live where it is shown."""
    branches = []
    for today, zones in zones_by_local_day(now).items():
        owners = Q(owner__followup_prefs__time_zone__in=zones)
        if "UTC" in zones:
            owners |= Q(owner__followup_prefs__isnull=True)
        lead_days = Coalesce(F("owner__followup_prefs__date_reminder_days"), Value(DATE_REMINDER_DAYS_DEFAULT))
        birthdays = with_next_occurrence(
            Contact.objects.filter(owners, birthday__isnull=False), date_field="birthday", today=today
        )
        occasions = with_next_occurrence(
            Occasion.objects.filter(owners), date_field="on", today=today, yearly="is_yearly"
        )
        for rows, contact, occasion in ((birthdays, F("id"), None), (occasions, F("contact_id"), F("id"))):
            rows = within_days(rows.annotate(lead_days=lead_days), F("lead_days"))
            branches.append(_date_reminder_rows(rows.order_by(), contact=contact, occasion=occasion, now=now))
    first, *others = branches
    raised = insert_select(Reminder, DATE_INSERT_COLUMNS, first.union(*others, all=True))
    if raised:  # the dashboards' "coming up" change
        raised_now = Reminder.objects.filter(kind=Reminder.Kind.DATE, created_at=now)
        touch(raised_now.values_list("owner_id", flat=True).distinct())
    return raised


def _date_reminder_rows(rows, *, contact, occasion, now):
    return rows.annotate(
        r_owner=F("owner_id"),
        r_contact=contact,
        r_kind=Cast(Value(Reminder.Kind.DATE), models.CharField()),
        r_state=Cast(Value(Reminder.State.OPEN), models.CharField()),
        # Due as soon as it is raised: the days before are the time to prepare a greeting.
        r_due_at=Cast(Value(now), models.DateTimeField()),
        r_message=Cast(Value(""), models.TextField()),
        r_commitment=Cast(Value(None), models.BigIntegerField()),
        r_created_at=Cast(Value(now), models.DateTimeField()),
        r_occasion=Cast(occasion if occasion is not None else Value(None), models.BigIntegerField()),
        r_occasion_on=Cast(F("occurs_on"), models.DateField()),
    ).values_list(
        "r_owner", "r_contact", "r_kind", "r_state", "r_due_at", "r_message", "r_commitment", "r_created_at",
        "r_occasion", "r_occasion_on",
    )  # fmt: skip


def run_sweep(*, now: datetime.datetime | None = None) -> SweepResult:
    """Raise every reminder that has come due for every user. Idempotent; safe to run concurrently."""
    now = now or timezone.now()
    with transaction.atomic():
        woken = wake_snoozed(now)
    with transaction.atomic():
        cadence_raised = raise_cadence_reminders(now)
    with transaction.atomic():
        promises_raised = raise_promise_reminders(now)
    with transaction.atomic():
        event_followups_raised = raise_event_followups(now)
    with transaction.atomic():
        dates_raised = raise_date_reminders(now)
    return SweepResult(
        woken=woken,
        cadence_raised=cadence_raised,
        promises_raised=promises_raised,
        event_followups_raised=event_followups_raised,
        dates_raised=dates_raised,
    )
