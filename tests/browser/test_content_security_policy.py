"""Under the app's Content-Security-Policy the main pages, the in-place htmx actions and the admin
work with no violation (the page fixture fails a test on any violation or console error)."""

import pytest
from playwright.sync_api import expect

from contacts.models import Contact

from ..factories import UserFactory
from .test_accessibility import build_network
from .test_followups_in_place import log_in


def assert_strict_policy(response) -> None:
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "style-src 'self'" in policy, f"{response.url}: {policy!r}"
    assert "unsafe" not in policy, f"{response.url}: {policy!r}"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_main_pages_load_everything_they_need_under_the_policy(page, browser_problems):
    user = UserFactory(username="networker")
    objects = build_network(user)
    log_in(page, "networker")
    urls = [
        "/",
        "/contacts/",
        objects["contact"].get_absolute_url(),
        "/contacts/new/",
        "/contacts/classifications/",
        "/followups/",
        "/week/",
        "/plan/",
        "/plan/edit/",
        "/plan/venues/",
        objects["venue"].get_absolute_url(),
        "/plan/events/",
        f"/plan/events/{objects['event'].pk}/",
        "/plan/ledger/",
        "/settings/",
        "/import/",
        "/export/",
    ]
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, f"{url} answered {response.status}"
        assert_strict_policy(response)
        # Its own stylesheets applied (a refused one would leave Bootstrap's navbar unstyled).
        assert page.locator("nav.navbar").evaluate("nav => getComputedStyle(nav).display") == "flex", url
    assert page.evaluate("typeof htmx") == "object"  # htmx ran, and injected no <style> of its own
    assert page.locator("head style").count() == 0
    # The digest preview is an email: styled inline, which this page alone allows, and no script.
    response = page.goto("/digest/preview/")
    assert "style-src 'unsafe-inline'" in response.headers["content-security-policy"]
    assert "script-src 'none'" in response.headers["content-security-policy"]
    assert not browser_problems.unexpected()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_behaviours_that_were_inline_handlers_still_work(page):
    user = UserFactory(username="networker")
    build_network(user)
    log_in(page, "networker")
    page.goto("/settings/")
    feed_url = page.locator("#calendar-feed-url")
    feed_url.focus()
    assert page.evaluate("() => window.getSelection().toString() || document.activeElement.selectionEnd") not in ("", 0)
    old_url = feed_url.input_value()

    page.once("dialog", lambda dialog: dialog.dismiss())  # "Make a new URL?" -> Cancel keeps the URL
    page.get_by_role("button", name="Regenerate URL").click()
    assert page.locator("#calendar-feed-url").input_value() == old_url
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Regenerate URL").click()
    page.get_by_text("the old one no longer works").wait_for()
    assert page.locator("#calendar-feed-url").input_value() != old_url

    page.goto("/plan/")
    page.evaluate("window.print = () => { window.printed = true }")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.printed") is True


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_in_place_log_form_with_an_error_shows_the_error_in_place(page, browser_problems):
    browser_problems.expect("the server responded with a status of 422")  # the form's answer, by design
    user = UserFactory(username="networker")
    build_network(user)
    log_in(page, "networker")
    page.goto("/followups/")
    page.evaluate("window.notReloaded = true")
    row_id = (
        page.locator("[id^=reminder-]").filter(has=page.get_by_role("link", name="Done…")).first.get_attribute("id")
    )
    row = page.locator(f"#{row_id}")
    row.get_by_role("link", name="Done…").click()
    row.get_by_label("Summary").wait_for()
    row.get_by_role("button", name="Log interaction").click()  # no summary
    expect(row.locator(".invalid-feedback").first).to_be_visible()
    assert page.evaluate("window.notReloaded") is True


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_admin_works_under_the_policy(page, browser_problems):
    admin = UserFactory(username="boss", is_staff=True, is_superuser=True)
    build_network(admin)
    contact = Contact.objects.filter(owner=admin).first()
    log_in(page, "boss")
    for url in [
        "/admin/",
        "/admin/contacts/contact/",
        f"/admin/contacts/contact/{contact.pk}/change/",
        "/admin/contacts/contact/add/",
        "/admin/contacts/tag/",
        "/admin/contacts/interaction/",
        "/admin/strategy/event/",
        "/admin/contacts/contact/import/",
        "/admin/contacts/contact/export/",
    ]:
        response = page.goto(url)
        assert response.status == 200, f"{url} answered {response.status}"
        assert "script-src 'self'" in response.headers.get("content-security-policy", ""), url
    # The admin's own scripts run: the export page's "select all" toggles every field.
    page.locator("input.select-toggle").uncheck()  # its onchange attribute, allowed by its hash
    assert page.locator(".selectable-field-export-row input[type=checkbox]:checked").count() == 0
    page.goto("/admin/contacts/contact/")
    page.locator("#action-toggle").check()  # actions.js selects every row
    assert page.locator("input.action-select:checked").count() == Contact.objects.filter(owner=admin).count()
    assert not browser_problems.unexpected()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_violation_is_caught_and_fails_the_test(page, browser_problems):
    """The watch the other browser tests rely on: an inline script and style are refused and reported."""
    UserFactory(username="networker")
    log_in(page, "networker")
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.inlineRan = true";
        document.body.append(script);
        document.body.insertAdjacentHTML("beforeend", '<p style="color: red">styled</p>');
    }""")  # fmt: skip
    page.wait_for_timeout(200)
    assert page.evaluate("window.inlineRan") is None
    refused = [problem for problem in browser_problems if "CSP violation" in problem]
    assert any("script-src" in problem for problem in refused), browser_problems
    assert any("style-src" in problem for problem in refused), browser_problems
    # Provoked on purpose: the fixture's final check ignores our report and Chromium's own line.
    browser_problems.expect("CSP violation")
    browser_problems.expect("violates the following Content Security Policy directive")
