"""Limits on mail sent on request (django-ratelimit, counting in the cache).

A stranger can type anyone's address into the reset or signup form; each address gets at most
``MAIL_PER_ADDRESS_PER_HOUR`` such mails an hour, and each client at most
``MAIL_REQUESTS_PER_CLIENT_PER_HOUR`` requests, whatever the addresses. With the cache down the
counts cannot be kept and nothing is limited (RATELIMIT_FAIL_OPEN): people can still reset.
"""

from __future__ import annotations

from django.conf import settings
from django_ratelimit.core import is_ratelimited


def _per_hour(count: int) -> str:
    return f"{count}/h"


def mail_to_address_allowed(address: str) -> bool:
    """Count one mail to ``address`` (any case) and say whether it may go."""
    limited = is_ratelimited(
        None,
        group="mail-to-address",
        key=lambda _group, _request: address.strip().lower(),
        rate=_per_hour(settings.MAIL_PER_ADDRESS_PER_HOUR),
        increment=True,
    )
    return not limited


def client_request_allowed(request, *, action: str) -> bool:
    """Count one ``action`` request from this client's IP address and say whether it may go on."""
    limited = is_ratelimited(
        request,
        group=f"mail-request-{action}",
        key="ip",
        rate=_per_hour(settings.MAIL_REQUESTS_PER_CLIENT_PER_HOUR),
        increment=True,
    )
    return not limited
