"""Shared start-up for benchmarks: Django on the throwaway PostgreSQL in DATABASE_URL."""

import os
import secrets
import time


def setup_django(*, migrate: bool = True) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netcrm.settings")
    # Measure what production runs: DEBUG off (no query log, no template debug information).
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Benchmarks run on PostgreSQL: use `make bench-NAME` (it starts a throwaway one).")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


class Timer:
    """``with Timer() as t: ...`` then ``t.seconds``."""

    def __enter__(self):
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started
