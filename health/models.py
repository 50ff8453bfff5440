from django.db import models
from django.utils import timezone


class JobHeartbeat(models.Model):
    """When a periodic job (netcrm.schedule.BEAT_JOBS) last finished, one row per job, upserted.

    Kept in the database, not the cache: it must survive the cache (Redis) being down, which is
    one of the things it helps to diagnose. The row named ``celery-beat`` is beat's own: the last
    time beat sent work to the broker.
    """

    job = models.CharField(max_length=64, primary_key=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    # The exception's class name only: a message could carry a user's data.
    failure = models.CharField(max_length=100, blank=True)
    # When netcrm first expected this job: a job that never finished is late from here.
    watched_since = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.job}: finished {self.finished_at or 'never'}"
