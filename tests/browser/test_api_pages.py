"""The API's pages in a real browser under the site's Content-Security-Policy: the Swagger UI docs
(from the pinned sidecar package, nothing from another host) and making, using and revoking a
token on Settings."""

from urllib.parse import urlparse

import pytest

from contacts.models import Tag

from ..factories import ContactFactory, UserFactory
from .test_followups_in_place import log_in


def requests_elsewhere(page, live_server) -> list[str]:
    """Every request the page makes to a host other than the app's (collected from now on)."""
    own = urlparse(live_server.url).netloc
    elsewhere = []
    page.on("request", lambda request: urlparse(request.url).netloc not in (own, "") and elsewhere.append(request.url))
    return elsewhere


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_api_docs_render_from_the_apps_own_files_under_its_csp(page, live_server, screenshot_dir):
    elsewhere = requests_elsewhere(page, live_server)
    response = page.goto("/api/docs/")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.get_by_text("netcrm API").first.wait_for()
    page.get_by_text("Log an interaction").first.wait_for()  # the operations were read from /api/schema/
    page.get_by_text("/api/v1/due/").first.wait_for()
    page.screenshot(path=screenshot_dir / "api-docs-1280.png", full_page=True)
    assert elsewhere == []  # the fixture fails the test on any CSP violation or console error


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_try_it_out_in_the_docs_uses_the_browsers_session(page, live_server):
    user = UserFactory(username="networker")
    ContactFactory(owner=user, first_name="Ada", last_name="Lovelace")
    log_in(page, "networker")
    page.goto("/api/docs/")
    page.get_by_text("List contacts").first.click()
    operation = page.locator("#operations-contacts-contacts_list")
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    answer = operation.locator(".live-responses-table")
    answer.get_by_text("Lovelace").first.wait_for()
    assert "200" in answer.inner_text()
    # A write from the docs carries the session's CSRF token (drf-spectacular's script adds it).
    page.get_by_text("Add a tag").first.click()
    adding = page.locator("#operations-tags-tags_create")
    adding.get_by_role("button", name="Try it out").click()
    adding.get_by_role("button", name="Execute").click()
    adding.locator(".live-responses-table").get_by_text("contact_count").first.wait_for()
    assert "201" in adding.locator(".live-responses-table").inner_text()
    assert list(Tag.objects.filter(owner=user).values_list("name", flat=True)) == ["string"]  # the example body


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_make_a_token_on_settings_use_it_then_revoke_it(page, live_server, screenshot_dir):
    user = UserFactory(username="networker")
    ContactFactory(owner=user, first_name="Ada", last_name="Lovelace")
    log_in(page, "networker")
    page.goto("/settings/")
    page.get_by_label("Token name").fill("phone")
    page.get_by_label("Access").select_option(label="Read only")
    page.get_by_role("button", name="Create token").click()
    page.get_by_text("this is the only time it is shown").wait_for()
    raw_token = page.get_by_label("Token").input_value()
    assert raw_token.startswith("ncrm_")
    page.screenshot(path=screenshot_dir / "token-created-1280.png", full_page=True)

    program = page.context.request  # as a program would: the token, and none of the browser's cookies
    headers = {"Authorization": f"Bearer {raw_token}", "Cookie": ""}
    listed = program.get("/api/v1/contacts/", headers=headers)
    assert listed.status == 200 and listed.json()["results"][0]["last_name"] == "Lovelace"
    refused = program.post("/api/v1/contacts/", headers=headers, data={"first_name": "Grace"})
    assert refused.status == 403  # read only

    page.get_by_role("link", name="Back to Settings").click()
    row = page.locator("#api-tokens tr", has_text="phone")
    assert "Read only" in row.inner_text() and "never" not in row.inner_text()  # used just now
    assert raw_token not in page.content()
    page.on("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Revoke").click()
    page.get_by_text("Revoked the token “phone”").wait_for()
    assert program.get("/api/v1/contacts/", headers=headers).status == 401
