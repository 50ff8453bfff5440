"""The demo account the run command seeds, page by page in a real browser: every page answers,
axe finds no serious or critical violation on the filled pages, and a screenshot of each is kept
(test-results/) for a person to look at."""

import pytest

from contacts.models import Contact
from followups.demo import seed_demo
from strategy.models import Event, Venue

from .test_accessibility import check_pages, load_axe

PASSWORD = "demo-network-2026"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_demo_pages_are_filled_and_accessible(page, screenshot_dir):
    load_axe(page)
    user = seed_demo(username="demo", password=PASSWORD)
    introducer = Contact.objects.filter(owner=user, introduced_contacts__isnull=False).distinct().first()
    pages = {
        "dashboard": "/",
        "plan": "/plan/",
        "venues": "/plan/venues/",
        "venue-too-early": Venue.objects.get(owner=user, name="Product Guild").get_absolute_url(),
        "events": "/plan/events/",
        "event-to-follow-up": Event.objects.get(owner=user, name="Data Meetup: November").get_absolute_url(),
        "ledger": "/plan/ledger/",
        "followups": "/followups/",
        "introducer": introducer.get_absolute_url(),
    }
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("demo")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    problems = check_pages(page, pages, screenshot_dir)
    assert not problems, "axe found serious or critical violations:\n" + "\n".join(problems)
