"""Beat's own heartbeat: the last time Celery beat sent work to the broker.

Recorded in the beat process only (connected on ``beat_init``), after each task it publishes:
so a fresh beat heartbeat with a late job means the worker is not taking the work, and a stale
one means beat is not running or cannot reach the broker. Bookkeeping, no business rule.
"""

import logging

from celery.signals import after_task_publish
from django.db import close_old_connections

logger = logging.getLogger(__name__)


def on_beat_init(sender=None, **kwargs) -> None:
    after_task_publish.connect(on_beat_sent, weak=False, dispatch_uid="netcrm-beat-heartbeat-sent")


def on_beat_sent(sender=None, **kwargs) -> None:
    from .heartbeats import BEAT, record_heartbeat

    close_old_connections()  # beat is a long-lived process with no request cycle to do it
    try:
        record_heartbeat(BEAT)
    except Exception:  # a database outage must not stop beat from sending the next job
        logger.exception("could not record beat's heartbeat")
