"""The digest's HTML part, opened in Chromium, shows the week's contacts and working links."""

import pytest
import time_machine
from django.core import mail

from followups import digests
from tests.test_digest import MONDAY_9_UTC, make_user_with_due_contacts


@pytest.mark.browser
@pytest.mark.django_db
def test_the_digest_html_shows_the_contacts_in_a_real_browser(browser, screenshot_dir):
    with time_machine.travel(MONDAY_9_UTC.replace(day=8), tick=False):
        make_user_with_due_contacts("ada", due=3)
    with time_machine.travel(MONDAY_9_UTC, tick=False):
        digests.claim_and_send_now()
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
