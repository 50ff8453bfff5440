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

import datetime
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F
from django.utils import timezone

from followups.models import DigestLog

from .content import DigestContent, build_digest, render_digest, unsubscribe_url
from .schedule import ADDRESS_NOT_VERIFIED

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
    text, html = render_digest(content)
    message = EmailMultiAlternatives(
        subject=content.subject,
        body=text,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url(content.owner_id)}>",
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


def deliver_digest(*, log_id: int) -> str:
    """Send the claimed digest ``log_id`` unless it was already handled. Returns the outcome:
    ``sent``, ``skipped`` (nothing due and the user does not want empty digests, or no email
    address), ``failed`` (the last retry failed too) or ``handled`` (another attempt got to it).
    Raises ``RetryLater`` after recording a refusal that is worth another try."""
    now = timezone.now()
    taken = DigestLog.objects.filter(pk=log_id, state__in=(DigestLog.State.CLAIMED, DigestLog.State.RETRYING)).update(
        state=DigestLog.State.SENDING, attempts=F("attempts") + 1, attempt_started_at=now, next_attempt_at=None
    )
    if not taken:
        return "handled"
    log = DigestLog.objects.select_related("owner__followup_prefs", "owner__email_verification").get(pk=log_id)
    owner, preferences = log.owner, log.owner.followup_prefs
    # Checked again at send time: the address may have changed since the week was claimed.
    verification = getattr(owner, "email_verification", None)
    unverified = bool(owner.email) and not (verification and verification.is_verified)
    content = _from_snapshot(log.content) or build_digest(owner=owner, preferences=preferences, now=now)
    if not owner.email or unverified or (content.is_empty and not preferences.digest_when_empty):
        reason = ADDRESS_NOT_VERIFIED if unverified else "no email address" if not owner.email else ""
        DigestLog.objects.filter(pk=log_id).update(state=DigestLog.State.SKIPPED, error=reason, content=None)
        return "skipped"
    try:
        build_message(content, to=owner.email).send()
    except TRANSIENT_ERRORS as error:
        reason = f"{type(error).__name__}: {error}"
        if log.attempts > settings.DIGEST_MAX_RETRIES:
            record_failure(log_id=log_id, error=error)
            return "failed"
        countdown = retry_delay(log.attempts)
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
