"""Guessing passwords: 5 failed logins for one username from one address lock that pair out for
15 minutes (django-axes, attempts kept in the database), with a clear page and a log line."""

import datetime
import logging

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse

from .factories import PASSWORD, UserFactory

LOGIN = reverse("login")
ATTACKER, ELSEWHERE = "203.0.113.7", "198.51.100.20"


def log_in(client, username, password, *, address=ATTACKER):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail_five_times(client, username="ada", address=ATTACKER):
    return [log_in(client, username, f"guess-{n}", address=address) for n in range(5)]


@pytest.fixture
def ada(db):
    return UserFactory(username="ada")


@pytest.mark.django_db
class TestLockout:
    def test_four_failures_still_let_the_right_password_in(self, client, ada):
        for n in range(4):
            assert log_in(client, "ada", f"guess-{n}").status_code == 200
        assert log_in(client, "ada", PASSWORD)["Location"] == reverse("home")
        assert not AccessAttempt.objects.exists()  # a success clears the count

    def test_the_fifth_failure_locks_with_a_clear_page_and_a_log_line(self, client, ada, caplog):
        with caplog.at_level(logging.WARNING, logger="netcrm.accounts"):
            *_, fifth = fail_five_times(client)
        assert fifth.status_code == 429
        page = fifth.content.decode()
        assert "Logging in as “ada” is locked" in page and "Try again in 15 minutes" in page
        assert 'name="username"' in page  # the form is still there (for another account)
        assert "Login locked for username 'ada' from 203.0.113.7" in caplog.text
        assert AccessAttempt.objects.get(username="ada", ip_address=ATTACKER).failures_since_start == 5

    def test_while_locked_even_the_right_password_is_refused(self, client, ada):
        fail_five_times(client)
        response = log_in(client, "ada", PASSWORD)
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session

    def test_the_lock_is_for_that_username_from_that_address_only(self, client, ada):
        UserFactory(username="grace")
        fail_five_times(client)
        assert log_in(client, "ada", PASSWORD, address=ELSEWHERE)["Location"] == reverse("home")
        client.logout()
        assert log_in(client, "grace", PASSWORD)["Location"] == reverse("home")

    def test_after_15_minutes_the_right_password_works_again(self, client, ada):
        with time_machine.travel(datetime.datetime(2026, 6, 15, 9, 0, tzinfo=datetime.UTC), tick=False) as clock:
            fail_five_times(client)
            clock.shift(datetime.timedelta(minutes=14))
            assert log_in(client, "ada", PASSWORD).status_code == 429
            clock.shift(datetime.timedelta(minutes=1, seconds=1))
            assert log_in(client, "ada", PASSWORD)["Location"] == reverse("home")

    def test_locking_works_with_the_cache_down_and_locks_nobody_else(self, client, ada, cache_down):
        UserFactory(username="grace")
        *_, fifth = fail_five_times(client)
        assert fifth.status_code == 429
        assert log_in(client, "grace", PASSWORD)["Location"] == reverse("home")

    def test_an_unknown_username_is_counted_the_same(self, client):
        *_, fifth = fail_five_times(client, username="nobody")
        assert fifth.status_code == 429 and "Logging in as “nobody” is locked" in fifth.content.decode()

    def test_the_admin_login_is_throttled_too(self, client, ada):
        for n in range(5):
            response = client.post(
                reverse("admin:login"), {"username": "ada", "password": f"guess-{n}"}, REMOTE_ADDR=ATTACKER
            )
        assert response.status_code == 429
