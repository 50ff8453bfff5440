"""The Celery beat schedule, built from environment values so operators can change or
disable a job without touching code (set its *_EVERY_MINUTES to 0 to disable it)."""

import datetime
import os


def _every_minutes(env_name: str, default: int) -> int:
    return int(os.environ.get(env_name, default))


def beat_schedule() -> dict:
    schedule = {}
    jobs = [
        # (name, task path, env knob, default minutes)
        ("raise-reminders", "followups.tasks.raise_reminders", "REMINDER_SWEEP_EVERY_MINUTES", 15),
        ("schedule-digests", "followups.tasks.schedule_digests", "DIGEST_SCHEDULER_EVERY_MINUTES", 15),
        ("reap-stranded", "followups.tasks.reap_stranded", "REAPER_EVERY_MINUTES", 5),
        ("purge-old-uploads", "transfer.tasks.purge_old_uploads", "UPLOAD_PURGE_EVERY_MINUTES", 60),
    ]
    for name, task, env_name, default in jobs:
        minutes = _every_minutes(env_name, default)
        if minutes > 0:
            schedule[name] = {"task": task, "schedule": datetime.timedelta(minutes=minutes)}
    return schedule
