import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from .cache_helpers import cache_down, redis_cache  # noqa: F401  (fixtures for every test module)
from .factories import PASSWORD, ClassificationFactory, ContactFactory, UserFactory

REPO = Path(__file__).resolve().parents[1]

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by the
# test itself (setting up data) are still synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def isolated_cache(settings):
    """Each test gets its own empty in-process cache (the suite's Redis is the Celery broker)."""
    from django.core.cache import cache

    from contacts import freshness

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    freshness._skip_until, freshness._missed_a_bump = 0.0, False  # no outage carried over
    yield
    cache.clear()


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


@pytest.fixture
def stranger(db):
    return UserFactory(username="stranger")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def stranger_client(client, stranger):
    client.force_login(stranger)
    return client


@pytest.fixture
def classification(owner):
    return ClassificationFactory(owner=owner, name="Clients", contact_every_days=30)


@pytest.fixture
def contact(owner, classification):
    return ContactFactory(owner=owner, classification=classification, first_name="Ada", last_name="Lovelace")


@pytest.fixture
def password():
    return PASSWORD


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _CollectingHandler:
    """Keeps every accepted message; refuses the next ``fail_next`` ones with a temporary error."""

    def __init__(self):
        self.messages = []
        self.fail_next = 0
        self.refused = 0

    async def handle_DATA(self, server, session, envelope):
        if self.fail_next:
            self.fail_next -= 1
            self.refused += 1
            return "451 4.3.0 Try again later"
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback; Django's SMTP backend delivers to it."""
    from aiosmtpd.controller import Controller

    handler = _CollectingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    handler.url = f"smtp://127.0.0.1:{port}"
    yield handler
    controller.stop()


def test_database_url() -> str:
    """The URL of the test database this run created, for processes started by a test."""
    from django.db import connection

    settings_dict = connection.settings_dict
    auth = settings_dict["USER"] + (f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else "")
    return f"postgres://{auth}@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


@pytest.fixture
def start_celery_worker():
    """Start real Celery workers (subprocesses) on the throwaway Redis and PostgreSQL, each on
    its own queue (or the one given); returns ``start(extra_env, queue=None) -> (queue, process)``.
    Stopped after the test."""
    from django.db import connection

    workers = []

    def start(extra_env=None, *, queue=None):
        assert connection.vendor == "postgresql", "worker tests need the throwaway PostgreSQL"
        assert os.environ.get("REDIS_URL"), "worker tests need the throwaway Redis (REDIS_URL)"
        queue = queue or f"test-{uuid.uuid4().hex[:8]}"
        env = {**os.environ, "DATABASE_URL": test_database_url(), **(extra_env or {})}
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "netcrm", "worker", "--pool=solo", "-Q", queue,
             "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        workers.append(process)
        return queue, process

    yield start
    for process in workers:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for(predicate, *, seconds=60, worker=None):
    """Poll ``predicate`` until true; fail with the worker's output if it died or time ran out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        if worker is not None and worker.poll() is not None:
            pytest.fail(f"the Celery worker exited:\n{worker.stdout.read()}")
        time.sleep(0.25)
    pytest.fail("timed out waiting for the worker")
