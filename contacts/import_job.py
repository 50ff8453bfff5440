"""Background import jobs: an uploaded file on its way in (contacts.importing), kept in the database
so a Celery worker on another machine can read it. Re-exported by contacts.models."""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .ownership import OwnedQuerySet


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
