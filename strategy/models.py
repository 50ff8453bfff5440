"""Why and how the user networks: the plan, purposes, venues judged by return, events with goals.

Reads ``contacts``; never imports ``followups`` (DESIGN.md: contacts <- strategy <- followups).
Items 2, 4 and 5 of the plan are the live classifications (contacts.Classification), so they
are not stored here.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from contacts.ownership import OwnedQuerySet

STANDARD_PURPOSES = [
    "New business or career opportunities",
    "Customers",
    "Collaborators",
    "Friends",
    "A mate",
    "Building a brand",
    "Groundwork for the future",
    "Partners",
    "Investors",
    "Learning about products, services and companies",
    "Researching candidates, partners or investors",
    "People with similar interests",
    "Travel companions",
    "Hobbyists",
    "Research",
]

MAX_HOURS_SPENT = 10_000
MAX_GOAL_PEOPLE = 100
# A venue is judged on its return only after this many attended events (DESIGN.md).
ATTENDANCES_BEFORE_JUDGING = 3


class Plan(models.Model):
    """One per user: the user's own text for strategy items 1, 3, 6, 7 and 8, with structure."""

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="networking_plan")
    who_to_invite = models.TextField("who you will invite into your network", blank=True)
    how_to_maintain = models.TextField("how you will maintain contact", blank=True)
    # contacts.models.Channel values (without the empty "any channel").
    maintain_channels = models.JSONField("channels you use", default=list, blank=True)
    how_to_participate = models.TextField("how you will participate", blank=True)
    what_to_contribute = models.TextField("what you will contribute", blank=True)
    # contacts.models.ContributionKind values the user means to offer.
    contribution_kinds = models.JSONField("kinds of help you offer", default=list, blank=True)
    how_to_contribute = models.TextField("how you will contribute", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OwnedQuerySet.as_manager()

    def __str__(self):
        return f"Networking plan of {self.owner}"

    def get_absolute_url(self):
        return reverse("strategy:plan")


class Purpose(models.Model):
    """Why the user networks; contacts are tagged with the purposes they serve."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="purposes")
    name = models.CharField(max_length=80)
    is_standard = models.BooleanField(default=False, editable=False)
    is_main = models.BooleanField("main objective", default=False)
    contacts = models.ManyToManyField(Contact, blank=True, related_name="purposes")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-is_main", "name", "pk"]
        constraints = [
            models.UniqueConstraint("owner", Lower("name"), name="purpose_name_unique_per_owner"),
            models.UniqueConstraint(
                fields=["owner"], condition=models.Q(is_main=True), name="purpose_one_main_per_owner"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("strategy:purpose_contacts", args=[self.pk])


class YesNoUnknown(models.TextChoices):
    UNKNOWN = "", "Not sure yet"
    YES = "yes", "Yes"
    NO = "no", "No"


class Venue(models.Model):
    """A place or channel to network in, with the questions that judge whether it pays back."""

    class Kind(models.TextChoices):
        ASSOCIATION = "association", "Association or club"
        FORUM = "forum", "Online forum or community"
        SOCIAL = "social", "Social network"
        CONFERENCE = "conference", "Conference or trade show"
        MEETUP = "meetup", "Meetup"
        OTHER = "other", "Other"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="venues")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MEETUP)
    url = models.URLField(
        "link",
        max_length=300,
        blank=True,
        error_messages={"invalid": "Enter a web address such as https://example.org/group."},
    )
    target_market_present = models.CharField(
        "is your target market there?", max_length=10, choices=YesNoUnknown.choices, blank=True
    )
    interaction_quality = models.PositiveSmallIntegerField(
        "how meaningful are the interactions? (1–5)",
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1, "Rate the interactions from 1 (small talk) to 5 (real conversations)."),
            MaxValueValidator(5, "Rate the interactions from 1 (small talk) to 5 (real conversations)."),
        ],
    )
    hours_spent = models.DecimalField(
        "hours spent",
        max_digits=7,
        decimal_places=1,
        default=0,
        validators=[
            MinValueValidator(0, "Hours spent cannot be negative."),
            MaxValueValidator(MAX_HOURS_SPENT, "Over 10,000 hours? Enter the hours you really spent there."),
        ],
        help_text="All the time it took: travel, the events, online time.",
    )
    spread_too_thin = models.CharField(
        "does it spread you too thin?", max_length=10, choices=YesNoUnknown.choices, blank=True
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours_spent__gte=0) & models.Q(hours_spent__lte=MAX_HOURS_SPENT),
                name="venue_hours_spent_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(interaction_quality__isnull=True)
                | models.Q(interaction_quality__gte=1, interaction_quality__lte=5),
                name="venue_interaction_quality_1_to_5",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("strategy:venue_detail", args=[self.pk])


class EventQuerySet(OwnedQuerySet):
    def with_people_count(self):
        people = (
            PersonMet.objects.filter(event=models.OuterRef("pk"))
            .order_by()
            .annotate(total=models.Func(models.F("pk"), function="COUNT"))
            .values("total")
        )
        return self.annotate(people_count=Coalesce(models.Subquery(people), 0))


class Event(models.Model):
    """Going somewhere with a goal (“meet 2 new people”) and following up with whoever you met."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="events")
    venue = models.ForeignKey(Venue, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    name = models.CharField(max_length=160)
    held_on = models.DateField("date")
    # Start of ``held_on`` and of the third day after it, in the owner's zone, stored in UTC:
    # interactions from ``starts_at`` count as a follow-up; the sweep reminds from ``follow_up_due_at``.
    starts_at = models.DateTimeField(editable=False)
    follow_up_due_at = models.DateTimeField(editable=False)
    goal_people = models.PositiveSmallIntegerField(
        "goal: new people to meet",
        default=2,
        validators=[
            MinValueValidator(1, "Set a goal of at least 1 person; going with a goal is the point."),
            MaxValueValidator(MAX_GOAL_PEOPLE, "A goal of more than 100 people is not networking; pick fewer."),
        ],
    )
    goal_note = models.CharField(
        "goal, in words", max_length=255, blank=True, help_text="For example: find a designer for the app."
    )
    attended = models.BooleanField("I went", default=False)
    notes = models.TextField(blank=True)
    people_met = models.ManyToManyField(Contact, through="PersonMet", related_name="events_met", blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [
            models.Index(fields=["owner", "-held_on"], name="event_owner_date_idx"),
            models.Index(fields=["follow_up_due_at"], name="event_follow_up_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(goal_people__gte=1), name="event_goal_at_least_one"),
        ]

    def __str__(self):
        return f"{self.name} ({self.held_on:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("strategy:event_detail", args=[self.pk])

    def goal_met_with(self, people_count: int) -> bool:
        return people_count >= self.goal_people

    @property
    def goal_met(self) -> bool:
        """Computed from the people met; uses the ``people_count`` annotation when present."""
        count = getattr(self, "people_count", None)
        if count is None:
            count = self.meetings.count()
        return self.goal_met_with(count)


class PersonMet(models.Model):
    """A contact met at an event (the business-card moment)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meetings")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="event_meetings")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "person met"
        verbose_name_plural = "people met"
        constraints = [models.UniqueConstraint(fields=["event", "contact"], name="person_met_once_per_event")]

    def __str__(self):
        return f"{self.contact} at {self.event}"


class MetAt(models.Model):
    """How you met a contact, as a venue or an event of yours (the contact's free-text “how we
    met” stays as it is). Lives here, not on Contact: contacts knows nothing of venues."""

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="met_at")
    venue = models.ForeignKey(Venue, null=True, blank=True, on_delete=models.CASCADE, related_name="first_met")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.CASCADE, related_name="first_met")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "where you met"
        verbose_name_plural = "where you met"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(venue__isnull=True, event__isnull=False)
                | models.Q(venue__isnull=False, event__isnull=True),
                name="met_at_a_venue_or_an_event",
            ),
        ]

    def __str__(self):
        return f"{self.contact} met at {self.event or self.venue}"

    @property
    def place(self) -> Event | Venue:
        return self.event or self.venue
