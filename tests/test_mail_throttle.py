"""Password-reset mail is limited per address and hour, and per client, counted in the real
Redis (django-ratelimit); the answers stay the same for registered and unknown addresses, and a
cache outage neither fails the page nor stops the mail."""

import datetime
import logging

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from .factories import UserFactory

RESET = reverse("password_reset")
DONE = reverse("password_reset_done")


@pytest.fixture(autouse=True)
def frozen_clock():
    """The limits count per hour: a frozen clock keeps every request of a test in one hour."""
    with time_machine.travel(datetime.datetime(2026, 6, 15, 9, 0, tzinfo=datetime.UTC), tick=False) as clock:
        yield clock


def ask(client, address, *, client_address="203.0.113.7"):
    return client.post(RESET, {"email": address}, REMOTE_ADDR=client_address)


@pytest.mark.django_db
class TestResetLimits:
    def test_three_mails_an_hour_per_address_then_the_same_answer_and_no_mail(
        self, client, redis_cache, caplog, frozen_clock
    ):
        UserFactory(username="ada", email="ada@example.com")
        answers = [ask(client, "ada@example.com") for _ in range(3)]
        with caplog.at_level(logging.INFO, logger="netcrm.accounts"):
            answers.append(ask(client, "ADA@example.com"))
        assert [a["Location"] for a in answers] == [DONE] * 4
        assert len(mail.outbox) == 3
        assert "Not mailing a password reset to ADA@example.com: hourly limit reached" in caplog.text
        frozen_clock.shift(datetime.timedelta(hours=1, minutes=1))
        ask(client, "ada@example.com")
        assert len(mail.outbox) == 4
        assert redis_cache.keys("*")

    def test_an_unknown_address_gets_the_same_answers(self, client, redis_cache):
        UserFactory(username="ada", email="ada@example.com")
        registered = [ask(client, "ada@example.com") for _ in range(4)]
        unknown = [ask(client, "nobody@example.com") for _ in range(4)]
        assert [(a.status_code, a["Location"]) for a in registered] == [(a.status_code, a["Location"]) for a in unknown]
        assert all(message.to == ["ada@example.com"] for message in mail.outbox)

    def test_one_client_asking_for_many_addresses_is_stopped_with_a_message(self, client, redis_cache):
        for n in range(20):
            assert ask(client, f"someone{n}@example.com")["Location"] == DONE
        refused = ask(client, "one-more@example.com")
        assert refused.status_code == 200
        assert "Too many requests from your network this hour" in refused.content.decode()
        assert ask(client, "one-more@example.com", client_address="198.51.100.20")["Location"] == DONE

    def test_with_the_cache_down_resets_still_work(self, client, cache_down):
        UserFactory(username="ada", email="ada@example.com")
        for _ in range(4):
            assert ask(client, "ada@example.com")["Location"] == DONE
        assert len(mail.outbox) == 4  # not limited while the counts cannot be kept (fails open)


@pytest.mark.django_db
def test_sign_ups_from_one_client_are_limited_too(client, redis_cache):
    form = {"password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9"}
    for n in range(20):
        client.logout()
        client.post(reverse("signup"), {"username": f"u{n}", "email": f"u{n}@example.com", **form})
    client.logout()
    refused = client.post(reverse("signup"), {"username": "u21", "email": "u21@example.com", **form})
    assert "Too many requests from your network this hour" in refused.content.decode()
