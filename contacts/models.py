"""Who is in the network: contacts, their classifications, tags and the relationship history.

This app knows nothing of strategy or followups (DESIGN.md); they read it.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from netcrm.row_urls import row_url

from .ownership import OwnedQuerySet
from .search import search_contacts

MAX_CONTACT_EVERY_DAYS = 3650
contact_every_days_validators = [
    MinValueValidator(1, "Contact frequency must be at least 1 day (leave it empty for never)."),
    MaxValueValidator(MAX_CONTACT_EVERY_DAYS, "Contact frequency can be at most 3650 days (10 years)."),
]


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


class ContactQuerySet(OwnedQuerySet):
    def with_list_data(self):
        """What the contact list shows, in a fixed number of queries whatever the row count."""
        return self.select_related("classification").prefetch_related("tags", "emails")

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
    # Maintained by contacts.cadence.refresh_cadence on every write that moves them; never by hand.
    last_interaction_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The newest interaction itself, so "where we left off" is a join rather than a
    # correlated subquery per column on every list of due contacts.
    last_interaction = models.ForeignKey(
        "Interaction", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    next_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            models.Index(fields=["owner", "last_name", "first_name"], name="contact_owner_name_idx"),
            models.Index(fields=["owner", "next_due_at"], name="contact_owner_due_idx"),
            models.Index(fields=["next_due_at"], name="contact_due_idx", condition=models.Q(next_due_at__isnull=False)),
            # The dashboard: how many of a classification are within their cadence, and the
            # earliest due of a classification (followups.dashboard.selectors), read from index ranges.
            models.Index(fields=["classification", "next_due_at"], name="contact_classification_due_idx"),
            models.Index(
                fields=["owner", "next_due_at"],
                name="contact_own_frequency_due_idx",
                condition=models.Q(contact_every_days_override__isnull=False),
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

    @property
    def contact_every_days(self) -> int | None:
        """The effective frequency: own override, else the classification's, else none."""
        if self.contact_every_days_override:
            return self.contact_every_days_override
        if self.classification_id and self.classification.contact_every_days:
            return self.classification.contact_every_days
        return None


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

    def clean(self):
        if self.contribution_direction and not self.contribution_kind:
            raise ValidationError({"contribution_kind": "Say what kind of contribution this was."})
        if self.contribution_kind and not self.contribution_direction:
            raise ValidationError({"contribution_direction": "Say whether you gave or received it."})


def stalled_after() -> datetime.timedelta:
    """How long a background job (an import, a restore) may go untouched before its worker is
    taken for dead: longer than any task may run."""
    return datetime.timedelta(seconds=settings.NETCRM_IMPORT_TIME_LIMIT + 60)


class ImportJobQuerySet(OwnedQuerySet):
    def open(self):
        """Jobs that still hold an upload the user may act on (the per-user cap counts these)."""
        return self.filter(
            models.Q(status__in=ImportJob.OPEN) | models.Q(status=ImportJob.Status.FAILED, retryable=True)
        )

    def fail_stalled(self, *, now: datetime.datetime) -> int:
        """Mark failed, and retryable, every running job nobody has touched for longer than a
        task may run: its worker died (or its web request was killed). The write is one
        transaction, so a job that died mid-way wrote nothing; "Try again" redoes it."""
        return self.filter(status__in=ImportJob.RUNNING, updated_at__lt=now - stalled_after()).update(
            status=ImportJob.Status.FAILED,
            retryable=True,
            error=ImportJob.WORKER_STOPPED,
            finished_at=now,
            updated_at=now,
        )

    def purge_old_uploads(self, *, now: datetime.datetime) -> tuple[int, int]:
        """Retention: an upload not imported within 48 hours is deleted (the job says it
        expired); a done job keeps only its counts after 30 days. Returns (expired, trimmed)."""
        expired = (
            self.exclude(status__in=(ImportJob.Status.DONE, ImportJob.Status.EXPIRED))
            .filter(created_at__lt=now - ImportJob.KEEP_UNFINISHED)
            .update(
                status=ImportJob.Status.EXPIRED,
                source_bytes=b"",
                parsed_rows=None,
                preview=None,
                retryable=False,
                error="This upload was deleted after 48 hours without being imported. Upload the file again.",
                updated_at=now,
            )
        )
        trimmed = (
            self.filter(status=ImportJob.Status.DONE, finished_at__lt=now - ImportJob.KEEP_DONE)
            .exclude(preview=None, parsed_rows=None, source_bytes=b"")
            .update(source_bytes=b"", parsed_rows=None, preview=None, updated_at=now)
        )
        return expired, trimmed


class ImportJob(models.Model):
    """One uploaded file on its way in: parsed, previewed, confirmed, written (contacts.importing).

    The upload is kept in the database, not on a disk, so a Celery worker on another machine
    can read it. Status moves forward only through ``claim`` (a conditional UPDATE), so a
    double click or a redelivered task never runs a step twice.
    """

    class Status(models.TextChoices):
        NEEDS_MAPPING = "needs_mapping", "Choose the columns"
        PLANNING = "planning", "Reading the file"
        PREVIEWED = "previewed", "Ready to confirm"
        APPLYING = "applying", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired"

    RUNNING = (Status.PLANNING, Status.APPLYING)
    OPEN = (Status.NEEDS_MAPPING, Status.PLANNING, Status.PREVIEWED, Status.APPLYING)
    KEEP_UNFINISHED = datetime.timedelta(hours=48)
    KEEP_DONE = datetime.timedelta(days=30)
    WORKER_STOPPED = "The background worker stopped before this import finished, so nothing was imported. Try again."

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs")
    original_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=20)
    source_bytes = models.BinaryField()
    encoding = models.CharField(max_length=20, blank=True)
    headers = models.JSONField(default=list, blank=True)
    column_mapping = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices)
    in_background = models.BooleanField(default=False)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    parsed_rows = models.JSONField(null=True, blank=True, editable=False)
    preview = models.JSONField(null=True, blank=True, editable=False)
    options = models.JSONField(default=dict, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    # A failure that is not the file's fault (a worker that died, a broker that was down):
    # the page offers "Try again", which redoes the failed step from the kept upload.
    retryable = models.BooleanField(default=False)
    # Moved forward by every retry; a task carries the attempt it was queued for, so a stale
    # message redelivered after a crash does nothing.
    attempt = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="importjob_owner_created_idx")]

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("transfer:import_detail", args=[self.pk])

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def progress_percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))

    def claim(self, *, from_status: str, to_status: str, **changes) -> bool:
        """Move from one status to the next only if still in ``from_status``; True if this call did."""
        claimed = ImportJob.objects.filter(pk=self.pk, status=from_status).update(
            status=to_status, updated_at=timezone.now(), **changes
        )
        if claimed:
            self.refresh_from_db()
        return bool(claimed)
