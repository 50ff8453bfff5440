"""What a locked-out login sees (django-axes calls ``lockout_response``) and the log line."""

from __future__ import annotations

import logging
import math

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone

from netcrm.redirects import safe_next_url

logger = logging.getLogger("netcrm.accounts")


def minutes_locked(*, username: str, ip_address: str | None) -> int:
    """Whole minutes until this username may log in again from this address (at least 1)."""
    cool_off = get_cool_off()
    last_failure = AccessAttempt.objects.filter(username=username, ip_address=ip_address).aggregate(
        last=Max("attempt_time")
    )["last"]
    if last_failure is None or cool_off is None:
        return math.ceil(cool_off.total_seconds() / 60) if cool_off else 1
    return max(1, math.ceil((last_failure + cool_off - timezone.now()).total_seconds() / 60))


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, saying why it refuses and for how long (429 Too Many Requests)."""
    username = get_client_username(request, credentials) or ""
    context = {
        "form": AuthenticationForm(request, initial={"username": username}),
        "locked_username": username,
        "locked_minutes": minutes_locked(username=username, ip_address=getattr(request, "axes_ip_address", None)),
        "next": safe_next_url(request),
    }
    return render(request, "registration/login.html", context, status=429)


def log_lockout(sender, request, username, ip_address, **kwargs):
    """axes' ``user_locked_out`` signal: one line each time a locked pair is refused."""
    logger.warning("Login locked for username %r from %s: too many failed logins", username, ip_address)
