"""Accounts: signing up, and verifying the address digests and password resets go to."""

from __future__ import annotations

import enum
import logging
import smtplib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from contacts.services import create_starter_classifications

from .models import EmailVerification
from .selectors import address_taken, verification_for
from .throttles import mail_to_address_allowed

logger = logging.getLogger("netcrm.accounts")
VERIFY_SALT = "accounts.verify-email"


class Outcome(enum.Enum):
    VERIFIED = "verified"
    TAKEN = "taken"  # another account verified this address first
    STALE = "stale"  # the account's address changed since the link was sent
    INVALID = "invalid"  # no such (active) account


class Mail(enum.Enum):
    SENT = "sent"
    THROTTLED = "throttled"  # the address had its share of mail this hour
    FAILED = "failed"  # the mail server did not take it


def sign_up(*, form):
    """Create the account with its starter classifications (all or nothing), then mail the
    address typed: the link that verifies it, or a note if another account has it. The account
    is created the same either way, so signing up says nothing about who is registered; the
    address waits in EmailVerification.pending_email until its link is followed."""
    address = form.cleaned_data["email"]
    with transaction.atomic():
        user = form.save(commit=False)
        user.email = ""
        user.save()
        EmailVerification.objects.create(user=user, pending_email=address, pending_since=timezone.now())
        create_starter_classifications(owner=user)
    send_address_link(user=user, address=address)  # after the commit: the link names a saved account
    return user


def verification_token(*, user, address: str) -> str:
    """A signed, timestamped token naming the account and the address; see read_verification_token."""
    return signing.dumps({"user": user.pk, "address": address}, salt=VERIFY_SALT)


def read_verification_token(token: str) -> tuple[int, str]:
    """``(user id, address)``; raises ``signing.SignatureExpired`` past
    EMAIL_VERIFICATION_MAX_AGE_SECONDS and ``signing.BadSignature`` for anything forged."""
    data = signing.loads(token, salt=VERIFY_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE_SECONDS)
    try:
        return int(data["user"]), str(data["address"])
    except (KeyError, TypeError, ValueError):
        raise signing.BadSignature("not a verification token")


def send_address_link(*, user, address: str) -> Mail:
    """Mail ``address`` the link that verifies it for ``user``; if another account already has
    the address, mail that account a note instead (the link could never work). Nothing goes
    when the address had its share of mail this hour; a refusing mail server is logged."""
    if not mail_to_address_allowed(address):
        logger.info("Not mailing a verification link to %s: hourly limit reached", address)
        return Mail.THROTTLED
    context = {"user": user, "address": address, "site_url": settings.SITE_URL}
    if address_taken(address, except_user=user):
        template, subject = "accounts/email/address_already_registered.txt", "Your address and netcrm"
        context["login_url"] = settings.SITE_URL + reverse("login")
        context["reset_url"] = settings.SITE_URL + reverse("password_reset")
    else:
        template, subject = "accounts/email/verify_address.txt", "Verify your email address for netcrm"
        token = verification_token(user=user, address=address)
        context["verify_url"] = settings.SITE_URL + reverse("verify_email", args=[token])
        context["valid_days"] = max(1, settings.EMAIL_VERIFICATION_MAX_AGE_SECONDS // 86400)
    try:
        send_mail(subject, render_to_string(template, context), None, [address])
    except (smtplib.SMTPException, OSError):
        logger.exception("The mail server did not take the verification mail to %s", address)
        return Mail.FAILED
    return Mail.SENT


def request_address_change(*, user, address: str) -> EmailVerification:
    """Ask for ``address`` to become the account's: it waits for its link, and the current
    address (with its digests and resets) stays until the link is followed."""
    verification = verification_for(user)
    if address.lower() == user.email.lower() and verification.is_verified:
        verification.pending_email, verification.pending_since = "", None
        verification.save(update_fields=["pending_email", "pending_since"])
        return verification
    verification.pending_email, verification.pending_since = address, timezone.now()
    verification.save(update_fields=["pending_email", "pending_since"])
    send_address_link(user=user, address=address)
    return verification


def resend_address_link(*, user) -> tuple[str, Mail | None]:
    """Send the link again to the address waiting for it: ``(address, outcome)``; ``("", None)``
    when nothing waits."""
    address = verification_for(user).address_to_verify
    if not address:
        return "", None
    return address, send_address_link(user=user, address=address)


@transaction.atomic
def verify_address(*, user_id: int, address: str) -> Outcome:
    """Follow a verification link: the address becomes (or stays) the account's, verified.
    Idempotent; the unique index settles two accounts verifying one address at once."""
    user = get_user_model().objects.select_for_update().filter(pk=user_id, is_active=True).first()
    if user is None:
        return Outcome.INVALID
    verification = verification_for(user)
    if address.lower() != user.email.lower():
        if address.lower() != verification.pending_email.lower():
            return Outcome.STALE
        if address_taken(address, except_user=user):
            return Outcome.TAKEN
        try:
            with transaction.atomic():
                user.email = address
                user.save(update_fields=["email"])
        except IntegrityError:
            return Outcome.TAKEN
    verification.verified_email, verification.verified_at = user.email, timezone.now()
    if verification.pending_email.lower() == user.email.lower():
        verification.pending_email, verification.pending_since = "", None
    verification.save()
    logger.info("Address verified for user %s", user.pk)
    return Outcome.VERIFIED
