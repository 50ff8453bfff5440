"""Personal access tokens: made and revoked on Settings, shown once, stored as a digest, with a
name, a scope and the moment last used; sent as ``Authorization: Bearer …``. The browser keeps
its session, with CSRF; each token has its own request allowance."""

import datetime
import hashlib

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from api.tokens import MAX_TOKENS_PER_USER, create_token

from .api_helpers import token_client
from .factories import PASSWORD, ContactFactory

SETTINGS = reverse("followups:preferences")
CREATE = reverse("api_tokens:create")
CONTACTS = reverse("api:contact-list")


@pytest.mark.django_db
class TestOnSettings:
    def test_a_new_token_is_shown_once_and_only_its_digest_is_kept(self, owner_client, owner):
        page = owner_client.post(CREATE, {"name": "phone", "scope": "write"})
        assert page.status_code == 200 and "no-store" in page["Cache-Control"]
        token = ApiToken.objects.get(owner=owner)
        raw_token = page.context["raw_token"]
        assert raw_token.startswith("ncrm_") and f'value="{raw_token}"' in page.content.decode()
        assert "only time it is shown" in page.content.decode()
        assert token.key_digest == hashlib.sha256(raw_token.encode()).hexdigest()
        assert raw_token not in str(ApiToken.objects.filter(pk=token.pk).values().get())
        settings_page = owner_client.get(SETTINGS).content.decode()
        assert raw_token not in settings_page
        assert "phone" in settings_page and token.key_prefix in settings_page and "Read and write" in settings_page
        assert "never" in settings_page  # not used yet

    def test_settings_shows_when_a_token_was_last_used(self, owner_client, owner):
        api = token_client(owner, name="zapier")
        with time_machine.travel(datetime.datetime(2026, 12, 1, 9, 30, tzinfo=datetime.UTC)):
            assert api.get(CONTACTS).status_code == 200
        api.token.refresh_from_db()
        assert api.token.last_used_at == datetime.datetime(2026, 12, 1, 9, 30, tzinfo=datetime.UTC)
        assert "1 Dec 2026, 09:30" in owner_client.get(SETTINGS).content.decode()

    def test_a_token_needs_a_name(self, owner_client, owner):
        response = owner_client.post(CREATE, {"name": "", "scope": "read"}, follow=True)
        assert "Token name: This field is required." in response.content.decode()
        assert not ApiToken.objects.exists()

    def test_an_unknown_scope_is_refused_naming_the_field(self, owner_client, owner):
        response = owner_client.post(CREATE, {"name": "x", "scope": "admin"}, follow=True)
        assert "Access: Select a valid choice." in response.content.decode()
        assert not ApiToken.objects.exists()

    def test_an_account_has_at_most_25_tokens(self, owner_client, owner):
        for number in range(MAX_TOKENS_PER_USER):
            create_token(owner=owner, name=f"t{number}", scope="read")
        assert "revoke one to make another" in owner_client.get(SETTINGS).content.decode()
        response = owner_client.post(CREATE, {"name": "one more", "scope": "read"}, follow=True)
        assert "the most one account may have" in response.content.decode()
        assert ApiToken.objects.count() == MAX_TOKENS_PER_USER

    def test_a_revoked_token_is_refused_at_once(self, owner_client, owner):
        api = token_client(owner)
        assert api.get(CONTACTS).status_code == 200
        response = owner_client.post(reverse("api_tokens:revoke", args=[api.token.pk]), follow=True)
        assert "Revoked the token “script”" in response.content.decode()
        refused = api.get(CONTACTS)
        assert refused.status_code == 401
        assert refused.json() == {"detail": "Unknown or revoked token; create one on Settings."}

    def test_a_stranger_cannot_revoke_someone_elses_token(self, stranger_client, owner):
        token, _ = create_token(owner=owner, name="mine", scope="read")
        assert stranger_client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 404
        assert ApiToken.objects.filter(pk=token.pk).exists()


@pytest.mark.django_db
class TestBearerTokens:
    def test_a_token_acts_as_its_owner_only(self, owner, stranger):
        ContactFactory(owner=owner, first_name="Ada")
        ContactFactory(owner=stranger, first_name="Mallory")
        names = [row["first_name"] for row in token_client(owner).get(CONTACTS).json()["results"]]
        assert names == ["Ada"]

    def test_without_credentials_the_api_answers_401_with_a_bearer_challenge(self, db):
        response = APIClient().get(CONTACTS)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'
        assert response.json() == {"detail": "Authentication credentials were not provided."}

    @pytest.mark.parametrize(
        "header",
        ["Bearer", "Bearer a b", "Bearer ncrm_not-a-real-token", "Bearer something-else", "Bearer \xe9t\xe9"],
        ids=["no token", "two words", "unknown token", "not ours", "not ascii"],
    )
    def test_a_malformed_or_unknown_token_is_a_401_in_json(self, owner, header):
        response = APIClient().get(CONTACTS, HTTP_AUTHORIZATION=header)
        assert response.status_code == 401
        assert response["Content-Type"] == "application/json"
        assert "detail" in response.json()

    def test_a_read_only_token_reads_but_cannot_write(self, owner, contact):
        api = token_client(owner, scope="read")
        assert api.get(reverse("api:contact-detail", args=[contact.pk])).status_code == 200
        refused = api.patch(reverse("api:contact-detail", args=[contact.pk]), {"company": "Hijacked"})
        assert refused.status_code == 403
        assert "read only" in refused.json()["detail"]
        contact.refresh_from_db()
        assert contact.company != "Hijacked"

    def test_an_inactive_users_token_is_refused(self, owner):
        api = token_client(owner)
        owner.is_active = False
        owner.save()
        assert api.get(CONTACTS).status_code == 401

    def test_token_requests_need_no_csrf_token(self, owner):
        api = token_client(owner)
        api.handler.enforce_csrf_checks = True
        created = api.post(CONTACTS, {"first_name": "Grace"})
        assert created.status_code == 201, created.json()

    def test_a_locked_out_login_does_not_lock_out_the_users_tokens(self, owner):
        api = token_client(owner)
        browser = Client()
        for number in range(5):
            browser.post(reverse("login"), {"username": "owner", "password": f"guess-{number}"})
        assert browser.post(reverse("login"), {"username": "owner", "password": PASSWORD}).status_code == 429
        assert api.get(CONTACTS).status_code == 200

    def test_last_used_is_written_at_most_once_a_minute(self, owner):
        api = token_client(owner)
        start = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
        with time_machine.travel(start, tick=False):
            api.get(CONTACTS)
        with time_machine.travel(start + datetime.timedelta(seconds=50), tick=False):
            api.get(CONTACTS)
        api.token.refresh_from_db()
        assert api.token.last_used_at == start
        with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
            api.get(CONTACTS)
        api.token.refresh_from_db()
        assert api.token.last_used_at == start + datetime.timedelta(seconds=61)


@pytest.mark.django_db
class TestTheBrowsersSession:
    def test_a_session_reads_the_api(self, owner_client, contact):
        assert owner_client.get(CONTACTS).json()["count"] == 1

    def test_a_session_write_without_the_csrf_token_is_refused(self, owner):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(owner)
        response = browser.post(CONTACTS, {"first_name": "Grace"}, content_type="application/json")
        assert response.status_code == 403
        assert "CSRF" in response.json()["detail"]
        assert not owner.contacts.exists()

    def test_a_session_write_with_the_csrf_token_is_accepted(self, owner):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(owner)
        browser.get(SETTINGS)  # sets the csrftoken cookie, as any page does
        csrf = browser.cookies["csrftoken"].value
        response = browser.post(
            CONTACTS, {"first_name": "Grace"}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
        )
        assert response.status_code == 201
        assert owner.contacts.get().first_name == "Grace"


@pytest.mark.django_db
class TestThrottling:
    @pytest.fixture
    def three_a_minute(self, settings):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "token": "3/min"},
        }

    def test_each_token_has_its_own_allowance(self, owner, three_a_minute):
        first, second = token_client(owner, name="first"), token_client(owner, name="second")
        assert [first.get(CONTACTS).status_code for _ in range(3)] == [200, 200, 200]
        throttled = first.get(CONTACTS)
        assert throttled.status_code == 429
        assert int(throttled["Retry-After"]) > 0 and "throttled" in throttled.json()["detail"]
        assert second.get(CONTACTS).status_code == 200  # another token of the same user is not slowed

    def test_the_allowance_comes_back_after_a_minute(self, owner, three_a_minute):
        api = token_client(owner)
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            assert [api.get(CONTACTS).status_code for _ in range(4)] == [200, 200, 200, 429]
        with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
            assert api.get(CONTACTS).status_code == 200

    def test_anonymous_clients_are_counted_by_their_address_whatever_they_claim(self, settings, db):
        rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**rates, "anon": "2/min"}}
        docs = reverse("api:docs")
        claims = ["198.51.100.1", "198.51.100.2", "198.51.100.3"]
        statuses = [APIClient().get(docs, HTTP_X_FORWARDED_FOR=claim).status_code for claim in claims]
        assert statuses == [200, 200, 429]
        assert APIClient().get(docs, REMOTE_ADDR="203.0.113.9").status_code == 200  # another address

    def test_with_the_cache_down_nothing_is_limited(self, owner, three_a_minute, cache_down):
        api = token_client(owner)
        assert {api.get(CONTACTS).status_code for _ in range(5)} == {200}

    def test_on_the_real_redis_the_allowance_is_counted_too(self, owner, three_a_minute, redis_cache):
        api = token_client(owner)
        assert [api.get(CONTACTS).status_code for _ in range(4)] == [200, 200, 200, 429]
