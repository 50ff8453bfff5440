"""Small parsers that turn environment variables into Django settings values.

Kept apart from settings.py so they can be tested alone; no business logic lives here.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs, unquote, urlparse


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


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
        raise ValueError(f"EMAIL_URL has an unknown scheme {scheme!r}; use one of {sorted(EMAIL_BACKENDS)}")
    options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    config = {"EMAIL_BACKEND": EMAIL_BACKENDS[scheme]}
    if EMAIL_BACKENDS[scheme].endswith("smtp.EmailBackend"):
        config.update(
            EMAIL_HOST=parsed.hostname or "localhost",
            EMAIL_PORT=parsed.port or {"smtps": 465, "submission": 587}.get(scheme, 25),
            EMAIL_HOST_USER=unquote(parsed.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parsed.password or ""),
            EMAIL_USE_SSL=scheme == "smtps" or options.get("ssl") == "1",
            EMAIL_USE_TLS=scheme == "submission" or options.get("tls") == "1",
            EMAIL_TIMEOUT=int(options.get("timeout", 30)),
        )
    return config


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw else default
