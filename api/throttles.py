"""Requests per token (per user for the browser's session, per address without credentials)."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from .models import ApiToken


def _rate(scope: str) -> str:
    # Read on each request rather than once at import (DRF's default), so the setting is honoured
    # wherever it is changed.
    return settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope]


class PerTokenThrottle(SimpleRateThrottle):
    """Each token has its own allowance, so one runaway script does not stop the owner's other
    tools; the browser's session counts as one more client of its user. Counted in the cache:
    with the cache down nothing is limited (fails open, as the mail limits do)."""

    scope = "token"

    def get_rate(self):
        return _rate(self.scope)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"session-user-{request.user.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AnonymousThrottle(AnonRateThrottle):
    def get_rate(self):
        return _rate(self.scope)
