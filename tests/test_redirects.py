"""Every ``next`` the app follows stays on the site: Django's url_has_allowed_host_and_scheme,
which refuses what browsers read as another host (``/\\evil``, ``/<TAB>/evil``)."""

import pytest
from django.urls import reverse

from .factories import PASSWORD, UserFactory
from .followup_factories import CommitmentFactory, ReminderFactory

OFF_SITE = ["/\\evil.example", "/\t/evil.example", "//evil.example", "https://evil.example/", "\\\\evil.example"]
ON_SITE = "/contacts/?q=ada"


def location(response) -> str:
    assert response.status_code == 302, response.status_code
    return response["Location"]


def stays_here(target: str) -> bool:
    """A Location a browser follows to this site: a path that is not protocol-relative once
    browsers turn backslashes into slashes and drop tabs."""
    seen = target.replace("\\", "/").replace("\t", "").replace("%5C", "/").replace("%09", "")
    return seen.startswith("/") and not seen.startswith("//")


@pytest.mark.django_db
class TestFollowupActions:
    """The follow-up board's forms carry ``next`` (back to the page they were on)."""

    @pytest.fixture
    def actions(self, owner, contact):
        def reminder():
            return ReminderFactory(contact=contact)

        def promise():
            return CommitmentFactory(contact=contact)

        return {
            "snooze": lambda: (reverse("followups:snooze", args=[reminder().pk]), {"days": "7"}),
            "dismiss": lambda: (reverse("followups:dismiss", args=[reminder().pk]), {}),
            "keep": lambda: (reverse("followups:keep_commitment", args=[promise().pk]), {}),
            "drop": lambda: (reverse("followups:drop_commitment", args=[promise().pk]), {}),
            "log": lambda: (
                reverse("followups:log_interaction", args=[contact.pk]),
                {"occurred_at": "2026-06-01T10:00", "kind": "call", "summary": "Called"},
            ),
        }

    @pytest.mark.parametrize("action", ["snooze", "dismiss", "keep", "drop", "log"])
    @pytest.mark.parametrize("target", OFF_SITE)
    def test_an_off_site_next_goes_to_the_board_instead(self, owner_client, actions, action, target):
        url, data = actions[action]()
        assert location(owner_client.post(url, {**data, "next": target})) == reverse("followups:board")

    @pytest.mark.parametrize("action", ["snooze", "dismiss", "keep", "drop", "log"])
    def test_a_next_on_the_site_is_followed(self, owner_client, actions, action):
        url, data = actions[action]()
        assert location(owner_client.post(url, {**data, "next": ON_SITE})) == ON_SITE

    @pytest.mark.parametrize("target", OFF_SITE)
    def test_the_log_form_does_not_carry_an_off_site_next(self, owner_client, contact, target):
        page = owner_client.get(reverse("followups:log_interaction", args=[contact.pk]), {"next": target})
        assert 'name="next"' not in page.content.decode() or 'name="next" value=""' in page.content.decode()
        assert "evil.example" not in page.content.decode()


@pytest.mark.django_db
class TestLogin:
    @pytest.mark.parametrize("target", OFF_SITE)
    def test_logging_in_refuses_an_off_site_next(self, client, target):
        UserFactory(username="ada")
        response = client.post(reverse("login"), {"username": "ada", "password": PASSWORD, "next": target})
        assert location(response) == reverse("home")

    def test_logging_in_follows_a_next_on_the_site(self, client):
        UserFactory(username="ada")
        response = client.post(reverse("login"), {"username": "ada", "password": PASSWORD, "next": ON_SITE})
        assert location(response) == ON_SITE

    @pytest.mark.parametrize("target", OFF_SITE)
    def test_the_login_page_does_not_carry_an_off_site_next(self, client, target):
        assert "evil.example" not in client.get(reverse("login"), {"next": target}).content.decode()

    @pytest.mark.parametrize("target", OFF_SITE)
    def test_the_lockout_page_does_not_carry_an_off_site_next(self, client, target):
        for n in range(5):
            response = client.post(reverse("login"), {"username": "ada", "password": f"x{n}", "next": target})
        assert response.status_code == 429 and "evil.example" not in response.content.decode()

    @pytest.mark.parametrize("target", OFF_SITE)
    def test_logging_out_refuses_an_off_site_next(self, owner_client, target):
        response = owner_client.post(reverse("logout"), {"next": target})
        assert stays_here(location(response))

    @pytest.mark.parametrize("target", OFF_SITE)
    def test_the_admin_login_refuses_an_off_site_next(self, client, target):
        admin = UserFactory(username="root", is_staff=True, is_superuser=True)
        response = client.post(
            reverse("admin:login"), {"username": admin.username, "password": PASSWORD, "next": target}
        )
        assert stays_here(location(response))
