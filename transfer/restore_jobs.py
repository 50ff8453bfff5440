"""Restore jobs: a backup file is kept on a ``RestoreJob`` and restored (restore.py), inside the
request when it is small, else by a Celery task with a progress bar, like a big import.

Every step moves the job's status forward with a conditional UPDATE (``RestoreJob.claim``), so a
double submit, a retry and a redelivered task never restore a file twice. A job whose task could
not be queued (the broker is down) or whose worker died is left to be tried again: the restore is
one transaction, so nothing of it was written.
"""

from __future__ import annotations

import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from contacts.importing.rows import without_control_chars
from contacts.models import Contact, ContactEmail, ContactPhone, Interaction
from contacts.occasions import Occasion
from followups.models import Commitment, Reminder, WeekPlanEntry
from netcrm.queueing import WorkerUnreachable, enqueue
from netcrm.sql import analyze_after_bulk_write

from .models import RestoreJob
from .restore import RestoreError, restore_backup
from .services import ProgressReporter, megabytes

logger = logging.getLogger(__name__)
# What a restore writes that the pages plan their reads on (netcrm.sql.analyze_after_bulk_write).
RESTORED_MODELS = (
    Contact,
    ContactEmail,
    ContactPhone,
    Contact.tags.through,
    Interaction,
    Occasion,
    Reminder,
    Commitment,
    WeekPlanEntry,
)
Status = RestoreJob.Status

WORKER_UNREACHABLE = str(WorkerUnreachable())


def max_restore_bytes() -> int:
    return settings.NETCRM_IMPORT_MAX_BYTES * 5


def start_restore(*, owner, file_name: str, raw: bytes) -> RestoreJob:
    """Keep the backup and restore it: at once when it is at most
    ``NETCRM_IMPORT_BACKGROUND_BYTES``, else in a task. Raises ``RestoreError`` for a file or an
    account it cannot take (and for a small file whose restore failed: nothing is written)."""
    if len(raw) > max_restore_bytes():
        raise RestoreError(f"The file is {megabytes(len(raw))}; the limit is {megabytes(max_restore_bytes())}.")
    if Contact.objects.for_user(owner).exists():
        raise RestoreError("Restore goes into an account without contacts; this one already has some.")
    running = RestoreJob.objects.for_user(owner).filter(status__in=RestoreJob.RUNNING).defer("source_bytes")
    if any(not job.is_stale for job in running):
        raise RestoreError("A restore is already running for this account; wait for it to finish.")
    job = RestoreJob.objects.create(
        owner=owner,
        original_name=(without_control_chars(file_name or "") or "backup.json")[-255:],
        size_bytes=len(raw),
        source_bytes=raw,
        in_background=len(raw) > settings.NETCRM_IMPORT_BACKGROUND_BYTES,
        status=Status.QUEUED,
    )
    if job.in_background:
        transaction.on_commit(lambda: queue_restore(job_id=job.pk))
        return job
    run_restore(job_id=job.pk)
    job.refresh_from_db()
    if job.status != Status.DONE:  # a small file refused: say so on the form, keep nothing
        job.delete()
        raise RestoreError(job.error)
    return job


def queue_restore(*, job_id: int) -> None:
    """Hand a queued job to the worker; if the broker cannot be reached, leave the job
    ``NOT_QUEUED`` (shown with a "Try again" button) rather than waiting for ever."""
    from . import tasks

    try:
        enqueue(tasks.restore_backup_job, job_id)
    except WorkerUnreachable as error:
        RestoreJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
            status=Status.NOT_QUEUED, error=str(error), updated_at=timezone.now()
        )


def retry_restore(*, job: RestoreJob) -> bool:
    """Queue again a job that never reached a worker, or whose worker died. False if the job has
    moved on meanwhile (another click, a worker that picked it up after all)."""
    if job.status == Status.NOT_QUEUED:
        claimed = job.claim(from_status=Status.NOT_QUEUED, to_status=Status.QUEUED, error="")
    else:
        claimed = job.is_stale and job.claim(from_status=job.status, to_status=Status.QUEUED, stale_only=True)
    if claimed:
        transaction.on_commit(lambda: queue_restore(job_id=job.pk))
    return claimed


def run_restore(*, job_id: int) -> None:
    """Restore a queued job's file, then record the outcome. Does nothing unless the job is
    queued: a redelivered task finds it restoring or done (a job whose worker died is queued
    again by ``retry_restore``)."""
    claimed = RestoreJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.RESTORING, updated_at=timezone.now(), rows_done=0
    )
    if not claimed:
        return
    job = RestoreJob.objects.select_related("owner").get(pk=job_id)
    reporter = ProgressReporter(job.pk, model=RestoreJob)
    progress = reporter if job.in_background else None  # a small one is over before a page could poll
    try:
        counts = restore_backup(owner=job.owner, raw=bytes(job.source_bytes), progress=progress)
    except RestoreError as error:
        _finish(job.pk, status=Status.FAILED, error=str(error))
        return
    except SoftTimeLimitExceeded:
        minutes = settings.NETCRM_IMPORT_TIME_LIMIT // 60
        _finish(job.pk, status=Status.FAILED, error=f"The restore took longer than {minutes} minutes and was stopped.")
        return
    except Exception:
        logger.exception("restore job %s failed", job.pk)
        _finish(job.pk, status=Status.FAILED, error="Writing the backup failed.")
        return
    finally:
        reporter.close()
    # Pairs, not an object: jsonb does not keep the order of an object's keys.
    _finish(job.pk, status=Status.DONE, result=list(counts.items()), rows_done=F("rows_total"))
    analyze_after_bulk_write(RESTORED_MODELS, rows=sum(counts.values()))


def _finish(job_id: int, *, status: str, **changes) -> None:
    # The upload goes either way: a failed restore is fixed by uploading a corrected file.
    RestoreJob.objects.filter(pk=job_id, status=Status.RESTORING).update(
        status=status, source_bytes=b"", finished_at=timezone.now(), updated_at=timezone.now(), **changes
    )


def restored_summary(counts: list[list]) -> str:
    """A job's result, ``[["contacts", 1200], ["people_met", 2]]`` -> "1,200 contacts, 2 people met"."""
    restored = ", ".join(f"{count:,} {name.replace('_', ' ')}" for name, count in counts if count)
    return restored or "an empty backup"


def jobs_for(*, owner):
    return RestoreJob.objects.for_user(owner).defer("source_bytes")
