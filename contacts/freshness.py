"""A per-user version number of "everything the user owns", for caches of derived pages.

Any write to a row with an owner bumps that owner's version: single saves and deletes through
the model signals wired in ``ContactsConfig.ready`` (cache bookkeeping, not business rules),
and set-based writes (``QuerySet.update``, ``bulk_create``) by calling ``touch`` themselves
(``refresh_cadence`` does, so every contact, interaction and classification write is covered).
A page cached under the version is therefore never shown after the data behind it changed.
The version lives in the cache (Redis in production, a file cache shared by the processes of
the embedded default), so workers and web processes see the same number.

The cache may be down (settings: django-redis with IGNORE_EXCEPTIONS, so a failed call is a
miss, never an error). A bump that could not be recorded would let a page cached before the
outage be served after it, so the process that missed one moves a global generation, part of
every stamp, as soon as the cache answers again: everything cached before is then unreachable.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "netcrm:owner-version:{}"
GENERATION_KEY = "netcrm:generation"
VERSION_TTL = 60 * 60 * 24 * 30

# This process failed to record a write while the cache was down (see the module docstring).
_missed_a_bump = False
# After a failed call this process leaves the cache alone for a few seconds: a Redis that hangs
# costs each call its socket timeout, and a page makes several.
SKIP_AFTER_FAILURE_SECONDS = 5
_skip_until = 0.0


def cache_available() -> bool:
    return time.monotonic() >= _skip_until


def _failed() -> None:
    global _missed_a_bump, _skip_until
    _missed_a_bump = True
    _skip_until = time.monotonic() + SKIP_AFTER_FAILURE_SECONDS


def version(owner_id: int) -> int:
    return cache.get(VERSION_KEY.format(owner_id), 0)


def stamp(owner_id: int) -> str | None:
    """What a cache key of the owner's derived pages must include: the generation and version.
    None while the cache is known to be down: cache nothing, render afresh."""
    _recover()
    if not cache_available():
        return None
    key = VERSION_KEY.format(owner_id)
    found = cache.get_many([GENERATION_KEY, key])
    return f"{found.get(GENERATION_KEY, 0)}.{found.get(key, 0)}"


def stamp_and_get(owner_id: int, key: str) -> tuple[str | None, object]:
    """``stamp``, and what is cached at ``key``, in one round trip to the cache: a page stored
    with the stamp it was rendered under (followups.dashboard.views) is read with the stamp it
    must still match. (None, None) while the cache is known to be down."""
    _recover()
    if not cache_available():
        return None, None
    version_key = VERSION_KEY.format(owner_id)
    found = cache.get_many([GENERATION_KEY, version_key, key])
    return f"{found.get(GENERATION_KEY, 0)}.{found.get(version_key, 0)}", found.get(key)


def touch(owner_ids: Iterable[int]) -> None:
    """Move each owner's version forward now, and again when the transaction commits, so a
    page rendered from not-yet-committed data is never cached under the final version."""
    owner_ids = set(owner_ids)
    _bump(owner_ids)
    transaction.on_commit(lambda: _bump(owner_ids))


def _increment(key: str) -> bool:
    """Add one to ``key`` (creating it); False when the cache could not be reached."""
    added = cache.add(key, 1, VERSION_TTL)
    if added is None:  # django-redis answers None, not False, when the call failed
        return False
    if not added:
        try:
            return cache.incr(key) is not None
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, VERSION_TTL)
    return True


def _recover() -> None:
    global _missed_a_bump
    if not _missed_a_bump or not cache_available():
        return
    if _increment(GENERATION_KEY):
        _missed_a_bump = False
    else:
        _failed()


def _bump(owner_ids: set[int]) -> None:
    _recover()
    if not cache_available():
        _failed()
        return
    for owner_id in owner_ids:
        if not _increment(VERSION_KEY.format(owner_id)):
            _failed()
            return  # the cache is down: the others would fail the same way


def owner_of(instance) -> int | None:
    """The owner id of a row that has one directly or through its event or contact."""
    for path in ("owner_id", "event.owner_id", "contact.owner_id"):
        target = instance
        try:
            for part in path.split("."):
                target = getattr(target, part)
        except Exception:  # a related row already deleted, or no such attribute
            continue
        if isinstance(target, int):
            return target
    return None


def on_write(sender, instance, **kwargs) -> None:
    owner_id = owner_of(instance)
    if owner_id is not None:
        touch([owner_id])
