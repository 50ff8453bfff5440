"""The digest jobs as services: the beat tasks and the ``send_digests`` command call these.

With Celery, the scheduler only splits everyone due into batches (``queue_claims``) and each
batch is claimed and built by a ``claim_digest_batch`` task (``claim_batch_and_queue``), so that
as many workers as there are claim and build at once; each claimed batch then gets one
``send_digest_batch`` task (``send_batch_and_queue``), and a digest the mail server refused is
retried by a ``send_digest`` task of its own. Without a worker (cron), ``claim_and_send_now``
does it all in one process.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from netcrm.queueing import WorkerUnreachable, enqueue

from ..services import create_missing_preferences
from .batch_delivery import deliver_digests
from .delivery import RetryLater, deliver_digest
from .schedule import Claim, claim_batches, due_batches


def queue_send(log_id: int) -> bool:
    """Queue the send of a claimed digest; False when the broker is down (the log stays
    claimed, and the reaper queues it again later)."""
    from ..tasks import send_digest

    try:
        enqueue(send_digest, log_id)
    except WorkerUnreachable:
        return False
    return True


def queue_retry(log_id: int, countdown: int) -> bool:
    """Queue another try of a digest the mail server refused, in ``countdown`` seconds; False
    when the broker is down (the log waits ``retrying``, and the reaper queues it again later)."""
    from ..tasks import send_digest

    try:
        enqueue(send_digest, log_id, countdown=countdown)
    except WorkerUnreachable:
        return False
    return True


def queue_send_batch(log_ids: list[int]) -> bool:
    """Queue the sends of a claimed batch; False when the broker is down (the logs stay claimed,
    and the reaper queues each again later)."""
    from ..tasks import send_digest_batch

    try:
        enqueue(send_digest_batch, log_ids)
    except WorkerUnreachable:
        return False
    return True


def send_batch_and_queue(*, log_ids: list[int]) -> dict[str, int]:
    """Send a claimed batch's digests (one ``send_digest_batch`` task), within half the send
    time limit; queue a retry for each the mail server refused, and the rest of the batch as a
    task of its own should the time run out. Returns how many had each outcome."""
    result = deliver_digests(log_ids=log_ids, budget_seconds=settings.DIGEST_SEND_TIME_LIMIT / 2)
    for log_id, countdown in result.retries:
        queue_retry(log_id, countdown)
    if result.untried:
        queue_send_batch(result.untried)
    counts: dict[str, int] = {}
    for outcome in result.outcomes.values():
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def queue_claims(*, now=None) -> int:
    """The scheduler: one ``claim_digest_batch`` task per batch of users due who share a slot.
    Returns how many were queued. Should the broker refuse one, everyone still due is claimed
    here instead (``claim_and_queue``; their sends then wait for the reaper, as when a send
    cannot be queued). Claiming stays at most once per user and week however many tasks, or
    schedulers, reach the same user (followups.digest.schedule)."""
    from ..tasks import claim_digest_batch

    create_missing_preferences()
    queued = 0
    for owner_ids in due_batches(now=now):
        try:
            enqueue(claim_digest_batch, owner_ids)
        except WorkerUnreachable:
            claim_and_queue(now=now)
            break
        queued += 1
    return queued


def claim_batch_and_queue(*, owner_ids, now=None) -> list[Claim]:
    """Claim and build the week of those of ``owner_ids`` still due (one claim task's batch) and
    queue one send task for each batch, as it commits."""
    claims = []
    for batch in claim_batches(now=now, owner_ids=owner_ids):  # queued batch by batch, as each commits
        transaction.on_commit(lambda log_ids=[claim.log_id for claim in batch]: queue_send_batch(log_ids))
        claims += batch
    return claims


def claim_and_queue(*, now=None, owner_ids=None) -> list[Claim]:
    """Claim every due user's week in this process and queue their sends, a task per batch."""
    create_missing_preferences()
    return claim_batch_and_queue(owner_ids=owner_ids, now=now)


def send_now(log_id: int) -> str:
    """Deliver in this process (cron users without a worker); a refusal waits for the reaper."""
    try:
        return deliver_digest(log_id=log_id)
    except RetryLater:
        return "retrying"


def claim_and_send_now(*, now=None, owner_ids=None) -> list[tuple[Claim, str]]:
    """For cron users without a worker: claim, then deliver each batch in this process (a
    refusal waits for the reaper)."""
    create_missing_preferences()
    results = []
    for batch in claim_batches(now=now, owner_ids=owner_ids):
        outcomes = deliver_digests(log_ids=[claim.log_id for claim in batch]).outcomes
        results += [(claim, outcomes[claim.log_id]) for claim in batch]
    return results
