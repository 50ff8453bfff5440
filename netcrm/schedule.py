"""The periodic jobs: what Celery beat runs, how often, and what /health/ and the dashboard
expect of them. Built from environment values so operators can change or disable a job without
touching code (set its *_EVERY_MINUTES to 0 to disable it).

``BEAT_JOBS`` is the one registry: a job listed here is sent by beat, and its heartbeat (recorded
with ``health.heartbeats.records_heartbeat(name)``) is checked by /health/ against its period.
"""

from __future__ import annotations

import dataclasses
import datetime

from .envconfig import env_int


@dataclasses.dataclass(frozen=True)
class BeatJob:
    name: str  # the beat entry's name, also its heartbeat's name
    task: str
    every_minutes_env: str
    default_every_minutes: int
    label: str  # for people: /health/ and the dashboard
    cron_command: str  # what cron users run instead of beat

    def every(self) -> datetime.timedelta | None:
        """The period from the environment; None when the job is disabled (0 minutes)."""
        minutes = _every_minutes(self.every_minutes_env, self.default_every_minutes)
        return datetime.timedelta(minutes=minutes) if minutes > 0 else None


BEAT_JOBS: tuple[BeatJob, ...] = (
    BeatJob(
        "raise-reminders",
        "followups.tasks.raise_reminders",
        "REMINDER_SWEEP_EVERY_MINUTES",
        15,
        label="Reminder sweep",
        cron_command="python manage.py raise_reminders",
    ),
    BeatJob(
        "schedule-digests",
        "followups.tasks.schedule_digests",
        "DIGEST_SCHEDULER_EVERY_MINUTES",
        15,
        label="Weekly digest scheduler",
        cron_command="python manage.py send_digests",
    ),
    BeatJob(
        "reap-stranded",
        "followups.tasks.reap_stranded",
        "REAPER_EVERY_MINUTES",
        5,
        label="Reaper of stranded digests and imports",
        cron_command="python manage.py reap_stranded",
    ),
    BeatJob(
        "purge-old-uploads",
        "transfer.tasks.purge_old_uploads",
        "UPLOAD_PURGE_EVERY_MINUTES",
        60,
        label="Upload retention",
        cron_command="python manage.py purge_old_uploads",
    ),
)


def _every_minutes(env_name: str, default: int) -> int:
    return env_int(env_name, default, minimum=0)  # 0 disables the job


def expires_seconds(period: datetime.timedelta) -> float:
    """Just under the period (paperless-ngx style): a run still queued when the next one is due
    is dropped, so a worker coming back after an outage runs a job once, not once per missed
    period. A minute under (a tenth of the period for short ones)."""
    seconds = period.total_seconds()
    return max(seconds * 0.9, seconds - 60)


def job(name: str) -> BeatJob:
    for candidate in BEAT_JOBS:
        if candidate.name == name:
            return candidate
    raise LookupError(f"{name!r} is not a job in netcrm.schedule.BEAT_JOBS")


def beat_schedule() -> dict:
    schedule = {}
    for beat_job in BEAT_JOBS:
        period = beat_job.every()
        if period is not None:
            schedule[beat_job.name] = {
                "task": beat_job.task,
                "schedule": period,
                "options": {"expires": expires_seconds(period)},
            }
    return schedule
