"""Django's cache on the suite's real Redis, or on a Redis that is down, for one test.

The suite's default cache is an in-process one per test (conftest.isolated_cache); the limits of
django-ratelimit count in the real cache, so their tests use these."""

import os
import socket
import uuid

import pytest

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def _unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis_cache(location: str, prefix: str) -> dict:
    options = {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.25}
    return {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": location, "KEY_PREFIX": prefix,
                        "OPTIONS": options}}  # fmt: skip


@pytest.fixture
def redis_cache(settings):
    """The cache on the suite's Redis, under keys of this test's own (removed afterwards)."""
    from django.core.cache import cache

    location = os.environ.get("REDIS_URL")
    assert location, "this test needs the throwaway Redis (REDIS_URL); run it with ./scripts/test.sh"
    settings.CACHES = _redis_cache(location, f"test-{uuid.uuid4().hex[:12]}")
    assert cache.set("probe", 1) is not None and cache.get("probe") == 1, "the suite's Redis does not answer"
    yield cache
    cache.delete_pattern("*")  # this prefix only
    settings.CACHES = LOCMEM  # before conftest's clear(), which would flush the whole database


@pytest.fixture
def cache_down(settings):
    """The cache as production configures it (django-redis ignoring its errors), on a Redis that
    is not there: every call is a miss."""
    from django.core.cache import cache

    settings.CACHES = _redis_cache(f"redis://127.0.0.1:{_unused_port()}/0", "down")
    assert cache.set("probe", 1) is None and cache.get("probe") is None
    yield cache
    settings.CACHES = LOCMEM
