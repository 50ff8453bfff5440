"""When to reach out: reminders, promises and each user's follow-up preferences."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact, Interaction, Occasion
from contacts.occasions import YEAR_UNKNOWN
from contacts.ownership import OwnedQuerySet

OPEN_STATES = ("open", "snoozed")
# How many people the weekly digest names (the rest are counted): a plan for the week, not a dump.
DIGEST_SIZE_DEFAULT = 10
DIGEST_SIZE_MAX = 50
# How many days before a birthday or another important date its reminder is raised.
DATE_REMINDER_DAYS_DEFAULT = 7
DATE_REMINDER_DAYS_MAX = 60
UNFINISHED_DIGESTS = ("claimed", "sending", "retrying")


def validate_time_zone(name: str) -> None:
    if name not in zoneinfo.available_timezones():
        raise ValidationError(f"“{name}” is not a time zone name such as Europe/Berlin or America/New_York.")


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class FollowupPreferences(models.Model):
    """One per user: their time zone and when their weekly digest goes out."""

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followup_prefs")
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    digest_enabled = models.BooleanField("send me the weekly digest", default=True)
    digest_weekday = models.PositiveSmallIntegerField("on", choices=Weekday.choices, default=Weekday.MONDAY)
    digest_hour = models.PositiveSmallIntegerField(
        "at", choices=[(hour, f"{hour:02d}:00") for hour in range(24)], default=8
    )
    digest_when_empty = models.BooleanField("also when nobody is due", default=False)
    outreach_list_size = models.PositiveSmallIntegerField(
        "people in today's outreach",
        default=5,
        validators=[MinValueValidator(1, "Show at least 1 person."), MaxValueValidator(20, "Show at most 20.")],
    )
    digest_size = models.PositiveSmallIntegerField(
        "people in the weekly digest",
        default=DIGEST_SIZE_DEFAULT,
        validators=[
            MinValueValidator(1, "Show at least 1 person."),
            MaxValueValidator(DIGEST_SIZE_MAX, f"Show at most {DIGEST_SIZE_MAX}."),
        ],
        help_text="The most pressing first; everyone else due is counted per classification, with a link.",
    )
    date_reminder_days = models.PositiveSmallIntegerField(
        "remind me of birthdays and other dates (days before)",
        default=DATE_REMINDER_DAYS_DEFAULT,
        validators=[
            MinValueValidator(0, "Use 0 for a reminder on the day itself."),
            MaxValueValidator(DATE_REMINDER_DAYS_MAX, f"Remind at most {DATE_REMINDER_DAYS_MAX} days before."),
        ],
        help_text="0 reminds you on the day itself.",
    )
    # The next weekly slot in UTC; the scheduler claims a digest by moving it forward.
    next_digest_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The secret in the user's calendar feed URL (followups.calendar.feed); none until they create
    # one. Kept in clear because the settings page shows the URL; regenerating replaces it.
    calendar_token = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "follow-up preferences"
        constraints = [
            # The digest's ranking query cuts each user's list at this number.
            models.CheckConstraint(
                condition=models.Q(digest_size__gte=1, digest_size__lte=DIGEST_SIZE_MAX), name="prefs_digest_size_range"
            ),
            # The sweep reads it in SQL to find the dates coming up.
            models.CheckConstraint(
                condition=models.Q(date_reminder_days__lte=DATE_REMINDER_DAYS_MAX),
                name="prefs_date_reminder_days_range",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_digest_at"], name="prefs_next_digest_idx", condition=models.Q(digest_enabled=True)
            )
        ]

    def __str__(self):
        return f"Preferences of {self.owner}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def calendar_feed_url(self) -> str | None:
        """The absolute URL calendar apps subscribe to, or None while the feed is off."""
        if not self.calendar_token:
            return None
        return settings.SITE_URL + reverse("followups:calendar_feed", args=[self.calendar_token])


class Commitment(models.Model):
    """A promise made to a contact (“I'll send you that article by Friday”)."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        KEPT = "kept", "Kept"
        DROPPED = "dropped", "Dropped"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="commitments")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="commitments")
    description = models.CharField("promise", max_length=255)
    due_on = models.DateField("due on")
    # The due date's start in the owner's time zone, in UTC: what the sweep compares with.
    due_at = models.DateTimeField(editable=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    kept_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["state", "due_at"], name="commitment_state_due_idx")]

    def __str__(self):
        return f"{self.description} (to {self.contact}, by {self.due_on:%Y-%m-%d})"


class ReminderQuerySet(OwnedQuerySet):
    def still_open(self):
        return self.filter(state__in=OPEN_STATES)


class Reminder(models.Model):
    """Something to act on for a contact. At most one open-or-snoozed per contact and kind
    (per promise for promise reminders), enforced by the database; a date reminder is one per
    occurrence instead (``occasion_on``: this year's birthday, this year's work anniversary),
    whatever its state, so a dismissed one is not raised again that year."""

    class Kind(models.TextChoices):
        CADENCE = "cadence", "Time to reconnect"
        PROMISE = "promise", "Promise due"
        EVENT_FOLLOWUP = "event_followup", "Follow up after an event"
        DATE = "date", "Important date"

    class State(models.TextChoices):
        OPEN = "open", "Open"
        SNOOZED = "snoozed", "Snoozed"
        DONE = "done", "Done"
        DISMISSED = "dismissed", "Dismissed"

    # The owner and contact columns are indexed by the composite indexes below (leading column);
    # every index here costs the sweep time on each row it raises, so none is redundant.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders", db_index=False
    )
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="reminders", db_index=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    due_at = models.DateTimeField()
    snoozed_until = models.DateTimeField(null=True, blank=True)
    message = models.TextField(blank=True, default="")
    commitment = models.ForeignKey(
        Commitment, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders", db_index=False
    )
    # A date reminder: the day it is for (in the owner's calendar) and, unless it is the
    # contact's birthday, the occasion.
    occasion_on = models.DateField(null=True, blank=True)
    occasion = models.ForeignKey(
        Occasion, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders", db_index=False
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        Interaction,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resolved_reminders",
        db_index=False,
    )

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "kind"],
                condition=models.Q(state__in=OPEN_STATES)
                & models.Q(commitment__isnull=True)
                & models.Q(occasion_on__isnull=True),
                name="reminder_one_open_per_contact_and_kind",
            ),
            models.UniqueConstraint(
                fields=["contact", "occasion_on"],
                condition=models.Q(kind="date", occasion__isnull=True),
                name="reminder_one_per_birthday_per_year",
            ),
            models.UniqueConstraint(
                fields=["occasion", "occasion_on"],
                condition=models.Q(occasion__isnull=False),
                name="reminder_one_per_occasion_per_year",
            ),
            models.UniqueConstraint(
                fields=["commitment"],
                condition=models.Q(state__in=OPEN_STATES) & models.Q(commitment__isnull=False),
                name="reminder_one_open_per_promise",
            ),
            models.CheckConstraint(
                condition=models.Q(state="snoozed", snoozed_until__isnull=False) | ~models.Q(state="snoozed"),
                name="reminder_snoozed_has_a_date",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "state", "due_at"], name="reminder_owner_state_due_idx"),
            models.Index(fields=["contact", "kind", "due_at"], name="reminder_contact_kind_due_idx"),
            models.Index(fields=["snoozed_until"], name="reminder_snoozed_idx", condition=models.Q(state="snoozed")),
            models.Index(
                fields=["commitment"], name="reminder_commitment_idx", condition=models.Q(commitment__isnull=False)
            ),
            models.Index(
                fields=["resolved_by"], name="reminder_resolved_by_idx", condition=models.Q(resolved_by__isnull=False)
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.contact}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def occasion_title(self) -> str:
        """“Birthday”, “Work anniversary”, or the user's label (date reminders only)."""
        if self.kind != self.Kind.DATE:
            return ""
        return self.occasion.title if self.occasion_id else "Birthday"

    @property
    def occasion_years(self) -> int | None:
        """How old the contact turns, or how many years the occasion marks; None when the year
        is unknown (contacts.occasions.YEAR_UNKNOWN) or the date happens once."""
        if self.kind != self.Kind.DATE or self.occasion_on is None:
            return None
        first = self.occasion.on if self.occasion_id else self.contact.birthday
        if first is None or first.year == YEAR_UNKNOWN or (self.occasion_id and not self.occasion.is_yearly):
            return None
        years = self.occasion_on.year - first.year
        return years if years > 0 else None


class DigestLog(models.Model):
    """One weekly digest of one user: claimed in the database before it is handed to the mail
    backend, then sent, skipped (empty week) or failed. Unique per user and week."""

    class State(models.TextChoices):
        CLAIMED = "claimed", "Claimed"
        SENDING = "sending", "Sending"
        RETRYING = "retrying", "Waiting to retry"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped (nothing due)"
        FAILED = "failed", "Failed"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_logs")
    week_starting = models.DateField(help_text="Monday of the week, in the user's time zone.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.CLAIMED)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the latest attempt took the log to "sending" (the reaper fails one that never ended),
    # and when a log waiting to retry (or queued again by the reaper) should next be tried.
    attempt_started_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    contacts_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    # What the digest says, built when the week is claimed (followups.digest.snapshot's
    # DigestContent.to_snapshot); cleared once the digest is sent, skipped or failed.
    content = models.JSONField(null=True, blank=True, editable=False)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-week_starting", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "week_starting"], name="digest_one_per_user_per_week"),
        ]
        indexes = [
            # The reaper looks only at logs still on their way.
            models.Index(
                fields=["state"], name="digestlog_unfinished_idx", condition=models.Q(state__in=UNFINISHED_DIGESTS)
            ),
        ]

    def __str__(self):
        return f"Digest for {self.owner} for the week of {self.week_starting}"


class WeekPlanEntry(models.Model):
    """A contact the user picked to reach this week; ticked once an interaction is logged."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="week_plan")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="week_plan_entries")
    week_starting = models.DateField(help_text="Monday of the week, in the user's time zone.")
    created_at = models.DateTimeField(default=timezone.now)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "week_starting", "contact"], name="week_plan_contact_once"),
        ]

    def __str__(self):
        return f"{self.contact} in the week of {self.week_starting}"


class OutreachSkip(models.Model):
    """“Not today”: the contact leaves today's outreach list until tomorrow (the user's day)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outreach_skips")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="outreach_skips")
    skipped_on = models.DateField()

    objects = OwnedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact", "skipped_on"], name="outreach_skip_once_a_day"),
        ]

    def __str__(self):
        return f"{self.contact} skipped on {self.skipped_on}"
