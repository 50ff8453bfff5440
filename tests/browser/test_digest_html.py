"""The digest's HTML part, opened in Chromium, shows the week's plan and working links."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from contacts.models import Classification
from followups.digest import jobs as digest_jobs
from tests.factories import ClassificationFactory, UserFactory
from tests.followup_factories import bulk_due_contacts
from tests.test_digest import MONDAY_9_UTC, make_user_with_due_contacts

from .test_followups_in_place import log_in


@pytest.mark.browser
@pytest.mark.django_db
def test_the_digest_html_shows_the_contacts_in_a_real_browser(browser, screenshot_dir):
    with time_machine.travel(MONDAY_9_UTC.replace(day=8), tick=False):
        make_user_with_due_contacts("ada", due=3)
    with time_machine.travel(MONDAY_9_UTC, tick=False):
        digest_jobs.claim_and_send_now()
    [message] = mail.outbox
    html = next(content for content, mimetype in message.alternatives if mimetype == "text/html")

    for width in (1280, 390):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.set_content(html)
        for name in ("Due0 ada", "Due1 ada", "Due2 ada"):
            assert page.get_by_role("link", name=name).is_visible()
        assert page.get_by_role("heading", name="Inner circle").is_visible()
        assert page.get_by_text("Talked about plan 1").is_visible()
        log_link = page.get_by_role("link", name="Log an interaction").first.get_attribute("href")
        assert log_link.startswith("http://localhost:8000/followups/contacts/")
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert overflow is False, f"the digest is wider than a {width}px screen"
        page.screenshot(path=screenshot_dir / f"digest-{width}.png", full_page=True)
        page.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_digest_preview_is_a_plan_for_a_big_network(page, screenshot_dir):
    """Settings → "Preview this week's digest": ten people by default, the rest counted with a link
    that opens the follow-ups page filtered by their classification."""
    user = UserFactory(username="busy")
    now = timezone.now()
    for order, (name, every) in enumerate([("Inner circle", 14), ("Clients", 30), ("Prospects", 60)]):
        classification = ClassificationFactory(owner=user, name=name, contact_every_days=every, display_order=order,
                                               message_guidance=f"Ask {name.lower()} about their quarter")  # fmt: skip
        moments = [now - datetime.timedelta(days=1 + index % 20, minutes=index) for index in range(40)]
        bulk_due_contacts(user, classification=classification, due_at=moments, first_name=name.split()[0],
                          summary="Coffee about the launch", next_step="Send the deck")  # fmt: skip
    log_in(page, "busy")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/digest/preview/")
        assert page.get_by_role("link", name="Log an interaction").count() == 10
        assert page.get_by_role("heading", name="Inner circle").is_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert overflow is False, f"the digest is wider than a {width}px screen"
        page.screenshot(path=screenshot_dir / f"digest-preview-{width}.png", full_page=True)
    more = page.get_by_role("link", name="40 Prospects are due")
    assert more.get_attribute("href").startswith("http://localhost:8000/followups/?classification=")
    page.goto(more.get_attribute("href").removeprefix("http://localhost:8000"))
    assert page.locator("#today-count").inner_text() == "40"  # due: within their maximum
    assert page.get_by_label("Classification").input_value() == str(Classification.objects.get(name="Prospects").pk)
