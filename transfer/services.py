"""Import jobs: upload → (column mapping) → preview → confirm → written; small files at once,
big ones in a Celery task. The rules themselves live in ``contacts.importing``.

Every step moves the job's status forward with a conditional UPDATE (``ImportJob.claim``),
so a double submit or a redelivered task never runs a step twice.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.utils import timezone

from contacts.importing import ImportFileError, ParsedFile, build_plan, decode_upload, parse_text
from contacts.importing.apply import apply_import
from contacts.importing.formats import FORMATS, detect_format, estimate_rows, find_header, guess_mapping
from contacts.importing.rows import without_control_chars
from contacts.models import Classification, Contact, ContactEmail, ContactPhone, ImportJob, Tag, stalled_after
from contacts.occasions import Occasion
from netcrm.queueing import WorkerUnreachable, enqueue
from netcrm.sql import analyze_after_bulk_write

logger = logging.getLogger(__name__)
# What an import writes that the pages plan their reads on (netcrm.sql.analyze_after_bulk_write).
IMPORTED_MODELS = (Contact, ContactEmail, ContactPhone, Contact.tags.through, Tag, Occasion)
Status = ImportJob.Status


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def check_upload_size(size: int) -> None:
    limit = settings.NETCRM_IMPORT_MAX_BYTES
    if size > limit:
        raise ImportFileError(f"The file is {megabytes(size)}; the limit is {megabytes(limit)}. Split it first.")


def check_open_jobs(owner) -> None:
    limit = settings.NETCRM_IMPORT_MAX_OPEN_JOBS
    if ImportJob.objects.for_user(owner).open().count() >= limit:
        raise ImportFileError(
            f"You have {limit} imports waiting. Import or discard one of them (listed below) "
            "before uploading another file."
        )


def reads_in_background(*, size: int, text: str) -> bool:
    """Whether a file is read and written by a worker rather than inside the web request: from
    ``NETCRM_IMPORT_BACKGROUND_BYTES`` bytes (a one-card vCard can be megabytes) or
    ``NETCRM_IMPORT_BACKGROUND_ROWS`` rows, whatever its line endings."""
    if size >= settings.NETCRM_IMPORT_BACKGROUND_BYTES:
        return True
    return estimate_rows(text) >= settings.NETCRM_IMPORT_BACKGROUND_ROWS


def check_column_count(count: int) -> None:
    """The mapping page posts one choice per column: a file with more than it can take is
    refused here, at upload, rather than failing when the mapping is submitted."""
    limit = settings.NETCRM_IMPORT_MAX_COLUMNS
    if count > limit:
        raise ImportFileError(
            f"The file has {count:,} columns; netcrm reads at most {limit:,}. "
            "Remove the columns you do not need and upload it again."
        )


def start_import(*, owner, file_name: str, raw: bytes, file_format: str = "auto") -> ImportJob:
    """Keep the upload and start reading it. Raises ``ImportFileError`` for a file we cannot take;
    writes no contact (that waits for ``confirm_import``)."""
    check_upload_size(len(raw))
    check_open_jobs(owner)
    text, encoding = decode_upload(raw)
    if file_format == "auto":
        file_format = detect_format(text)
    if file_format not in FORMATS:
        raise ImportFileError(f"Unknown format “{file_format}”.")
    job = ImportJob(
        owner=owner,
        original_name=(without_control_chars(file_name or "") or "upload")[-255:],
        file_format=file_format,
        source_bytes=raw,
        encoding=encoding,
        in_background=reads_in_background(size=len(raw), text=text),
        status=Status.PLANNING,
    )
    if file_format == "csv":
        job.headers = find_header(text).cells
        check_column_count(len(job.headers))
        job.column_mapping = guess_mapping(job.headers)
        job.status = Status.NEEDS_MAPPING
    job.save()
    if job.status == Status.PLANNING:
        _schedule(job, "build")
        if job.status == Status.FAILED and not job.retryable:  # read at once and refused: say so on the form
            job.delete()
            raise ImportFileError(job.error)
    return job


def save_mapping(*, job: ImportJob, column_mapping: list[str]) -> bool:
    """Store the user's column mapping and read the file with it; False if the job had moved on."""
    if not job.claim(from_status=Status.NEEDS_MAPPING, to_status=Status.PLANNING, column_mapping=column_mapping):
        return False
    _schedule(job, "build")
    return True


def _schedule(job: ImportJob, step: str) -> None:
    """Run ``step`` now (small files) or queue it for the worker once the claim is committed.
    A broker that does not answer fails the job as retryable, with a message saying so."""
    from . import tasks

    if not job.in_background:
        (build_preview if step == "build" else run_import)(job_id=job.pk, attempt=job.attempt)
        job.refresh_from_db()
        return
    task = tasks.build_import_preview if step == "build" else tasks.run_import
    job_id, status, attempt = job.pk, job.status, job.attempt

    def queue():
        try:
            enqueue(task, job_id, attempt)
        except WorkerUnreachable as error:
            _fail(job_id, status, str(error), retryable=True)

    transaction.on_commit(queue)
    if not connection.in_atomic_block:  # queued already: show the outcome
        job.refresh_from_db()


class ProgressReporter:
    """Writes a job's progress where the progress page can see it, even from inside the import's
    own transaction (through a second connection, PostgreSQL only). Inside an outer transaction
    (a request or a test) the count is simply kept in that transaction. ``model`` is any job
    model with ``rows_done`` and ``rows_total`` (imports, restores)."""

    def __init__(self, job_id: int, model=ImportJob):
        self.job_id = job_id
        self.model = model
        self.caller_in_transaction = connection.in_atomic_block
        self._side = None

    def __call__(self, done: int, total: int) -> None:
        if not connection.in_atomic_block or self.caller_in_transaction:
            self.model.objects.filter(pk=self.job_id).update(rows_done=done, rows_total=total)
            return
        if connection.vendor != "postgresql":
            return
        if self._side is None:
            self._side = connections.create_connection(DEFAULT_DB_ALIAS)
        with self._side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {self.model._meta.db_table} SET rows_done = %s, rows_total = %s WHERE id = %s",
                [done, total, self.job_id],
            )

    def close(self) -> None:
        if self._side is not None:
            self._side.close()


def _fail(job_id: int, from_status: str, message: str, *, retryable: bool = False) -> None:
    ImportJob.objects.filter(pk=job_id, status=from_status).update(
        status=Status.FAILED,
        error=message,
        retryable=retryable,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


def _take(job_id: int, status: str, attempt: int | None) -> ImportJob | None:
    """The job if it is waiting for this step (and, from a task, for this attempt); its
    ``updated_at`` is moved to now, so the reaper's clock starts when the work does."""
    jobs = ImportJob.objects.filter(pk=job_id, status=status)
    if attempt is not None:
        jobs = jobs.filter(attempt=attempt)
    if not jobs.update(updated_at=timezone.now()):
        return None
    return jobs.select_related("owner").first()


def build_preview(*, job_id: int, attempt: int | None = None) -> None:
    """Parse the upload and plan it against the owner's contacts. Reads contacts, writes only
    the job. Idempotent: does nothing unless the job is waiting for it."""
    job = _take(job_id, Status.PLANNING, attempt)
    if job is None:
        return
    reporter = ProgressReporter(job.pk)
    try:
        text, _encoding = decode_upload(bytes(job.source_bytes))
        parsed = parse_text(
            text,
            file_format=job.file_format,
            mapping=job.column_mapping or None,
            max_rows=settings.NETCRM_IMPORT_MAX_ROWS,
        )
        reporter(0, parsed.total)
        plan = build_plan(owner=job.owner, parsed=parsed, progress=reporter)
    except ImportFileError as error:
        _fail(job.pk, Status.PLANNING, str(error))
        return
    except Exception:
        logger.exception("import job %s: reading the file failed", job.pk)
        _fail(job.pk, Status.PLANNING, "The file could not be read. Nothing was imported.")
        return
    finally:
        reporter.close()
    try:
        with transaction.atomic():  # a savepoint: a refused value leaves the job to be marked failed
            ImportJob.objects.filter(pk=job.pk, status=Status.PLANNING).update(
                status=Status.PREVIEWED,
                parsed_rows=parsed.to_json(),
                preview=plan.to_json(),
                rows_total=parsed.total,
                rows_done=parsed.total,
                updated_at=timezone.now(),
            )
    except DatabaseError:
        logger.exception("import job %s: storing the preview failed", job.pk)
        _fail(job.pk, Status.PLANNING, "The file could not be prepared for the preview. Nothing was imported.")


def confirm_import(
    *, job: ImportJob, classification: Classification | None, tag_names: list[str], update_matches: bool
) -> bool:
    """The user said go: claim the job and write it (now, or in a task). False if already claimed."""
    if classification is not None and classification.owner_id != job.owner_id:
        raise ValueError("The classification belongs to another user.")
    options = {
        "classification_id": classification.pk if classification else None,
        "tag_names": tag_names,
        "update_matches": update_matches,
    }
    if not job.claim(from_status=Status.PREVIEWED, to_status=Status.APPLYING, options=options, rows_done=0):
        return False
    _schedule(job, "apply")
    return True


def run_import(*, job_id: int, attempt: int | None = None) -> None:
    """Write a confirmed job in one transaction, then record the outcome. Safe to run twice: the
    second run finds the job finished, or (after a crash rolled everything back) redoes it all."""
    job = _take(job_id, Status.APPLYING, attempt)
    if job is None:
        return
    options = job.options
    classification = None
    if options.get("classification_id"):
        classification = Classification.objects.for_user(job.owner).filter(pk=options["classification_id"]).first()
    reporter = ProgressReporter(job.pk)
    try:
        result = apply_import(
            owner=job.owner,
            parsed=ParsedFile.from_json(job.parsed_rows),
            classification=classification,
            tag_names=options.get("tag_names", []),
            update_matches=options.get("update_matches", True),
            progress=reporter,
        )
    except Exception:
        logger.exception("import job %s: writing failed", job.pk)
        message = "Writing the contacts failed, so nothing was imported. Try again."
        _fail(job.pk, Status.APPLYING, message, retryable=True)
        return
    finally:
        reporter.close()
    # Done: the upload and its parsed rows are no longer needed; the preview stays to look back at.
    ImportJob.objects.filter(pk=job.pk, status=Status.APPLYING).update(
        status=Status.DONE,
        source_bytes=b"",
        parsed_rows=None,
        result=result.to_json(),
        rows_done=job.rows_total,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    analyze_after_bulk_write(IMPORTED_MODELS, rows=job.rows_total or 0)


def retry_import(*, job: ImportJob) -> bool:
    """Redo the step a retryable failure stopped: reading the file, or writing it (with the
    options the user confirmed). False if the job is not a retryable failure (any more)."""
    if job.status != Status.FAILED or not job.retryable:
        return False
    step = "apply" if job.parsed_rows is not None else "build"
    next_status = Status.APPLYING if step == "apply" else Status.PLANNING
    claimed = job.claim(
        from_status=Status.FAILED,
        to_status=next_status,
        retryable=False,
        error="",
        finished_at=None,
        rows_done=0,
        attempt=job.attempt + 1,
    )
    if not claimed:
        return False
    _schedule(job, step)
    return True


def discard_import(*, job: ImportJob) -> bool:
    """Throw away a job that is not being worked on (its upload and preview); contacts stay."""
    if job.is_running and not is_stale(job):
        return False
    ImportJob.objects.filter(pk=job.pk, status=job.status).delete()
    return True


def is_stale(job: ImportJob) -> bool:
    """A running job nobody has touched for longer than a task may run: its worker died."""
    return job.is_running and timezone.now() - job.updated_at > stalled_after()


def fail_if_stalled(*, job: ImportJob) -> None:
    """The reaper's rule for one job (ImportJob.objects.fail_stalled), applied when it is viewed."""
    if ImportJob.objects.filter(pk=job.pk).fail_stalled(now=timezone.now()):
        job.refresh_from_db()


def jobs_for(*, owner):
    return ImportJob.objects.for_user(owner).defer("source_bytes", "parsed_rows", "preview")


def purge_old_uploads(*, now: datetime.datetime | None = None) -> dict:
    """Retention (beat job and ``manage.py purge_old_uploads``): uploads not imported within 48
    hours are deleted, done jobs keep only their counts after 30 days. Idempotent."""
    now = now or timezone.now()
    expired, trimmed = ImportJob.objects.purge_old_uploads(now=now)
    from .models import RestoreJob

    backups = RestoreJob.objects.purge_old_uploads(now=now)
    return {"expired": expired, "trimmed": trimmed, "backups_deleted": backups}
