"""Heartbeats of the periodic jobs: record that a job finished; tell whether it is late and why.

A job is *late* when it has not finished for more than twice its period (from its beat entry in
``settings.CELERY_BEAT_SCHEDULE``, so web, worker and beat agree on it). Why it is late is told
apart by beat's own heartbeat (``health.beat``: the last time beat sent work to the broker):

- the job ran lately but failed                  -> ``FAILING`` (the worker runs; the job breaks);
- beat sent work lately, the job did not finish  -> ``WORKER_DOWN`` (nobody takes the work);
- beat sent nothing lately (or never)            -> ``SCHEDULER_DOWN`` (beat, or cron, is not running).
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
from contextlib import ContextDecorator

from django.conf import settings
from django.utils import timezone
from django.utils.timesince import timesince

from netcrm.schedule import BEAT_JOBS, BeatJob, job

from .models import JobHeartbeat

logger = logging.getLogger(__name__)

BEAT = "celery-beat"
LATE_AFTER_PERIODS = 2

FAILING = "failing"
WORKER_DOWN = "worker-down"
SCHEDULER_DOWN = "scheduler-down"


def record_heartbeat(job_name: str, *, error: BaseException | None = None) -> None:
    """Upsert the job's row: it finished now (or, given ``error``, it failed now). One statement."""
    if job_name != BEAT:
        job(job_name)  # a typo in a job's name fails loudly, never records a heartbeat nobody reads
    now = timezone.now()
    fields = {"finished_at": now} if error is None else {"failed_at": now, "failure": type(error).__name__[:100]}
    JobHeartbeat.objects.bulk_create(
        [JobHeartbeat(job=job_name, watched_since=now, **fields)],
        update_conflicts=True,
        unique_fields=["job"],
        update_fields=list(fields),
    )


class records_heartbeat(ContextDecorator):  # lower case: used like contextlib.suppress
    """``@records_heartbeat("raise-reminders")`` on a task or a command (or ``with ...:``): when the
    body returns, the job's heartbeat says it finished; when it raises, that it failed (and the
    exception goes on). The name must be a job of ``netcrm.schedule.BEAT_JOBS``."""

    def __init__(self, job_name: str):
        job(job_name)
        self.job_name = job_name

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        if exc is None:
            record_heartbeat(self.job_name)
        elif isinstance(exc, Exception):
            try:
                record_heartbeat(self.job_name, error=exc)
            except Exception:  # the database may be why the job failed; the job's own error matters more
                logger.exception("could not record that %s failed", self.job_name)
        return False


@dataclasses.dataclass(frozen=True)
class WatchedJob:
    job: BeatJob
    period: datetime.timedelta


def watched_jobs() -> list[WatchedJob]:
    """The registered jobs that beat runs with this process's settings (a disabled one is not watched)."""
    schedule = settings.CELERY_BEAT_SCHEDULE
    return [WatchedJob(each, schedule[each.name]["schedule"]) for each in BEAT_JOBS if each.name in schedule]


@dataclasses.dataclass(frozen=True)
class JobStatus:
    job: BeatJob
    period: datetime.timedelta
    now: datetime.datetime
    finished_at: datetime.datetime | None
    failed_at: datetime.datetime | None
    failure: str
    watched_since: datetime.datetime
    beat_sent_at: datetime.datetime | None
    beat_period: datetime.timedelta  # beat sends something at least this often

    @property
    def waiting_since(self) -> datetime.datetime:
        return self.finished_at or self.watched_since

    @property
    def late_after(self) -> datetime.timedelta:
        return LATE_AFTER_PERIODS * self.period

    @property
    def late(self) -> bool:
        return self.now - self.waiting_since > self.late_after

    @property
    def cause(self) -> str | None:
        if not self.late:
            return None
        if self.failed_at and self.failed_at > self.waiting_since and self.now - self.failed_at <= self.late_after:
            return FAILING
        if self.beat_sent_at and self.now - self.beat_sent_at <= LATE_AFTER_PERIODS * self.beat_period:
            return WORKER_DOWN
        return SCHEDULER_DOWN

    @property
    def every(self) -> str:
        """The period in words ("15 minutes")."""
        return timesince(self.now - self.period, self.now)

    def describe(self) -> str:
        """One plain sentence for /health/ (no user data: times and job names only)."""
        label, every = self.job.label, self.every
        if self.finished_at:
            said = f"{label} last finished {self._ago(self.finished_at)} ago (runs every {every})"
        else:
            watched = self._ago(self.watched_since)
            said = f"{label} has not finished in the {watched} since netcrm began watching it (runs every {every})"
        if not self.late:
            return said + "."
        if self.cause == FAILING:
            return f"{said}; it ran {self._ago(self.failed_at)} ago and failed ({self.failure}): see the worker's log."
        if self.cause == WORKER_DOWN:
            return f"{said}; beat sends it, but no Celery worker finishes it: the worker is not running."
        beat = f"last sent work {self._ago(self.beat_sent_at)} ago" if self.beat_sent_at else "never sent work"
        return f"{said}; Celery beat {beat}: beat is not running (or, with cron, `{self.job.cron_command}` is not)."

    def _ago(self, moment: datetime.datetime) -> str:
        return timesince(moment, self.now)


def job_statuses(names: list[str] | None = None, *, now: datetime.datetime | None = None) -> list[JobStatus]:
    """The status of each watched job (or of those named). Two small queries at most: a job seen
    for the first time gets its row, so that "never finished" is measured from now on."""
    now = now or timezone.now()
    watched = watched_jobs()
    if not watched:
        return []
    wanted = [w for w in watched if names is None or w.job.name in names]
    rows = {row.job: row for row in JobHeartbeat.objects.filter(job__in=[w.job.name for w in wanted] + [BEAT])}
    missing = [JobHeartbeat(job=w.job.name, watched_since=now) for w in wanted if w.job.name not in rows]
    if missing:
        JobHeartbeat.objects.bulk_create(missing, ignore_conflicts=True)
        rows.update({row.job: row for row in missing})
    beat = rows.get(BEAT)
    beat_period = min(w.period for w in watched)
    return [
        JobStatus(
            job=w.job,
            period=w.period,
            now=now,
            finished_at=rows[w.job.name].finished_at,
            failed_at=rows[w.job.name].failed_at,
            failure=rows[w.job.name].failure,
            watched_since=rows[w.job.name].watched_since,
            beat_sent_at=beat.finished_at if beat else None,
            beat_period=beat_period,
        )
        for w in wanted
    ]


def job_status(name: str, *, now: datetime.datetime | None = None) -> JobStatus | None:
    """The job's status, or None when it is not watched (disabled with *_EVERY_MINUTES=0)."""
    statuses = job_statuses([name], now=now)
    return statuses[0] if statuses else None
