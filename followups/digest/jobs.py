"""The digest jobs as services: the beat task and the ``send_digests`` command call these."""

from __future__ import annotations

from django.db import transaction

from netcrm.queueing import WorkerUnreachable, enqueue

from ..services import create_missing_preferences
from .delivery import RetryLater, deliver_digest
from .schedule import Claim, claim_batches


def queue_send(log_id: int) -> bool:
    """Queue the send of a claimed digest; False when the broker is down (the log stays
    claimed, and the reaper queues it again later)."""
    from ..tasks import send_digest

    try:
        enqueue(send_digest, log_id)
    except WorkerUnreachable:
        return False
    return True


def claim_and_queue(*, now=None, owner_ids=None) -> list[Claim]:
    """Claim every due user's week and queue one send task each (after its claim commits)."""
    create_missing_preferences()
    claims = []
    for batch in claim_batches(now=now, owner_ids=owner_ids):  # queued batch by batch, as each commits
        for claim in batch:
            transaction.on_commit(lambda log_id=claim.log_id: queue_send(log_id))
        claims += batch
    return claims


def send_now(log_id: int) -> str:
    """Deliver in this process (cron users without a worker); a refusal waits for the reaper."""
    try:
        return deliver_digest(log_id=log_id)
    except RetryLater:
        return "retrying"


def claim_and_send_now(*, now=None, owner_ids=None) -> list[tuple[Claim, str]]:
    """For cron users without a worker: claim, then deliver each in this process."""
    create_missing_preferences()
    return [(claim, send_now(claim.log_id)) for batch in claim_batches(now=now, owner_ids=owner_ids) for claim in batch]
