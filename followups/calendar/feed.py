"""The calendar feed: a user's due follow-ups, open promises and contacts coming due, as an
iCalendar (RFC 5545) file that calendar apps subscribe to through a secret URL.

Every entry is an all-day event on its date in the user's time zone (a reminder is a "this
day" matter, not an appointment), marked free so it never blocks time. UIDs are stable, so a
calendar app updates an entry in place when it moves (a snooze, a new due moment):

- ``cadence-<contact>-<due moment>@netcrm``: time to reconnect; the same UID before and after
  the sweep raises the reminder, since the reminder keeps the contact's due moment;
- ``reminder-<pk>@netcrm``: an event follow-up;
- ``promise-<pk>@netcrm``: an open promise, on the day it is due (or snoozed to); its reminder
  is not listed separately;
- ``birthday-<contact>-<year>@netcrm`` and ``occasion-<pk>-<year>@netcrm``: a birthday or another
  important date, on its day (29 February on 28 February in other years), whether or not its
  reminder was raised or dismissed; the reminder itself is not listed separately.

Bounded like every list (calendar apps fetch it hourly, without logging in): entries dated
within the next HORIZON_DAYS days (and overdue ones), at most MAX_EVENTS of them, chosen in SQL
by what is most pressing: promises, then raised reminders, then birthdays and other dates, then
contacts coming due, each the earliest first. Six queries (the token, reminders, promises,
birthdays, other dates, contacts coming due), whatever the number of rows.
"""

from __future__ import annotations

import dataclasses
import datetime
import secrets

from django.conf import settings
from django.db.models import Case, F, OuterRef, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from icalendar import Calendar, Event, vDuration

from contacts.models import Contact, Occasion
from netcrm.dates import start_of_local_day

from ..important_dates import with_next_occurrence, within_days
from ..models import OPEN_STATES, Commitment, FollowupPreferences, Reminder
from ..selectors import with_last_interaction
from ..sweep import reminded_for_current_due_moment

HORIZON_DAYS = 60
MAX_EVENTS = 500
PRODID = "-//netcrm//Follow-up calendar//EN"
UID_DOMAIN = "netcrm"
REFRESH_INTERVAL = datetime.timedelta(hours=1)


def preferences_for_token(token: str) -> FollowupPreferences | None:
    """The preferences (with their owner) whose calendar token is ``token``, else None."""
    if not token:
        return None
    preferences = FollowupPreferences.objects.select_related("owner").filter(calendar_token=token).first()
    # The lookup already matched; the constant-time check also guards a case-insensitive collation.
    if preferences is None or not secrets.compare_digest(preferences.calendar_token, token):
        return None
    if not preferences.owner.is_active:
        return None
    return preferences


@dataclasses.dataclass(frozen=True)
class FeedEntry:
    uid: str
    day: datetime.date
    summary: str
    description: str
    url: str
    category: str


def _contact_url(contact: Contact) -> str:
    return f"{settings.SITE_URL}{contact.get_absolute_url()}"


def _description(*lines: str) -> str:
    return "\n".join(line for line in lines if line)


def _pickup_lines(item) -> tuple[str, str]:
    """Where the last conversation left off, from ``with_last_interaction``'s annotations."""
    return (
        f"Last time: {item.last_summary}" if item.last_summary else "",
        f"Next step: {item.last_next_step}" if item.last_next_step else "",
    )


def _who(contact: Contact) -> str:
    classification = contact.classification
    return f"{contact.full_name} ({classification.name})" if classification else contact.full_name


def _guidance(contact: Contact, message: str = "") -> str:
    text = message or (contact.classification.message_guidance if contact.classification else "")
    return f"What to say: {text}" if text else ""


def _local_day(moment: datetime.datetime, zone) -> datetime.date:
    """The day of ``moment`` in ``zone``; a moment at the end of time (a date stored before dates
    were bounded) keeps its UTC day rather than overflow."""
    try:
        return timezone.localtime(moment, zone).date()
    except OverflowError:
        return moment.astimezone(datetime.UTC).date()


def _cadence_uid(contact_id: int, due_at: datetime.datetime) -> str:
    return f"cadence-{contact_id}-{due_at.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}@{UID_DOMAIN}"


def _reminder_entries(owner, zone, horizon: datetime.datetime) -> list[FeedEntry]:
    shown_at = Case(When(state=Reminder.State.SNOOZED, then=F("snoozed_until")), default=F("due_at"))
    reminders = with_last_interaction(
        Reminder.objects.for_user(owner)
        .filter(state__in=OPEN_STATES, commitment__isnull=True)
        .exclude(kind=Reminder.Kind.DATE)  # listed on the date's own day (_date_entries)
        .alias(shown_at=shown_at)
        .filter(shown_at__lt=horizon)
        .select_related("contact__classification")
        .order_by("shown_at", "pk")[:MAX_EVENTS]
    )
    entries = []
    for reminder in reminders:
        contact = reminder.contact
        snoozed = reminder.state == Reminder.State.SNOOZED and reminder.snoozed_until
        day = _local_day(reminder.snoozed_until if snoozed else reminder.due_at, zone)
        if reminder.kind == Reminder.Kind.CADENCE:
            uid, summary = _cadence_uid(contact.pk, reminder.due_at), f"Reconnect with {contact.full_name}"
        else:
            uid, summary = f"reminder-{reminder.pk}@{UID_DOMAIN}", f"Follow up with {contact.full_name}"
        due_on = _local_day(reminder.due_at, zone)
        entries.append(
            FeedEntry(
                uid=uid,
                day=day,
                summary=summary,
                description=_description(
                    _who(contact),
                    f"{reminder.get_kind_display()}, due {due_on:%a %d %b %Y}" + (" (snoozed)" if snoozed else ""),
                    _guidance(contact, reminder.message),
                    *_pickup_lines(reminder),
                    _contact_url(contact),
                ),
                url=_contact_url(contact),
                category=reminder.get_kind_display(),
            )
        )
    return entries


def _promise_entries(owner, zone, horizon: datetime.datetime) -> list[FeedEntry]:
    snoozed_reminder = Reminder.objects.filter(commitment=OuterRef("pk"), state=Reminder.State.SNOOZED)
    promises = with_last_interaction(
        Commitment.objects.for_user(owner)
        .filter(state=Commitment.State.OPEN)
        .select_related("contact__classification")
        .annotate(snoozed_until=Subquery(snoozed_reminder.values("snoozed_until")[:1]))
        .alias(shown_at=Coalesce(F("snoozed_until"), F("due_at")))
        .filter(shown_at__lt=horizon)
        .order_by("shown_at", "pk")[:MAX_EVENTS]
    )
    entries = []
    for promise in promises:
        contact = promise.contact
        day = _local_day(promise.snoozed_until, zone) if promise.snoozed_until else promise.due_on
        entries.append(
            FeedEntry(
                uid=f"promise-{promise.pk}@{UID_DOMAIN}",
                day=day,
                summary=f"Promise to {contact.full_name}: {promise.description}",
                description=_description(
                    _who(contact),
                    f"You promised: {promise.description}, by {promise.due_on:%a %d %b %Y}"
                    + (" (snoozed)" if promise.snoozed_until else ""),
                    *_pickup_lines(promise),
                    _contact_url(contact),
                ),
                url=_contact_url(contact),
                category=Reminder.Kind.PROMISE.label,
            )
        )
    return entries


def _date_entries(owner, today: datetime.date) -> list[FeedEntry]:
    """Birthdays and other dates falling from today to the horizon, each on its day (two
    queries, each cut at MAX_EVENTS)."""
    birthdays = with_next_occurrence(
        with_last_interaction(
            Contact.objects.for_user(owner).filter(birthday__isnull=False).select_related("classification"),
            contact_path="",
        ),
        date_field="birthday",
        today=today,
    )
    occasions = with_next_occurrence(
        with_last_interaction(Occasion.objects.for_user(owner).select_related("contact__classification")),
        date_field="on",
        today=today,
        yearly="is_yearly",
    )
    entries = []
    for rows in (birthdays, occasions):
        for item in within_days(rows, HORIZON_DAYS - 1).order_by("occurs_on", "pk")[:MAX_EVENTS]:
            contact = item if isinstance(item, Contact) else item.contact
            if item is contact:
                uid, title = f"birthday-{contact.pk}-{item.occurs_on.year}", "Birthday"
            else:
                uid, title = f"occasion-{item.pk}-{item.occurs_on.year}", item.title
            entries.append(
                FeedEntry(
                    uid=f"{uid}@{UID_DOMAIN}",
                    day=item.occurs_on,
                    summary=f"{title}: {contact.full_name}",
                    description=_description(
                        _who(contact), _guidance(contact), *_pickup_lines(item), _contact_url(contact)
                    ),
                    url=_contact_url(contact),
                    category=title if item is contact else Reminder.Kind.DATE.label,
                )
            )
    return sorted(entries, key=lambda entry: (entry.day, entry.uid))


def _upcoming_contact_entries(owner, zone, horizon: datetime.datetime) -> list[FeedEntry]:
    """Contacts whose next due moment falls before the horizon (or has passed) and who have
    no reminder yet for it: what the sweep will raise."""
    contacts = with_last_interaction(
        Contact.objects.for_user(owner)
        .filter(next_due_at__lt=horizon)
        .filter(~reminded_for_current_due_moment())
        .select_related("classification")
        .order_by("next_due_at", "pk")[:MAX_EVENTS],
        contact_path="",
    )
    return [
        FeedEntry(
            uid=_cadence_uid(contact.pk, contact.next_due_at),
            day=_local_day(contact.next_due_at, zone),
            summary=f"Reconnect with {contact.full_name}",
            description=_description(
                _who(contact),
                f"Coming due: {Reminder.Kind.CADENCE.label.lower()}",
                _guidance(contact),
                *_pickup_lines(contact),
                _contact_url(contact),
            ),
            url=_contact_url(contact),
            category=Reminder.Kind.CADENCE.label,
        )
        for contact in contacts
    ]


def feed_entries(*, owner, zone, now: datetime.datetime | None = None) -> list[FeedEntry]:
    """What the feed lists for ``owner``, dated in ``zone``, sorted by day: up to MAX_EVENTS
    entries dated before the horizon, the most pressing kinds first. Five queries, each cut
    at MAX_EVENTS in SQL."""
    now = now or timezone.now()
    horizon = start_of_local_day(timezone.localtime(now, zone).date() + datetime.timedelta(days=HORIZON_DAYS), zone)
    entries = _promise_entries(owner, zone, horizon) + _reminder_entries(owner, zone, horizon)
    entries += _date_entries(owner, timezone.localtime(now, zone).date())
    entries += _upcoming_contact_entries(owner, zone, horizon)
    return sorted(entries[:MAX_EVENTS], key=lambda entry: (entry.day, entry.uid))


def build_calendar(*, owner, zone, now: datetime.datetime | None = None) -> Calendar:
    """The user's feed as an ``icalendar.Calendar`` (serialise with ``.to_ical()``)."""
    now = now or timezone.now()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "netcrm follow-ups")
    calendar.add("x-wr-timezone", str(zone))
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))  # an X- property is text unless typed
    stamp = now.astimezone(datetime.UTC)
    for entry in feed_entries(owner=owner, zone=zone, now=now):
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.day)
        if entry.day < datetime.date.max:  # without DTEND an all-day event lasts its one day (RFC 5545)
            event.add("dtend", entry.day + datetime.timedelta(days=1))
        event.add("summary", entry.summary)
        event.add("description", entry.description)
        event.add("url", entry.url)
        event.add("categories", [entry.category])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar
