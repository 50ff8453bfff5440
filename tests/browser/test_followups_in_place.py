"""On the follow-ups page, snooze and done work in place (htmx), without a page reload."""

import datetime

import pytest
from django.utils import timezone

from contacts.cadence import refresh_cadence
from contacts.models import Contact
from followups.models import Reminder
from followups.sweep import run_sweep
from tests.factories import PASSWORD, ClassificationFactory, ContactFactory, UserFactory


def log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_snooze_and_log_from_the_followups_page_without_reloading(page, screenshot_dir):
    user = UserFactory(username="networker")
    clients = ClassificationFactory(owner=user, name="Clients", contact_every_days=30, message_guidance="Ask about Q3")
    for first_name in ("Ada", "Grace"):
        ContactFactory(owner=user, classification=clients, first_name=first_name, last_name="Test")
    Contact.objects.filter(owner=user).update(created_at=timezone.now() - datetime.timedelta(days=40))
    refresh_cadence(Contact.objects.filter(owner=user))
    run_sweep()

    log_in(page, "networker")
    page.goto("/followups/")
    page.evaluate("window.notReloaded = true")
    assert page.locator("#overdue-count").inner_text() == "2"

    ada = Reminder.objects.get(contact__first_name="Ada")
    ada_row = page.locator(f"#reminder-{ada.pk}")
    ada_row.get_by_role("button", name="Snooze 1 day").click()
    ada_row.get_by_text("Snoozed Ada Test").wait_for()

    grace = Reminder.objects.get(contact__first_name="Grace")
    grace_row = page.locator(f"#reminder-{grace.pk}")
    grace_row.get_by_role("link", name="Done…").click()
    grace_row.get_by_label("Summary").fill("Called about Q3 budget")
    grace_row.get_by_role("button", name="Log interaction").click()
    grace_row.get_by_text("Logged: Called about Q3 budget").wait_for()
    page.screenshot(path=screenshot_dir / "followups-1280.png", full_page=True)

    assert page.evaluate("window.notReloaded") is True
    ada.refresh_from_db()
    grace.refresh_from_db()
    assert ada.state == "snoozed"
    assert grace.state == "done"
    assert grace.resolved_by.summary == "Called about Q3 budget"
