"""Celery tasks for big imports, restores and upload retention: each calls one service
(transfer.services, transfer.restore_jobs); nothing else here.

acks_late (the message is acknowledged only after the task ends) so a worker lost mid-import
hands the job to another worker; the services are safe to run again.
"""

from celery import shared_task
from django.conf import settings

from health.heartbeats import records_heartbeat

from . import restore_jobs, services

LIMITS = {
    "acks_late": True,
    "time_limit": settings.NETCRM_IMPORT_TIME_LIMIT,
    "soft_time_limit": max(settings.NETCRM_IMPORT_TIME_LIMIT - 30, 30),
}


@shared_task(**LIMITS)
def build_import_preview(job_id: int, attempt: int | None = None) -> None:
    services.build_preview(job_id=job_id, attempt=attempt)


@shared_task(**LIMITS)
def run_import(job_id: int, attempt: int | None = None) -> None:
    services.run_import(job_id=job_id, attempt=attempt)


@shared_task(acks_late=True, time_limit=300, soft_time_limit=240)
@records_heartbeat("purge-old-uploads")
def purge_old_uploads() -> dict:
    return services.purge_old_uploads()


@shared_task(**LIMITS)
def restore_backup_job(job_id: int) -> None:
    restore_jobs.run_restore(job_id=job_id)
