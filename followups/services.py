"""Writes for follow-ups: logging that resolves reminders, snoozing, dismissing, promises."""

from __future__ import annotations

import datetime
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Value
from django.utils import timezone

from contacts import services as contact_services
from contacts.freshness import touch
from contacts.models import Contact, Interaction
from netcrm.dates import start_of_local_day
from netcrm.sql import insert_select

from .digest.schedule import reschedule
from .models import OPEN_STATES, Commitment, FollowupPreferences, OutreachSkip, Reminder, WeekPlanEntry

# Kinds an interaction with the contact settles (a greeting settles a birthday); a promise is
# settled only by keeping it.
SETTLED_BY_INTERACTION = (Reminder.Kind.CADENCE, Reminder.Kind.EVENT_FOLLOWUP, Reminder.Kind.DATE)


def preferences_for(user) -> FollowupPreferences:
    """The user's preferences, created with the defaults (UTC, digest Mondays 08:00) if missing."""
    preferences = FollowupPreferences.objects.filter(owner=user).first()
    if preferences is None:
        preferences = FollowupPreferences(owner=user)
        reschedule(preferences)
        preferences, _ = FollowupPreferences.objects.get_or_create(
            owner=user, defaults={"next_digest_at": preferences.next_digest_at}
        )
    return preferences


def create_missing_preferences() -> int:
    """Give every user without preferences the defaults, so their digest is scheduled. Set-based."""
    missing = get_user_model().objects.filter(followup_prefs__isnull=True, is_active=True).values_list("pk", flat=True)
    rows = []
    for owner_id in missing.iterator():
        preferences = FollowupPreferences(owner_id=owner_id)
        reschedule(preferences)
        rows.append(preferences)
    FollowupPreferences.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


def save_preferences(*, preferences: FollowupPreferences) -> FollowupPreferences:
    """Save preferences; the next digest slot follows the (possibly new) weekday, hour and zone."""
    preferences.full_clean()
    reschedule(preferences)
    preferences.save()
    return preferences


@transaction.atomic
def log_interaction(*, contact: Contact, **fields) -> Interaction:
    """Log an interaction, resolve the contact's open cadence/event reminders with it, and
    move the next due moment (contacts.services does that). Returns the interaction."""
    interaction = contact_services.log_interaction(contact=contact, **fields)
    Reminder.objects.filter(contact=contact, kind__in=SETTLED_BY_INTERACTION, state__in=OPEN_STATES).update(
        state=Reminder.State.DONE, resolved_at=timezone.now(), resolved_by=interaction, snoozed_until=None
    )
    return interaction


def snooze(*, reminder: Reminder, until: datetime.datetime) -> Reminder:
    """Hide an open reminder until ``until``; the sweep wakes it then."""
    if until <= timezone.now():
        raise ValidationError({"until": "Pick a moment in the future to snooze until."})
    if not reminder.is_open:
        raise ValidationError("This reminder is already handled.")
    reminder.state = Reminder.State.SNOOZED
    reminder.snoozed_until = until
    reminder.save(update_fields=["state", "snoozed_until"])
    return reminder


def snooze_until_date(*, reminder: Reminder, day: datetime.date, zone) -> Reminder:
    """Snooze to the start of ``day`` in the user's zone; a day before tomorrow is refused."""
    if day <= timezone.localdate(timezone=zone):
        raise ValidationError({"until": "Pick a date after today to snooze until."})
    return snooze(reminder=reminder, until=start_of_local_day(day, zone))


def dismiss(*, reminder: Reminder) -> Reminder:
    """Drop a reminder without logging anything; it is not raised again for the same due moment."""
    if reminder.is_open:
        reminder.state = Reminder.State.DISMISSED
        reminder.snoozed_until = None
        reminder.resolved_at = timezone.now()
        reminder.save(update_fields=["state", "snoozed_until", "resolved_at"])
    return reminder


def record_commitment(*, contact: Contact, description: str, due_on: datetime.date, zone) -> Commitment:
    """Record a promise to ``contact``; it comes due at the start of ``due_on`` in the user's zone."""
    return Commitment.objects.create(
        owner_id=contact.owner_id,
        contact=contact,
        description=description,
        due_on=due_on,
        due_at=start_of_local_day(due_on, zone),
    )


@transaction.atomic
def keep_commitment(*, commitment: Commitment) -> Commitment:
    """Mark a promise kept and close its reminder."""
    now = timezone.now()
    commitment.state = Commitment.State.KEPT
    commitment.kept_at = now
    commitment.save(update_fields=["state", "kept_at"])
    commitment.reminders.filter(state__in=OPEN_STATES).update(
        state=Reminder.State.DONE, resolved_at=now, snoozed_until=None
    )
    return commitment


@transaction.atomic
def drop_commitment(*, commitment: Commitment) -> Commitment:
    now = timezone.now()
    commitment.state = Commitment.State.DROPPED
    commitment.save(update_fields=["state"])
    commitment.reminders.filter(state__in=OPEN_STATES).update(
        state=Reminder.State.DISMISSED, resolved_at=now, snoozed_until=None
    )
    return commitment


def set_time_zone(*, user, time_zone: str) -> FollowupPreferences:
    preferences = preferences_for(user)
    preferences.time_zone = time_zone
    return save_preferences(preferences=preferences)


def skip_today(*, contact: Contact, day: datetime.date) -> None:
    """Take ``contact`` off today's outreach list; they are back tomorrow."""
    OutreachSkip.objects.get_or_create(owner_id=contact.owner_id, contact=contact, skipped_on=day)


@transaction.atomic
def snooze_contact(*, contact: Contact, until: datetime.datetime) -> Reminder:
    """Snooze a contact's cadence reminder, raising it first if the sweep has not yet.
    A double submit (or the sweep) raising the same reminder at the same moment is not an
    error: the reminder it raised is read back and snoozed the same way."""
    open_cadence = contact.reminders.filter(kind=Reminder.Kind.CADENCE, state__in=OPEN_STATES)
    reminder = open_cadence.first()
    if reminder is None:
        if contact.next_due_at is None:
            raise ValidationError("This contact has no frequency, so there is nothing to snooze.")
        try:
            with transaction.atomic():  # a savepoint: losing the race leaves the caller's transaction usable
                reminder = Reminder.objects.create(
                    owner_id=contact.owner_id, contact=contact, kind=Reminder.Kind.CADENCE, due_at=contact.next_due_at
                )
        except IntegrityError:  # reminder_one_open_per_contact_and_kind: the other one won
            reminder = open_cadence.get()
    if reminder.state == Reminder.State.SNOOZED:
        reminder.state = Reminder.State.OPEN
    return snooze(reminder=reminder, until=until)


def add_to_week_plan(*, owner, contacts, week_starting: datetime.date) -> int:
    """Add contacts to the week's plan (already planned ones are left as they are)."""
    entries = [WeekPlanEntry(owner=owner, contact=contact, week_starting=week_starting) for contact in contacts]
    touch([owner.pk])
    return len(WeekPlanEntry.objects.bulk_create(entries, ignore_conflicts=True))


def add_selection_to_week_plan(*, owner, contacts, week_starting: datetime.date) -> int:
    """Add every contact of a selection (a queryset, owner-scoped here again) to the week's plan
    in one INSERT … SELECT; already planned ones are left as they are. Returns how many were added."""
    rows = (
        contacts.filter(owner=owner)
        .annotate(
            plan_owner=Value(owner.pk, output_field=models.BigIntegerField()),
            plan_week=Value(week_starting, output_field=models.DateField()),
            plan_created_at=Value(timezone.now(), output_field=models.DateTimeField()),
        )
        .values_list("plan_owner", "pk", "plan_week", "plan_created_at")
    )
    touch([owner.pk])
    return insert_select(WeekPlanEntry, ("owner_id", "contact_id", "week_starting", "created_at"), rows)


@transaction.atomic
def set_week_plan(*, owner, contacts, week_starting: datetime.date) -> None:
    """Make the week's plan exactly ``contacts``: picked ones stay (with their dates), others go."""
    keep = {contact.pk for contact in contacts}
    WeekPlanEntry.objects.for_user(owner).filter(week_starting=week_starting).exclude(contact_id__in=keep).delete()
    add_to_week_plan(owner=owner, contacts=contacts, week_starting=week_starting)


def remove_from_week_plan(*, owner, contact: Contact, week_starting: datetime.date) -> None:
    WeekPlanEntry.objects.for_user(owner).filter(contact=contact, week_starting=week_starting).delete()


def regenerate_calendar_token(*, user) -> FollowupPreferences:
    """Give ``user`` a new secret calendar feed URL (also the first one). One token per user
    is stored, so the previous URL stops working as soon as this returns."""
    preferences = preferences_for(user)
    preferences.calendar_token = secrets.token_urlsafe(32)  # 43 characters, 256 random bits
    FollowupPreferences.objects.filter(pk=preferences.pk).update(calendar_token=preferences.calendar_token)
    return preferences


def turn_off_calendar_feed(*, user) -> FollowupPreferences:
    """Forget the user's calendar feed token: its URL answers 404 from now on."""
    preferences = preferences_for(user)
    preferences.calendar_token = None
    FollowupPreferences.objects.filter(pk=preferences.pk).update(calendar_token=None)
    return preferences
