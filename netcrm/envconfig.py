"""Small parsers that turn environment variables into Django settings values.

Kept apart from settings.py so they can be tested alone; no business logic lives here.
They are strict (as healthchecks' ``envbool`` is): a value they cannot read stops start-up with
``ImproperlyConfigured`` naming the variable and its value, so a typo is never read as a silent
default. An empty value counts as unset (``DEBUG=`` in a compose file).
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if raw.lower() in TRUE_WORDS:
        return True
    if raw.lower() in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a yes/no value; use one of 1/0, true/false, yes/no, on/off.")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int, *, minimum: int | None = 0) -> int:
    """A whole number; none of netcrm's settings (sizes, counts, seconds, minutes) can be negative."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    return parse_int(name, raw, minimum=minimum)


def parse_int(name: str, raw: str, *, minimum: int | None = None) -> int:
    """A whole number written in ASCII digits (``int()`` alone would take "1_000" or "²")."""
    digits = raw.strip()
    if not (digits.removeprefix("-").isascii() and digits.removeprefix("-").isdigit()):
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.")
    value = int(digits)
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be {minimum} or more.")
    return value


EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "submission": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}


def email_settings(url: str) -> dict:
    """Turn ``smtp://user:pass@host:port?tls=1`` (or ``console:``, ``locmem:``) into settings."""
    parsed = urlparse(url)
    scheme = parsed.scheme or url.rstrip(":/")
    if scheme not in EMAIL_BACKENDS:
        raise ImproperlyConfigured(f"EMAIL_URL has an unknown scheme {scheme!r}; use one of {sorted(EMAIL_BACKENDS)}")
    options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    config = {"EMAIL_BACKEND": EMAIL_BACKENDS[scheme]}
    if EMAIL_BACKENDS[scheme].endswith("smtp.EmailBackend"):
        try:
            port = parsed.port
        except ValueError as error:  # urllib: "Port could not be cast to integer value" / out of range
            raise ImproperlyConfigured(f"EMAIL_URL has a bad port: {error}") from None
        config.update(
            EMAIL_HOST=parsed.hostname or "localhost",
            EMAIL_PORT=port or {"smtps": 465, "submission": 587}.get(scheme, 25),
            EMAIL_HOST_USER=unquote(parsed.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parsed.password or ""),
            EMAIL_USE_SSL=scheme == "smtps" or options.get("ssl") == "1",
            EMAIL_USE_TLS=scheme == "submission" or options.get("tls") == "1",
            EMAIL_TIMEOUT=parse_int("EMAIL_URL timeout", options.get("timeout", "30"), minimum=1),
        )
    return config


def env_float(name: str, default: float) -> float:
    """A positive decimal number such as 0.25 (seconds)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number.")
    if not (0 < value < float("inf")):
        raise ImproperlyConfigured(f"{name}={raw!r} must be a positive number.")
    return value
