"""Handing a claimed digest to the mail backend, at most once.

What is sent is the snapshot the scheduler built when it claimed the week (DigestLog.content),
rendered here; a week claimed without one is built at send time.

A claimed DigestLog moves to ``sending`` with a conditional UPDATE before the message goes to
the backend, so a redelivered or duplicated task finds nothing to send. A batch's digests are
sent by followups.digest.batch_delivery, a chunk at a time, with the same steps. An SMTP error puts it
back to ``retrying`` with the moment of its next attempt (the task retries with backoff, and
the reaper queues it again should that retry be lost); after the last retry it is ``failed``.
A worker that dies between handing the message over and recording ``sent`` leaves ``sending``:
it is never sent again (at most once, by design); the reaper marks it failed, with the reason,
once it is older than the send time limit, so the user sees it on Settings.
"""

from __future__ import annotations

import dataclasses
import datetime
import smtplib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.db.models import Case, PositiveIntegerField, Value, When
from django.utils import timezone

from accounts.models import EmailVerification
from followups.models import DigestLog, FollowupPreferences
from netcrm.sql import any_of

from .content import build_digest, render_digest
from .schedule import ADDRESS_NOT_VERIFIED
from .snapshot import DigestContent

# Errors worth retrying: the server refused or could not be reached; the message was not taken.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)


class RetryLater(Exception):
    """The mail server did not take the digest; try again in ``countdown`` seconds."""

    def __init__(self, countdown: int, reason: str):
        super().__init__(reason)
        self.countdown = countdown


def retry_delay(attempts: int) -> int:
    """Seconds before the next try after ``attempts`` failed ones: the backoff, doubled each time."""
    return settings.DIGEST_RETRY_BACKOFF_SECONDS * 2 ** max(0, attempts - 1)


def build_message(content: DigestContent, *, to: str) -> EmailMultiAlternatives:
    links = content.links()
    text, html = render_digest(content, links=links)
    message = EmailMultiAlternatives(
        subject=content.subject,
        body=text,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{links['unsubscribe']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _from_snapshot(snapshot: dict | None) -> DigestContent | None:
    """The digest built when the week was claimed; None when there is none, or when it has a
    shape this code does not know (written before a deploy): that digest is built afresh."""
    if snapshot is None:
        return None
    try:
        return DigestContent.from_snapshot(snapshot)
    except (KeyError, TypeError, ValueError):
        return None


@dataclasses.dataclass(frozen=True)
class Taken:
    """A digest this attempt moved to ``sending``, with what sending it needs."""

    log_id: int
    owner_id: int
    attempts: int  # this one included
    snapshot: dict | None
    email: str
    email_verified: bool
    when_empty: bool  # the user wants the digest also when nobody is due


def _ids_condition(column: str, ids: list[int]) -> tuple[str, list]:
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(ids)]
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def take(log_ids: list[int], now, *, states=(DigestLog.State.CLAIMED, DigestLog.State.RETRYING)) -> list[Taken]:
    """Move those of ``log_ids`` still in one of ``states`` to ``sending`` and read each one's
    snapshot, the owner's address (and whether it is verified) and preference, in one statement
    (``UPDATE … RETURNING`` with scalar subqueries; PostgreSQL and SQLite 3.35+), however many
    they are. The others (another attempt has them, or they were handled) are left alone."""
    if not log_ids:
        return []
    log, user, prefs, verification = (
        connection.ops.quote_name(model._meta.db_table)
        for model in (DigestLog, get_user_model(), FollowupPreferences, EmailVerification)
    )
    ids_sql, ids_params = _ids_condition("id", log_ids)
    sql = (
        f"UPDATE {log} SET state = %s, attempts = attempts + 1, attempt_started_at = %s, next_attempt_at = NULL"
        f" WHERE {ids_sql} AND state IN ({', '.join(['%s'] * len(states))})"
        f" RETURNING id, owner_id, attempts, content,"
        f" (SELECT email FROM {user} WHERE {user}.id = {log}.owner_id),"
        f" (SELECT verified_email FROM {verification} WHERE {verification}.user_id = {log}.owner_id),"
        f" (SELECT digest_when_empty FROM {prefs} WHERE {prefs}.owner_id = {log}.owner_id)"
    )
    params = [DigestLog.State.SENDING, connection.ops.adapt_datetimefield_value(now), *ids_params, *states]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    content_field = DigestLog._meta.get_field("content")
    return [
        Taken(
            log_id,
            owner_id,
            attempts,
            content_field.from_db_value(content, None, connection),
            email or "",
            _is_verified(email, verified_email),
            bool(when_empty),
        )  # fmt: skip
        for log_id, owner_id, attempts, content, email, verified_email, when_empty in rows
    ]


def _is_verified(email: str | None, verified_email: str | None) -> bool:
    # The rule is EmailVerification.is_verified's, asked of the values just read.
    return (
        verified_email is not None
        and EmailVerification(user=get_user_model()(email=email or ""), verified_email=verified_email).is_verified
    )


def content_of(taken: Taken, now) -> DigestContent:
    """The week's snapshot; a week claimed without one (or with one of another shape) is built now."""
    content = _from_snapshot(taken.snapshot)
    if content is None:
        preferences = FollowupPreferences.objects.select_related("owner").get(owner_id=taken.owner_id)
        content = build_digest(owner=preferences.owner, preferences=preferences, now=now)
    return content


def skip_reason(taken: Taken, content: DigestContent) -> str | None:
    """Why this digest is not sent (``""``: nothing due and the user does not want empty
    digests), or None to send it. Checked at send time: the address may have changed since the
    week was claimed."""
    unverified = bool(taken.email) and not taken.email_verified
    if not taken.email or unverified or (content.is_empty and not taken.when_empty):
        return ADDRESS_NOT_VERIFIED if unverified else "no email address" if not taken.email else ""
    return None


def deliver_digest(*, log_id: int) -> str:
    """Send the claimed digest ``log_id`` unless it was already handled. Returns the outcome:
    ``sent``, ``skipped`` (nothing due and the user does not want empty digests, or no email
    address), ``failed`` (the last retry failed too) or ``handled`` (another attempt got to it).
    Raises ``RetryLater`` after recording a refusal that is worth another try."""
    now = timezone.now()
    taken = take([log_id], now)
    if not taken:
        return "handled"
    (taken,) = taken
    content = content_of(taken, now)
    reason = skip_reason(taken, content)
    if reason is not None:
        record_skipped({reason: [log_id]})
        return "skipped"
    try:
        build_message(content, to=taken.email).send()
    except TRANSIENT_ERRORS as error:
        countdown = record_refusal(taken, error)
        if countdown is None:
            return "failed"
        raise RetryLater(countdown, f"{type(error).__name__}: {error}") from error
    record_sent({log_id: content.contacts_count})
    return "sent"


def record_sent(contacts_counts: dict[int, int]) -> None:
    """The digests ``{log_id: people named}`` were handed to the mail backend (one UPDATE)."""
    if not contacts_counts:
        return
    counts = set(contacts_counts.values())
    contacts_count = (
        Value(counts.pop())
        if len(counts) == 1
        else Case(*(When(pk=log_id, then=Value(count)) for log_id, count in contacts_counts.items()),
                  output_field=PositiveIntegerField())
    )  # fmt: skip
    DigestLog.objects.filter(any_of("pk", contacts_counts)).update(
        state=DigestLog.State.SENT, sent_at=timezone.now(), contacts_count=contacts_count, error="", content=None
    )


def record_skipped(log_ids_by_reason: dict[str, list[int]]) -> None:
    """The digests not sent this week, and why (one UPDATE per reason)."""
    for reason, log_ids in log_ids_by_reason.items():
        skipped = DigestLog.objects.filter(any_of("pk", log_ids))
        skipped.update(state=DigestLog.State.SKIPPED, error=reason, content=None)


def record_refusal(taken: Taken, error: BaseException) -> int | None:
    """The mail server did not take the digest: it waits to be retried (returns in how many
    seconds), or after the last retry it is failed (returns None)."""
    if taken.attempts > settings.DIGEST_MAX_RETRIES:
        record_failure(log_id=taken.log_id, error=error)
        return None
    countdown = retry_delay(taken.attempts)
    DigestLog.objects.filter(pk=taken.log_id, state=DigestLog.State.SENDING).update(
        state=DigestLog.State.RETRYING,
        error=f"{type(error).__name__}: {error}",
        next_attempt_at=timezone.now() + datetime.timedelta(seconds=countdown),
    )
    return countdown


def record_failure(*, log_id: int, error: BaseException) -> None:
    """After the last retry: the digest is not sent this week; the log says why."""
    DigestLog.objects.filter(pk=log_id).exclude(state=DigestLog.State.SENT).update(
        state=DigestLog.State.FAILED, error=f"{type(error).__name__}: {error}", content=None, next_attempt_at=None
    )
