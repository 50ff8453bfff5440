"""Handing a claimed digest to the mail backend, at most once.

What is sent is the snapshot the scheduler built when it claimed the week (DigestLog.content),
rendered here; a week claimed without one is built at send time.

A claimed DigestLog moves to ``sending`` with a conditional UPDATE before the message goes to
the backend, so a redelivered or duplicated task finds nothing to send. An SMTP error puts it
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
from django.utils import timezone

from accounts.models import EmailVerification
from followups.models import DigestLog, FollowupPreferences

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

    owner_id: int
    attempts: int  # this one included
    snapshot: dict | None
    email: str
    email_verified: bool
    when_empty: bool  # the user wants the digest also when nobody is due


def _take(log_id: int, now) -> Taken | None:
    """Move a claimed (or retrying) digest to ``sending`` and read its snapshot, the owner's
    address (and whether it is verified) and preference, in one statement (``UPDATE …
    RETURNING`` with scalar subqueries; PostgreSQL and SQLite 3.35+): a send is two round trips
    to the database, not three. None when it is not claimed or retrying any more (another
    attempt has it, or it was handled)."""
    log, user, prefs, verification = (
        connection.ops.quote_name(model._meta.db_table)
        for model in (DigestLog, get_user_model(), FollowupPreferences, EmailVerification)
    )
    sql = (
        f"UPDATE {log} SET state = %s, attempts = attempts + 1, attempt_started_at = %s, next_attempt_at = NULL"
        f" WHERE id = %s AND state IN (%s, %s)"
        f" RETURNING owner_id, attempts, content,"
        f" (SELECT email FROM {user} WHERE {user}.id = {log}.owner_id),"
        f" (SELECT verified_email FROM {verification} WHERE {verification}.user_id = {log}.owner_id),"
        f" (SELECT digest_when_empty FROM {prefs} WHERE {prefs}.owner_id = {log}.owner_id)"
    )
    params = (DigestLog.State.SENDING, connection.ops.adapt_datetimefield_value(now), log_id,
              DigestLog.State.CLAIMED, DigestLog.State.RETRYING)  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    owner_id, attempts, content, email, verified_email, when_empty = row
    snapshot = DigestLog._meta.get_field("content").from_db_value(content, None, connection)
    # The rule is EmailVerification.is_verified's, asked of the values just read.
    verified = (
        verified_email is not None
        and EmailVerification(user=get_user_model()(email=email or ""), verified_email=verified_email).is_verified
    )
    return Taken(owner_id, attempts, snapshot, email or "", verified, bool(when_empty))


def deliver_digest(*, log_id: int) -> str:
    """Send the claimed digest ``log_id`` unless it was already handled. Returns the outcome:
    ``sent``, ``skipped`` (nothing due and the user does not want empty digests, or no email
    address), ``failed`` (the last retry failed too) or ``handled`` (another attempt got to it).
    Raises ``RetryLater`` after recording a refusal that is worth another try."""
    now = timezone.now()
    taken = _take(log_id, now)
    if taken is None:
        return "handled"
    content = _from_snapshot(taken.snapshot)
    if content is None:  # claimed without a snapshot (or with one of another shape): built now
        preferences = FollowupPreferences.objects.select_related("owner").get(owner_id=taken.owner_id)
        content = build_digest(owner=preferences.owner, preferences=preferences, now=now)
    # Checked again at send time: the address may have changed since the week was claimed.
    unverified = bool(taken.email) and not taken.email_verified
    if not taken.email or unverified or (content.is_empty and not taken.when_empty):
        reason = ADDRESS_NOT_VERIFIED if unverified else "no email address" if not taken.email else ""
        DigestLog.objects.filter(pk=log_id).update(state=DigestLog.State.SKIPPED, error=reason, content=None)
        return "skipped"
    try:
        build_message(content, to=taken.email).send()
    except TRANSIENT_ERRORS as error:
        reason = f"{type(error).__name__}: {error}"
        if taken.attempts > settings.DIGEST_MAX_RETRIES:
            record_failure(log_id=log_id, error=error)
            return "failed"
        countdown = retry_delay(taken.attempts)
        DigestLog.objects.filter(pk=log_id, state=DigestLog.State.SENDING).update(
            state=DigestLog.State.RETRYING,
            error=reason,
            next_attempt_at=timezone.now() + datetime.timedelta(seconds=countdown),
        )
        raise RetryLater(countdown, reason) from error
    DigestLog.objects.filter(pk=log_id).update(
        state=DigestLog.State.SENT,
        sent_at=timezone.now(),
        contacts_count=content.contacts_count,
        error="",
        content=None,
    )
    return "sent"


def record_failure(*, log_id: int, error: BaseException) -> None:
    """After the last retry: the digest is not sent this week; the log says why."""
    DigestLog.objects.filter(pk=log_id).exclude(state=DigestLog.State.SENT).update(
        state=DigestLog.State.FAILED, error=f"{type(error).__name__}: {error}", content=None, next_attempt_at=None
    )
