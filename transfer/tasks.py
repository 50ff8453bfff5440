"""Celery tasks for big imports and restores: each calls one service (transfer.services,
transfer.restore_jobs); nothing else here.

acks_late (the message is acknowledged only after the task ends) so a worker lost mid-import
hands the job to another worker; the services are safe to run again.
"""

from celery import shared_task
from django.conf import settings

from . import restore_jobs, services

LIMITS = {
    "acks_late": True,
    "time_limit": settings.NETCRM_IMPORT_TIME_LIMIT,
    "soft_time_limit": max(settings.NETCRM_IMPORT_TIME_LIMIT - 30, 30),
}


@shared_task(**LIMITS)
def build_import_preview(job_id: int) -> None:
    services.build_preview(job_id=job_id)


@shared_task(**LIMITS)
def run_import(job_id: int) -> None:
    services.run_import(job_id=job_id)


@shared_task(**LIMITS)
def restore_backup_job(job_id: int) -> None:
    restore_jobs.run_restore(job_id=job_id)
