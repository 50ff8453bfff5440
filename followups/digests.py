"""The digest jobs as services: the beat task and the ``send_digests`` command call these."""

from __future__ import annotations

from django.db import transaction

from .digest.delivery import deliver_digest
from .digest.schedule import Claim, claim_batches
from .services import create_missing_preferences


def claim_and_queue(*, now=None, owner_ids=None) -> list[Claim]:
    """Claim every due user's week and queue one send task each (after its claim commits)."""
    from .tasks import send_digest

    create_missing_preferences()
    claims = []
    for batch in claim_batches(now=now, owner_ids=owner_ids):  # queued batch by batch, as each commits
        for claim in batch:
            transaction.on_commit(lambda log_id=claim.log_id: send_digest.delay(log_id))
        claims += batch
    return claims


def claim_and_send_now(*, now=None, owner_ids=None) -> list[tuple[Claim, str]]:
    """For cron users without a worker: claim, then deliver each in this process."""
    create_missing_preferences()
    return [
        (claim, deliver_digest(log_id=claim.log_id))
        for batch in claim_batches(now=now, owner_ids=owner_ids)
        for claim in batch
    ]
