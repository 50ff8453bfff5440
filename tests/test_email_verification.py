"""A new account's address, and a new address, are verified by a signed link before any digest
or password reset goes there; signing up says nothing about who is registered."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts import services
from accounts.models import EmailVerification
from accounts.selectors import is_verified
from followups.digest import jobs as digest_jobs
from followups.models import DigestLog
from followups.sweep import run_sweep

from .factories import PASSWORD, UserFactory
from .test_digest import MONDAY_9_UTC, make_user_with_due_contacts, travel

SIGNUP = {"password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9"}
LINK = re.compile(r"http://localhost:8000(/accounts/email/verify/[^/\s]+/)")


def sign_up(client, username, address):
    return client.post(reverse("signup"), {"username": username, "email": address, **SIGNUP})


def link_in(message) -> str:
    return LINK.search(message.body).group(1)


def follow(client, link):
    """Open the link (a page with a button) and press the button."""
    page = client.get(link)
    assert page.status_code == 200 and "Verify" in page.content.decode()
    return client.post(link)


@pytest.mark.django_db
class TestSigningUp:
    def test_the_address_waits_for_its_link_and_settings_asks_to_verify_it(self, client):
        response = sign_up(client, "maria", "maria@example.com")
        assert response.status_code == 302
        maria = User.objects.get(username="maria")
        assert maria.email == "" and not is_verified(maria)
        assert EmailVerification.objects.get(user=maria).pending_email == "maria@example.com"
        [message] = mail.outbox
        assert message.to == ["maria@example.com"] and message.subject == "Verify your email address for netcrm"
        settings_page = client.get(reverse("followups:preferences")).content.decode()
        assert "Verify your address" in settings_page and "maria@example.com" in settings_page
        assert "Resend the link" in settings_page

    def test_following_the_link_verifies_the_address(self, client):
        sign_up(client, "maria", "maria@example.com")
        response = follow(client, link_in(mail.outbox[0]))
        assert response.status_code == 200 and "is verified" in response.content.decode()
        maria = User.objects.get(username="maria")
        assert maria.email == "maria@example.com" and is_verified(maria)
        settings_page = client.get(reverse("followups:preferences")).content.decode()
        assert "Verify your address" not in settings_page and "verified" in settings_page

    def test_the_link_works_without_being_logged_in(self, client):
        sign_up(client, "maria", "maria@example.com")
        client.logout()
        follow(client, link_in(mail.outbox[0]))
        assert is_verified(User.objects.get(username="maria"))

    def test_signing_up_answers_the_same_whether_or_not_the_address_is_registered(self, client):
        UserFactory(username="owner-of-it", email="taken@example.com")
        answers = []
        for username, address in (("fresh", "fresh@example.com"), ("squatter", "TAKEN@example.com")):
            client.logout()
            response = sign_up(client, username, address)
            home = client.get(response["Location"]).content.decode()
            settings_page = client.get(reverse("followups:preferences")).content.decode()
            pages = _normalised(home, address), _normalised(settings_page, address)
            answers.append((response.status_code, response["Location"], *pages))
        assert answers[0] == answers[1]
        # both accounts exist, neither has the address yet; the owner of the taken one got a note, no link
        assert User.objects.get(username="squatter").email == ""
        note = next(m for m in mail.outbox if m.to == ["TAKEN@example.com"])
        assert "already belongs to your account" in note.body and not LINK.search(note.body)
        assert User.objects.get(username="owner-of-it").email == "taken@example.com"

    def test_the_first_to_follow_a_link_gets_the_address(self, client):
        sign_up(client, "first", "shared@example.com")
        client.logout()
        sign_up(client, "second", "shared@example.com")
        first_link, second_link = (link_in(m) for m in mail.outbox)
        client.logout()
        follow(client, second_link)
        assert client.post(first_link).status_code == 409
        assert list(User.objects.filter(email__iexact="shared@example.com").values_list("username", flat=True)) == [
            "second"
        ]

    def test_an_expired_or_forged_link_is_refused(self, client):
        sign_up(client, "maria", "maria@example.com")
        link = link_in(mail.outbox[0])
        with time_machine.travel(datetime.timedelta(days=4)):
            expired = client.post(link)
        assert expired.status_code == 400 and "expired" in expired.content.decode()
        forged = client.post(link.replace("/verify/", "/verify/x"))
        assert forged.status_code == 400 and "not valid" in forged.content.decode()
        assert not is_verified(User.objects.get(username="maria"))


def _normalised(html: str, address: str) -> str:
    """A page with the visitor's own address, username and tokens taken out."""
    html = re.sub(r'value="[A-Za-z0-9]{64}"', "", html)  # CSRF tokens
    html = re.sub(r'"X-CSRFToken": "[A-Za-z0-9]+"', "", html)
    for word in (address, address.lower(), "fresh", "squatter"):
        html = html.replace(word, "…")
    return html


@pytest.mark.django_db
class TestChangingTheAddress:
    def test_the_old_address_stays_until_the_new_one_is_verified(self, client):
        user = UserFactory(username="ada", email="ada@old.example")
        client.force_login(user)
        response = client.post(reverse("change_email"), {"email": "ada@new.example", "password": PASSWORD}, follow=True)
        assert "We sent a link to ada@new.example" in response.content.decode()
        user.refresh_from_db()
        assert user.email == "ada@old.example" and is_verified(user)  # digests keep going to the old one
        [message] = mail.outbox
        assert message.to == ["ada@new.example"]
        follow(client, link_in(message))
        user.refresh_from_db()
        assert user.email == "ada@new.example" and is_verified(user)

    def test_the_password_is_needed(self, client):
        user = UserFactory(username="ada", email="ada@old.example")
        client.force_login(user)
        response = client.post(reverse("change_email"), {"email": "evil@example.com", "password": "wrong"}, follow=True)
        assert "That is not your password" in response.content.decode()
        assert mail.outbox == [] and EmailVerification.objects.get(user=user).pending_email == ""

    def test_an_address_set_another_way_counts_as_unverified_until_verified(self, client):
        user = UserFactory(username="ada", email="ada@old.example")
        User.objects.filter(pk=user.pk).update(email="ada@typed-by-admin.example")
        user.refresh_from_db()
        assert not is_verified(user)
        client.force_login(user)
        client.post(reverse("resend_verification"))
        assert mail.outbox[0].to == ["ada@typed-by-admin.example"]
        follow(client, link_in(mail.outbox[0]))
        assert is_verified(User.objects.get(pk=user.pk))


@pytest.mark.django_db
def test_resending_the_link_is_limited_per_address_and_hour(client, redis_cache):
    with travel(MONDAY_9_UTC) as clock:  # one hour of the limit's, whatever the test's speed
        sign_up(client, "maria", "maria@example.com")  # the first mail of three this hour
        for _ in range(2):
            assert "We sent a link" in client.post(reverse("resend_verification"), follow=True).content.decode()
        refused = client.post(reverse("resend_verification"), follow=True).content.decode()
        assert "We sent several links to maria@example.com this hour" in refused
        assert len(mail.outbox) == 3
        clock.shift(datetime.timedelta(hours=1, minutes=1))
        client.post(reverse("resend_verification"))
    assert len(mail.outbox) == 4
    assert redis_cache.keys("*")  # counted in Redis


@pytest.mark.django_db
class TestDigestsGoToVerifiedAddressesOnly:
    def test_an_unverified_address_gets_no_digest_and_the_week_says_why(self):
        with travel(MONDAY_9_UTC - datetime.timedelta(days=7)):
            verified = make_user_with_due_contacts("verified")
            unverified = make_user_with_due_contacts("unverified")
            EmailVerification.objects.filter(user=unverified).update(verified_email="")
        with travel(MONDAY_9_UTC):
            run_sweep()
            digest_jobs.claim_and_send_now()
        assert [m.to for m in mail.outbox] == [[verified.email]]
        skipped = DigestLog.objects.get(owner=unverified)
        assert (skipped.state, skipped.error) == ("skipped", "address not verified")

    def test_an_address_changed_after_the_claim_is_checked_again_at_send_time(self):
        with travel(MONDAY_9_UTC - datetime.timedelta(days=7)):
            user = make_user_with_due_contacts("ada")
        with travel(MONDAY_9_UTC):
            run_sweep()
            [claim] = digest_jobs.claim_and_queue()
            User.objects.filter(pk=user.pk).update(email="someone-else@example.com")
            assert digest_jobs.send_now(claim.log_id) == "skipped"
        assert mail.outbox == []
        assert DigestLog.objects.get(owner=user).error == "address not verified"

    def test_the_settings_history_shows_the_reason(self, client):
        with travel(MONDAY_9_UTC - datetime.timedelta(days=7)):
            user = make_user_with_due_contacts("ada")
            EmailVerification.objects.filter(user=user).update(verified_email="")
        with travel(MONDAY_9_UTC):
            run_sweep()
            digest_jobs.claim_and_send_now()
            client.force_login(user)
            page = client.get(reverse("followups:preferences")).content.decode()
        assert "Address not verified." in page and "Verify your address" in page


@pytest.mark.django_db
class TestOneAccountPerAddress:
    def test_the_database_refuses_a_second_account_with_the_same_address_in_any_case(self):
        UserFactory(username="ada", email="Ada@Example.com")
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create(username="ada2", email="ada@example.COM")

    def test_accounts_without_an_address_are_not_duplicates(self):
        User.objects.create(username="a", email="")
        User.objects.create(username="b", email="")
        assert User.objects.filter(email="").count() == 2

    def test_the_admin_says_so_instead_of_failing(self, client):
        admin = User.objects.create_superuser("root", "root@example.com", "root-pass-phrase-1")
        other = UserFactory(username="ada", email="ada@example.com")
        client.force_login(admin)
        url = reverse("admin:auth_user_change", args=[other.pk])
        form = {"username": "ada", "email": "ROOT@example.com", "date_joined_0": "2026-01-01", "date_joined_1": "10:00"}
        response = client.post(url, form)
        assert response.status_code == 200 and "Another account uses this address" in response.content.decode()
        assert User.objects.get(pk=other.pk).email == "ada@example.com"


@pytest.mark.django_db
def test_the_migration_settles_duplicate_addresses_and_keeps_existing_ones_verified():
    """The data migration (0002) on rows as they were before: verified, and duplicates settled."""
    import importlib

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("accounts.migrations.0002_existing_addresses_verified")
    index = importlib.import_module("accounts.migrations.0003_user_email_unique_in_any_case")
    with connection.schema_editor() as editor:  # rolled back with the test's transaction
        index.remove_index(apps, editor)
    recent = User.objects.create(username="recent", email="Same@example.com", last_login=MONDAY_9_UTC)
    stale = User.objects.create(username="stale", email="same@example.com")
    alone = User.objects.create(username="alone", email="alone@example.com")
    migration.mark_existing_addresses_verified(apps, None)
    with connection.schema_editor() as editor:
        index.add_index(apps, editor)
    assert is_verified(User.objects.get(pk=recent.pk)) and is_verified(User.objects.get(pk=alone.pk))
    stale.refresh_from_db()
    assert stale.email == "" and EmailVerification.objects.get(user=stale).pending_email == "same@example.com"
    assert services.verify_address(user_id=stale.pk, address="same@example.com") == services.Outcome.TAKEN
