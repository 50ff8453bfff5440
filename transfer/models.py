"""The one model of the transfer app: a backup on its way back in (see restore_jobs.py)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from contacts.models import stalled_after
from contacts.ownership import OwnedQuerySet


class RestoreJobQuerySet(OwnedQuerySet):
    def purge_old_uploads(self, *, now: datetime.datetime) -> int:
        """Retention: a backup not restored within 48 hours is deleted, and the job says so."""
        return (
            self.exclude(status=RestoreJob.Status.DONE)
            .exclude(source_bytes=b"")
            .filter(created_at__lt=now - datetime.timedelta(hours=48))
            .update(
                status=RestoreJob.Status.FAILED,
                source_bytes=b"",
                error="This backup was deleted after 48 hours without being restored. Upload it again.",
                updated_at=now,
            )
        )


class RestoreJob(models.Model):
    """A backup file being restored, at once (small files) or by a Celery task (big ones).

    Not an ``ImportJob`` with a kind: a restore has none of an import's steps (columns, preview,
    confirm) and writes every app's rows, while ``ImportJob`` lives in ``contacts``, which may not
    know the other apps. The upload is kept in the database, like an import's, so a worker on
    another machine can read it; status moves forward only through ``claim``.
    """

    class Status(models.TextChoices):
        NOT_QUEUED = "not_queued", "Not started"
        QUEUED = "queued", "Waiting for the worker"
        RESTORING = "restoring", "Restoring"
        DONE = "done", "Restored"
        FAILED = "failed", "Failed"

    RUNNING = (Status.QUEUED, Status.RESTORING)

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="restore_jobs")
    original_name = models.CharField(max_length=255)
    size_bytes = models.PositiveBigIntegerField(default=0)
    source_bytes = models.BinaryField()
    status = models.CharField(max_length=20, choices=Status.choices)
    in_background = models.BooleanField(default=False)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = RestoreJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="restorejob_owner_created_idx")]

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("transfer:restore_detail", args=[self.pk])

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def is_stale(self) -> bool:
        """Running, but untouched for longer than the task may run: its worker died (or none
        picked it up). Nothing of it was written (one transaction), so it can simply run again."""
        return self.is_running and self.updated_at < stale_before()

    @property
    def can_retry(self) -> bool:
        return self.status == self.Status.NOT_QUEUED or self.is_stale

    @property
    def progress_percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))

    def claim(self, *, from_status: str, to_status: str, stale_only: bool = False, **changes) -> bool:
        """Move from one status to the next only if still in ``from_status`` (and, with
        ``stale_only``, untouched past the time limit); True if this call did."""
        claimable = RestoreJob.objects.filter(pk=self.pk, status=from_status)
        if stale_only:
            claimable = claimable.filter(updated_at__lt=stale_before())
        claimed = claimable.update(status=to_status, updated_at=timezone.now(), **changes)
        if claimed:
            self.refresh_from_db()
        return bool(claimed)


def stale_before() -> datetime.datetime:
    """A running job last touched before this moment has outlived any task's time limit."""
    return timezone.now() - stalled_after()
