"""Handing work to the Celery worker when the broker may be down.

``enqueue`` either queues the task or raises ``WorkerUnreachable`` (after a short, bounded
retry), so a view can tell the user to try again instead of answering 500, and the caller can
leave its job retryable. No business logic here: the callers decide what "retryable" means.
"""

from __future__ import annotations

import logging

from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

BROKER_ERRORS = (OperationalError, RedisError, ConnectionError, OSError)

# Publishing waits at most about a second for the broker before giving up.
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.4, "interval_max": 0.5}


class WorkerUnreachable(Exception):
    """The broker did not take the task; nothing was queued."""

    def __init__(self, message: str = "The background worker cannot be reached; try again in a minute."):
        super().__init__(message)


def enqueue(task, *args, countdown: int | None = None, **kwargs):
    """Queue ``task(*args, **kwargs)``, to run in ``countdown`` seconds if given; raise
    ``WorkerUnreachable`` if the broker refuses."""
    try:
        return task.apply_async(
            args=args, kwargs=kwargs, countdown=countdown, retry=True, retry_policy=PUBLISH_RETRY_POLICY
        )
    except BROKER_ERRORS as error:
        logger.warning("The broker did not take %s: %s", task.name, error)
        raise WorkerUnreachable() from error
