"""Celery tasks: each one calls one service; the same service runs from a management command."""

import dataclasses

from celery import shared_task
from django.conf import settings

from health.heartbeats import records_heartbeat

from .digest import jobs as digest_jobs
from .digest.delivery import RetryLater, deliver_digest
from .reaper import reap_stranded as reap
from .sweep import run_sweep


def limits(seconds: int) -> dict:
    """A hard time limit and a soft one a little before it (the soft one raises in the task)."""
    return {"time_limit": seconds, "soft_time_limit": max(1, seconds - 10)}


@shared_task(name="followups.tasks.raise_reminders", acks_late=True, **limits(settings.REMINDER_SWEEP_TIME_LIMIT))
@records_heartbeat("raise-reminders")
def raise_reminders() -> dict:
    result = run_sweep()
    return dataclasses.asdict(result)


@shared_task(name="followups.tasks.schedule_digests", acks_late=True, **limits(settings.DIGEST_SCHEDULER_TIME_LIMIT))
@records_heartbeat("schedule-digests")
def schedule_digests() -> int:
    return digest_jobs.queue_claims()


@shared_task(name="followups.tasks.claim_digest_batch", acks_late=True, **limits(settings.DIGEST_SCHEDULER_TIME_LIMIT))
def claim_digest_batch(owner_ids: list[int]) -> int:
    return len(digest_jobs.claim_batch_and_queue(owner_ids=owner_ids))


@shared_task(
    bind=True,
    name="followups.tasks.send_digest",
    acks_late=True,
    **limits(settings.DIGEST_SEND_TIME_LIMIT),
)
def send_digest(self, log_id: int) -> str:
    try:
        return deliver_digest(log_id=log_id)
    except RetryLater as later:  # the log counts the attempts and decides when to give up
        raise self.retry(countdown=later.countdown, max_retries=None)


@shared_task(name="followups.tasks.send_digest_batch", acks_late=True, **limits(settings.DIGEST_SEND_TIME_LIMIT))
def send_digest_batch(log_ids: list[int]) -> dict:
    return digest_jobs.send_batch_and_queue(log_ids=log_ids)


@shared_task(name="followups.tasks.reap_stranded", acks_late=True, **limits(settings.REAPER_TIME_LIMIT))
@records_heartbeat("reap-stranded")
def reap_stranded() -> dict:
    return dataclasses.asdict(reap())
