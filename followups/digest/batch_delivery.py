"""Sending a claimed batch's digests (one ``send_digest_batch`` task), at most once each.

The same steps as followups.digest.delivery's one digest, shared by a chunk of the batch: the
chunk's claimed logs move to ``sending`` in one conditional UPDATE, its messages go over one
connection to the mail backend, and those sent are recorded in one UPDATE. So a digest costs its
rendering and its message, not two round trips to the database and a task of its own.

What one message's trouble does to the others:
- the mail server refuses it (a transient error): that one waits to be retried (``retrying``,
  with its reason and moment: the caller queues its retry; the reaper does, should that be
  lost), or is ``failed`` after the last retry; the connection is opened afresh for the next;
- its digest cannot be built or rendered (a bug met by one user's data): that one is ``failed``
  with the reason, before anything was handed over;
- anything else stops the batch (the task's soft time limit, a database error): what was sent
  is recorded sent, what was not yet tried goes back to ``claimed`` (queued again by the reaper),
  and the message being handed over stays ``sending``: it may have arrived, so it is never sent
  again; the reaper marks it failed, visibly.
A worker killed outright leaves its chunk ``sending`` (the reaper fails each, visibly) and the
chunks not yet taken ``claimed`` (the task's redelivery or the reaper sends them). A chunk is
small (``DIGEST_SEND_CHUNK``, 25), so that a kill costs a few digests, not the batch.
"""

from __future__ import annotations

import dataclasses
import logging
import time

from django.conf import settings
from django.core.mail import get_connection
from django.db.models import F
from django.utils import timezone

from followups.models import DigestLog
from netcrm.sql import any_of

from .delivery import (
    TRANSIENT_ERRORS,
    build_message,
    content_of,
    record_failure,
    record_refusal,
    record_sent,
    record_skipped,
    skip_reason,
    take,
)

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class BatchResult:
    outcomes: dict[int, str] = dataclasses.field(default_factory=dict)  # log id: sent, skipped, failed, ...
    retries: list[tuple[int, int]] = dataclasses.field(default_factory=list)  # (log id, in how many seconds)
    untried: list[int] = dataclasses.field(default_factory=list)  # left claimed: the time budget ran out


def deliver_digests(*, log_ids: list[int], budget_seconds: float | None = None) -> BatchResult:
    """Send the claimed digests ``log_ids``, a chunk at a time over one mail connection. Each
    outcome is deliver_digest's (``retrying`` for a refusal worth another try, listed in
    ``retries``); a log that is not ``claimed`` any more is ``handled`` and left alone. Once
    ``budget_seconds`` have passed, the rest stays claimed and is listed in ``untried``."""
    deadline = None if budget_seconds is None else time.monotonic() + budget_seconds
    result = BatchResult()
    chunk = settings.DIGEST_SEND_CHUNK
    mail = get_connection()
    try:
        for start in range(0, len(log_ids), chunk):
            if deadline is not None and time.monotonic() > deadline:
                result.untried += log_ids[start:]
                break
            _deliver_chunk(log_ids[start : start + chunk], mail, result, deadline)
    finally:
        mail.close()
    return result


def _deliver_chunk(log_ids: list[int], mail, result: BatchResult, deadline: float | None) -> None:
    now = timezone.now()
    pending = take(log_ids, now, states=(DigestLog.State.CLAIMED,))
    taken_ids = {taken.log_id for taken in pending}
    result.outcomes.update((log_id, "handled") for log_id in log_ids if log_id not in taken_ids)
    pending.reverse()  # popped from the end, in the order taken
    sent: dict[int, int] = {}
    skipped: dict[str, list[int]] = {}
    try:
        while pending and (deadline is None or time.monotonic() <= deadline):
            taken = pending.pop()
            try:
                content = content_of(taken, now)
                reason = skip_reason(taken, content)
                message = build_message(content, to=taken.email) if reason is None else None
            except Exception as error:  # nothing was handed over: this one fails, the others go on
                logger.exception("The digest %s could not be built or rendered", taken.log_id)
                record_failure(log_id=taken.log_id, error=error)
                result.outcomes[taken.log_id] = "failed"
                continue
            if message is None:
                skipped.setdefault(reason, []).append(taken.log_id)
                result.outcomes[taken.log_id] = "skipped"
                continue
            try:
                mail.open()  # already open: nothing to do; after a refusal: a fresh connection
                mail.send_messages([message])
            except TRANSIENT_ERRORS as error:
                mail.close()
                countdown = record_refusal(taken, error)
                result.outcomes[taken.log_id] = "failed" if countdown is None else "retrying"
                if countdown is not None:
                    result.retries.append((taken.log_id, countdown))
                continue
            sent[taken.log_id] = content.contacts_count
            result.outcomes[taken.log_id] = "sent"
    finally:
        record_sent(sent)
        record_skipped(skipped)
        untried = [taken.log_id for taken in pending]
        _release(untried)
        result.untried += untried


def _release(log_ids: list[int]) -> None:
    """Put digests taken but not tried back to ``claimed``, as they were."""
    if log_ids:
        DigestLog.objects.filter(any_of("pk", log_ids), state=DigestLog.State.SENDING).update(
            state=DigestLog.State.CLAIMED, attempts=F("attempts") - 1, attempt_started_at=None
        )
