"""The cache is an optimisation: with Redis unreachable every page answers and every write lands.

These tests point Django's cache at the suite's real Redis (django-redis, as in production),
then make it unreachable mid-test: SIGSTOP freezes the server, so connections hang until the
socket timeout (a network blip), and SIGCONT brings it back with its data, which is the case
where a page cached before the outage must not come back stale.
"""

import contextlib
import datetime
import logging
import os
import signal
import time
import uuid

import pytest
import redis
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from contacts import freshness
from contacts.models import Contact, Interaction
from netcrm.logfilters import OncePerInterval

from .factories import ContactFactory, InteractionFactory

HOME = reverse("home")


def redis_cache_settings(location: str) -> dict:
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": f"cache-down-{uuid.uuid4().hex[:8]}",  # leaves the broker's keys alone
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.25},
        }
    }


@pytest.fixture
def redis_cache(settings, monkeypatch):
    """The suite's real Redis as Django's cache; yields a context manager that freezes it. After a
    failed call a process leaves the cache alone for a while; here 0.3 s, waited out on exit."""
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.fail("needs the suite's Redis (REDIS_URL); run ./scripts/test.sh")
    pid = redis.Redis.from_url(url).info("server")["process_id"]
    settings.CACHES = redis_cache_settings(url)

    monkeypatch.setattr(freshness, "SKIP_AFTER_FAILURE_SECONDS", 0.3)

    @contextlib.contextmanager
    def unreachable():
        os.kill(pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(pid, signal.SIGCONT)
        time.sleep(0.4)

    yield unreachable


@pytest.fixture
def cache_log(caplog):
    """The records of the cache's logger, with its once-a-minute filter started afresh."""
    for once in logging.getLogger("netcrm.cache").filters:
        if isinstance(once, OncePerInterval):
            once.forget()
    caplog.set_level(logging.WARNING, logger="netcrm.cache")
    return lambda: [r for r in caplog.records if r.name == "netcrm.cache"]


def new_contact_form(first_name, **extra):
    return {"first_name": first_name, "last_name": "Kay", "emails": "", "phones": "", "tag_names": "", **extra}


def rendered_today(response) -> list[str] | None:
    """Today's outreach names if the dashboard body was rendered for this request, None if it
    came from the cache."""
    assert response.status_code == 200
    contexts = [c for c in response.context if "today" in c] if response.context else []
    if not contexts:
        return None
    return [person.first_name for person in contexts[0]["today"]]


@pytest.mark.django_db
class TestWithRedisUnreachable:
    def test_main_pages_answer_and_writes_land(self, owner_client, owner, contact, redis_cache, cache_log):
        assert owner_client.get(HOME).status_code == 200
        with redis_cache():
            for url in (
                HOME,
                reverse("contacts:list"),
                reverse("contacts:detail", args=[contact.pk]),
                reverse("contacts:create"),
                reverse("followups:board"),
                reverse("strategy:plan"),
                reverse("followups:preferences"),
                reverse("transfer:import_start"),
            ):
                assert owner_client.get(url).status_code == 200, url

            created = owner_client.post(
                reverse("contacts:create"),
                new_contact_form("Alan", emails="alan@example.org", phones="+44 20 7946 0000", tag_names="maths"),
            )
            assert created.status_code == 302
            alan = Contact.objects.get(owner=owner, first_name="Alan")
            assert [e.address for e in alan.emails.all()] == ["alan@example.org"]
            assert [t.name for t in alan.tags.all()] == ["maths"]

            logged = owner_client.post(
                reverse("followups:log_interaction", args=[contact.pk]),
                {"occurred_at": timezone.now().strftime("%Y-%m-%dT%H:%M"), "kind": "call", "summary": "Caught up"},
            )
            assert logged.status_code == 302
            assert Interaction.objects.filter(contact=contact, summary="Caught up").exists()

            edited = owner_client.post(reverse("contacts:edit", args=[alan.pk]), new_contact_form("Alan M."))
            assert edited.status_code == 302
            assert Contact.objects.filter(pk=alan.pk, first_name="Alan M.").exists()

        # Many failed cache calls, one log line (the filter lets one through a minute).
        assert len(cache_log()) == 1
        assert "Exception ignored" in cache_log()[0].getMessage()

    def test_the_dashboard_renders_fresh_during_the_outage_and_not_stale_after_it(
        self, owner_client, owner, classification, redis_cache
    ):
        due = ContactFactory(owner=owner, classification=classification, first_name="Grace")
        InteractionFactory(contact=due, occurred_at=timezone.now() - datetime.timedelta(days=60))
        assert rendered_today(owner_client.get(HOME)) == ["Grace"]
        assert rendered_today(owner_client.get(HOME)) is None  # a repeat visit: served from Redis

        with redis_cache():
            logged = owner_client.post(
                reverse("followups:log_interaction", args=[due.pk]),
                {"occurred_at": timezone.now().strftime("%Y-%m-%dT%H:%M"), "kind": "call", "summary": "Caught up"},
            )
            assert logged.status_code == 302  # the write lands; the cache cannot hear of it
            assert rendered_today(owner_client.get(HOME)) == []

        # Redis is back with the body cached before the outage: it must not be served.
        assert rendered_today(owner_client.get(HOME)) == []
        assert rendered_today(owner_client.get(HOME)) is None  # and caching works again


@pytest.mark.django_db
def test_a_cache_on_a_closed_port_is_a_miss_not_an_error(owner_client, contact, settings):
    from .conftest import free_port

    settings.CACHES = redis_cache_settings(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens
    assert owner_client.get(HOME).status_code == 200
    assert owner_client.post(reverse("contacts:create"), new_contact_form("Edsger")).status_code == 302
    assert cache.get("anything") is None


class TestOncePerInterval:
    def record(self, message="Exception ignored"):
        return logging.LogRecord("netcrm.cache", logging.ERROR, __file__, 1, message, None, None)

    def test_one_record_a_minute_passes(self):
        clock = [1000.0]
        once = OncePerInterval(seconds=60, clock=lambda: clock[0])
        assert once.filter(self.record())
        clock[0] += 59
        assert not once.filter(self.record())
        assert once.filter(self.record("another message"))
        clock[0] += 2
        assert once.filter(self.record())
