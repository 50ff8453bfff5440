"""Who is in the network: contacts, their classifications, tags and the relationship history.

This app knows nothing of strategy or followups (DESIGN.md); they read it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from netcrm.row_urls import row_url

# The import job lives in its own module (it is about uploads, not people); imported from here.
from .import_job import ImportJob, ImportJobQuerySet, stalled_after  # noqa: F401
from .ownership import OwnedQuerySet
from .search import search_contacts

MAX_CONTACT_EVERY_DAYS = 3650
contact_every_days_validators = [
    MinValueValidator(1, "Contact frequency must be at least 1 day (leave it empty for never)."),
    MaxValueValidator(MAX_CONTACT_EVERY_DAYS, "Contact frequency can be at most 3650 days (10 years)."),
]
at_most_days_validators = [
    MinValueValidator(1, "“At most” must be at least 1 day (leave it empty for 1.5 times the frequency)."),
    MaxValueValidator(MAX_CONTACT_EVERY_DAYS, "“At most” can be at most 3650 days (10 years)."),
]


def at_most_problem(*, every_days: int | None, at_most_days: int | None) -> str:
    """Why an "at most" interval cannot go with a frequency, or "" when it can. (The cadence
    update never lets the maximum fall below the frequency anyway: contacts.cadence.)"""
    if at_most_days is None:
        return ""
    if not every_days:
        return "Set a contact frequency first: “at most” is the longest gap beyond it."
    if at_most_days < every_days:
        return f"“At most” cannot be shorter than the frequency ({every_days} days)."
    return ""


class Channel(models.TextChoices):
    ANY = "", "Any channel"
    MEETING = "meeting", "Meeting / coffee"
    CALL = "call", "Phone or video call"
    EMAIL = "email", "Email"
    MESSAGE = "message", "Text message"
    SOCIAL = "social", "Social media"
    EVENT = "event", "Event"


class Tag(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=50)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint("owner", Lower("name"), name="tag_name_unique_per_owner"),
        ]

    def __str__(self):
        return self.name


class Classification(models.Model):
    """A group of contacts kept warm at the same rhythm with the same kind of message."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="classifications")
    name = models.CharField(max_length=80)
    contact_every_days = models.PositiveIntegerField(
        "contact every (days)",
        null=True,
        blank=True,
        validators=contact_every_days_validators,
        help_text="How often to be in touch. Leave empty to never be reminded.",
    )
    contact_at_most_days = models.PositiveIntegerField(
        "at most (days)",
        null=True,
        blank=True,
        validators=at_most_days_validators,
        help_text="The longest gap before someone is overdue. Leave empty for 1.5 times the frequency.",
    )
    message_guidance = models.TextField(
        "message", blank=True, help_text="What to say to this group, e.g. “ask about their project; offer an intro”."
    )
    preferred_channel = models.CharField(max_length=20, choices=Channel.choices, blank=True)
    is_business = models.BooleanField(
        "business", default=True, help_text="Untick for personal “white noise”: family, friends, former teachers."
    )
    display_order = models.PositiveIntegerField(default=0)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["display_order", "name", "pk"]
        constraints = [
            models.UniqueConstraint("owner", Lower("name"), name="classification_name_unique_per_owner"),
            models.CheckConstraint(
                condition=models.Q(contact_every_days__isnull=True) | models.Q(contact_every_days__gte=1),
                name="classification_frequency_positive",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("contacts:classification_edit", args=[self.pk])

    @property
    def effective_at_most_days(self) -> int | None:
        """Its "at most", or when blank 1.5 times the frequency, rounded up (contacts.cadence)."""
        from .cadence import at_most_days

        return at_most_days(every_days_override=None, at_most_days_override=None, classification=self)

    def clean(self):
        problem = at_most_problem(every_days=self.contact_every_days, at_most_days=self.contact_at_most_days)
        if problem:
            raise ValidationError({"contact_at_most_days": problem})


class ContactQuerySet(OwnedQuerySet):
    def search(self, text: str, *, owner=None):
        """The contacts matching ``text`` (contacts/search.py: full-text on PostgreSQL), each
        annotated ``search_rank``; unchanged when ``text`` holds no word."""
        return search_contacts(self, text, owner=owner)


class Contact(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contacts")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, blank=True)
    company = models.CharField(max_length=200, blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    location = models.CharField(max_length=200, blank=True)
    linkedin_url = models.URLField("LinkedIn URL", max_length=300, blank=True)
    website_url = models.URLField("website", max_length=300, blank=True)
    how_we_met = models.CharField("how we met", max_length=255, blank=True)
    where_we_met = models.CharField("where we met", max_length=255, blank=True)
    birthday = models.DateField(null=True, blank=True)
    # Who introduced you: another contact of the same owner (contacts.services.set_introduced_by
    # checks that); deleting the introducer only clears the link.
    introduced_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="introduced_contacts",
        verbose_name="introduced by",
    )
    notes = models.TextField(blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="contacts")
    classification = models.ForeignKey(
        Classification, null=True, blank=True, on_delete=models.PROTECT, related_name="contacts"
    )
    contact_every_days_override = models.PositiveIntegerField(
        "own frequency (days)",
        null=True,
        blank=True,
        validators=contact_every_days_validators,
        help_text="Overrides the classification's frequency for this person only.",
    )
    contact_at_most_days_override = models.PositiveIntegerField(
        "own at most (days)",
        null=True,
        blank=True,
        validators=at_most_days_validators,
        help_text="The longest to go without contact for this person only. Empty: the classification's, or 1.5 times "
        "the own frequency.",
    )
    # Maintained by contacts.cadence.refresh_cadence on every write that moves them; never by hand.
    last_interaction_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The newest interaction itself, so "where we left off" is a join rather than a
    # correlated subquery per column on every list of due contacts.
    last_interaction = models.ForeignKey(
        "Interaction", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    next_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Past this moment the contact is overdue (contacts.bands); kept with next_due_at by refresh_cadence.
    overdue_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            models.Index(fields=["owner", "last_name", "first_name"], name="contact_owner_name_idx"),
            models.Index(fields=["owner", "next_due_at"], name="contact_owner_due_idx"),
            models.Index(fields=["next_due_at"], name="contact_due_idx", condition=models.Q(next_due_at__isnull=False)),
            models.Index(fields=["owner", "overdue_at"], name="contact_owner_overdue_idx"),
            # The dashboard: how many of a classification are within their cadence, and the
            # earliest due of a classification (followups.dashboard.selectors), read from index ranges.
            models.Index(fields=["classification", "next_due_at"], name="contact_classification_due_idx"),
            # The few with a frequency or a maximum of their own, whom today's outreach ranks one by one.
            models.Index(
                fields=["owner", "next_due_at"],
                name="contact_own_rhythm_due_idx",
                condition=models.Q(contact_every_days_override__isnull=False)
                | models.Q(contact_at_most_days_override__isnull=False),
            ),
            # The dashboard's figures (followups.dashboard.pg_reads.FIGURES_CTES) count every contact
            # of the owner: from this index alone, not from the wide rows, wherever the visibility
            # map says a page is all-visible (1.7 of 8 ms of the database's time less at 10,000 contacts).
            models.Index(
                fields=["owner", "classification", "next_due_at", "overdue_at"], name="contact_owner_figures_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(contact_every_days_override__isnull=True)
                | models.Q(contact_every_days_override__gte=1),
                name="contact_frequency_override_positive",
            ),
        ]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return row_url("contacts:detail", self.pk)  # every row of the lists links here

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def clean(self):
        errors = {}
        problem = at_most_problem(every_days=self.contact_every_days, at_most_days=self.contact_at_most_days_override)
        if problem:
            errors["contact_at_most_days_override"] = problem
        if self.pk and self.introduced_by_id == self.pk:
            errors["introduced_by"] = "Nobody introduces you to themselves; pick someone else."
        if errors:
            raise ValidationError(errors)

    @property
    def contact_every_days(self) -> int | None:
        """The effective frequency: own override, else the classification's, else none."""
        if self.contact_every_days_override:
            return self.contact_every_days_override
        if self.classification_id and self.classification.contact_every_days:
            return self.classification.contact_every_days
        return None

    @property
    def contact_at_most_days(self) -> int | None:
        """The effective "at most" interval (contacts.cadence.at_most_days), None without a frequency."""
        from .cadence import at_most_days

        return at_most_days(
            every_days_override=self.contact_every_days_override,
            at_most_days_override=self.contact_at_most_days_override,
            classification=self.classification if self.classification_id else None,
        )


class ContactEmail(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="emails")
    address = models.EmailField(max_length=254)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(Lower("address"), name="contactemail_address_lower_idx")]

    def __str__(self):
        return self.address


class ContactPhone(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(max_length=40)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.number


class InteractionKind(models.TextChoices):
    MEETING = "meeting", "Meeting"
    CALL = "call", "Call"
    EMAIL = "email", "Email"
    MESSAGE = "message", "Message"
    SOCIAL = "social", "Social media"
    EVENT = "event", "Event"
    OTHER = "other", "Other"


class ContributionDirection(models.TextChoices):
    NONE = "", "No contribution"
    GIVEN = "given", "I gave"
    RECEIVED = "received", "I received"


class ContributionKind(models.TextChoices):
    INTRODUCTION = "introduction", "Introduction"
    REFERRAL = "referral", "Referral"
    ADVICE = "advice", "Advice"
    RESOURCE = "resource", "Resource (article, tool…)"
    OTHER = "other", "Other"


class Interaction(models.Model):
    """One moment in a relationship's history; the newest one says where to pick up."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interactions")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="interactions")
    occurred_at = models.DateTimeField("when", default=timezone.now)
    kind = models.CharField(max_length=20, choices=InteractionKind.choices, default=InteractionKind.MEETING)
    summary = models.CharField(max_length=255, help_text="What you talked about.")
    notes = models.TextField(blank=True)
    next_step = models.CharField(max_length=255, blank=True, help_text="Where to pick up next time.")
    contribution_direction = models.CharField(
        "contribution", max_length=10, choices=ContributionDirection.choices, blank=True
    )
    contribution_kind = models.CharField(max_length=20, choices=ContributionKind.choices, blank=True)
    # Set on the two interactions an introduction logs (one on each person), so each timeline
    # links to the other person.
    introduction = models.ForeignKey(
        "Introduction", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="interactions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["contact", "-occurred_at"], name="interaction_contact_when_idx"),
            # Ends with the direction so the dashboard's 12 weeks of interactions and contributions
            # are counted from the index alone (a key column, not INCLUDE, which SQLite lacks).
            models.Index(fields=["owner", "-occurred_at", "contribution_direction"], name="interaction_owner_when_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(contribution_direction="") & models.Q(contribution_kind=""))
                | (~models.Q(contribution_direction="") & ~models.Q(contribution_kind="")),
                name="interaction_contribution_complete",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} with {self.contact} on {self.occurred_at:%Y-%m-%d}"

    def get_constraints(self):
        """Django checks a CheckConstraint on a form's instance with a query; the contribution
        rule is ``clean``'s own, which names the field without asking the database. The
        constraint still guards every write."""
        return [
            (model, [c for c in constraints if c.name != "interaction_contribution_complete"])
            for model, constraints in super().get_constraints()
        ]

    def clean(self):
        if self.contribution_direction and not self.contribution_kind:
            raise ValidationError({"contribution_kind": "Say what kind of contribution this was."})
        if self.contribution_kind and not self.contribution_direction:
            raise ValidationError({"contribution_direction": "Say whether you gave or received it."})


class Introduction(models.Model):
    """“I introduced A to B”: help given to both. It logs one interaction on each (each pointing
    here); the givers-gain ledger counts the introduction once."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="introductions")
    introduced = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="introductions_made")
    introduced_to = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="introductions_received")
    note = models.CharField(max_length=255, blank=True, help_text="Why they should meet.")
    made_at = models.DateTimeField("when", default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-made_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-made_at"], name="introduction_owner_when_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(introduced=models.F("introduced_to")), name="introduction_of_two_people"
            ),
        ]

    def __str__(self):
        return f"{self.introduced} introduced to {self.introduced_to}"

    def other_than(self, contact_id: int) -> Contact:
        """The other person of the pair, seen from ``contact_id``'s page."""
        return self.introduced_to if contact_id == self.introduced_id else self.introduced


from .occasions import Occasion  # noqa: E402, F401  (a model of this app kept in its own module)
