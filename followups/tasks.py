"""Celery tasks: each one calls one service; the same service runs from a management command."""

from celery import shared_task
from django.conf import settings

from .sweep import run_sweep


@shared_task(acks_late=True, time_limit=settings.REMINDER_SWEEP_TIME_LIMIT, name="followups.tasks.raise_reminders")
def raise_reminders() -> dict:
    result = run_sweep()
    return {"woken": result.woken, "cadence": result.cadence_raised, "promises": result.promises_raised}
