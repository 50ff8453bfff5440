"""The reaper: finds work that was claimed and then abandoned, and re-queues it or fails it
visibly. Runs from Celery beat (followups.tasks.reap_stranded) and from cron
(``manage.py reap_stranded``).

- A digest left ``claimed`` or ``retrying`` well past the moment it should have been tried
  (its task was lost: broker down when it was queued, or a worker died holding its retry) is
  queued again. The send itself claims the log with a conditional UPDATE, so a copy of the
  old task arriving late sends nothing twice.
- A digest left ``sending`` longer than a send may take was being handed to the mail server
  by a worker that died: it may or may not have arrived, so it is never sent again (at most
  once) but marked failed with the reason, which Settings and the admin show.
- An import whose worker died (or whose web request was killed) is marked failed, with
  "Try again" (contacts.models.ImportJobQuerySet.fail_stalled).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable

from django.conf import settings
from django.db.models.functions import Coalesce
from django.utils import timezone

from contacts.models import ImportJob

from .models import DigestLog

State = DigestLog.State


@dataclasses.dataclass(frozen=True)
class ReapResult:
    digests_requeued: int
    digests_failed: int
    imports_failed: int


def stopped_while_sending(started_at: datetime.datetime) -> str:
    return (
        f"The worker stopped while handing this digest to the mail server (attempt started {started_at:%Y-%m-%d %H:%M}"
        " UTC). It may not have arrived; it is not sent again, so that you never get it twice."
    )


def fail_abandoned_sends(*, now: datetime.datetime) -> int:
    limit = now - datetime.timedelta(seconds=settings.DIGEST_SEND_TIME_LIMIT + 60)
    abandoned = DigestLog.objects.filter(state=State.SENDING, attempt_started_at__lt=limit)
    failed = 0
    for log_id, started_at in abandoned.values_list("pk", "attempt_started_at"):
        failed += DigestLog.objects.filter(pk=log_id, state=State.SENDING).update(
            state=State.FAILED, error=stopped_while_sending(started_at), content=None, next_attempt_at=None
        )
    return failed


def requeue_lost_sends(*, now: datetime.datetime, queue: Callable[[int], bool]) -> int:
    """Queue again every claimed or retrying digest whose moment passed more than the grace
    period ago. Each is stamped before it is queued, so the next run waits another period."""
    overdue = (
        DigestLog.objects.filter(state__in=(State.CLAIMED, State.RETRYING))
        .alias(due_at=Coalesce("next_attempt_at", "claimed_at"))
        .filter(due_at__lt=now - datetime.timedelta(seconds=settings.REAPER_GRACE_SECONDS))
    )
    requeued = 0
    for log_id, state in overdue.values_list("pk", "state"):
        stamped = DigestLog.objects.filter(pk=log_id, state=state).update(next_attempt_at=now)
        if stamped and queue(log_id):
            requeued += 1
    return requeued


def reap_stranded(*, now: datetime.datetime | None = None, queue: Callable[[int], bool] | None = None) -> ReapResult:
    """One pass of the reaper. ``queue(log_id) -> bool`` hands a digest to be sent (the Celery
    queue by default; the cron command may send it in-process). Idempotent; safe to run
    concurrently with the sends and with another reaper."""
    from .digest.jobs import queue_send

    now = now or timezone.now()
    return ReapResult(
        digests_failed=fail_abandoned_sends(now=now),
        digests_requeued=requeue_lost_sends(now=now, queue=queue or queue_send),
        imports_failed=ImportJob.objects.fail_stalled(now=now),
    )
