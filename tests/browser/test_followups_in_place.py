"""On the follow-ups page, snooze, done and "show more" work in place (htmx), without a page
reload, and the section counts follow."""

import datetime

import pytest
from django.utils import timezone

from contacts.cadence import refresh_cadence
from contacts.models import Contact
from followups.models import Reminder
from followups.sweep import run_sweep
from tests.factories import PASSWORD, ClassificationFactory, ContactFactory, UserFactory
from tests.followup_factories import bulk_due_contacts


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
    # Past the maximum (1.5 x 30 days): overdue.
    Contact.objects.filter(owner=user).update(created_at=timezone.now() - datetime.timedelta(days=50))
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


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_show_more_appends_rows_and_counts_follow_actions_in_place(page, screenshot_dir):
    user = UserFactory(username="busy")
    # At most 30 days: two days late is overdue.
    clients = ClassificationFactory(
        owner=user, name="Clients", contact_every_days=30, contact_at_most_days=30, message_guidance="Ask about Q3"
    )
    friends = ClassificationFactory(owner=user, name="Friends", contact_every_days=90, message_guidance="Catch up")
    now = timezone.now()
    bulk_due_contacts(
        user,
        classification=clients,
        first_name="Client",
        summary="Coffee about the launch",
        next_step="Send the deck",
        due_at=[now - datetime.timedelta(days=2, minutes=i) for i in range(40)],
    )
    coming = [now + datetime.timedelta(days=3, minutes=i) for i in range(5)]
    bulk_due_contacts(user, classification=friends, first_name="Friend", summary="Dinner", due_at=coming)
    run_sweep()

    log_in(page, "busy")
    page.goto("/followups/")
    page.evaluate("window.notReloaded = true")
    overdue_rows = page.locator("#overdue-rows > li")
    assert page.locator("#overdue-count").inner_text() == "40"
    assert overdue_rows.count() == 25
    page.screenshot(path=screenshot_dir / "followups-sections-1280.png", full_page=True)

    page.get_by_role("link", name="Show 15 more in Overdue").click()
    overdue_rows.nth(39).wait_for()
    assert overdue_rows.count() == 40
    assert page.locator("#overdue-more a").count() == 0  # nothing left to show
    assert page.evaluate(
        "document.activeElement.closest('li') === document.querySelector('#overdue-rows > li:nth-child(26)')"
    )

    first = overdue_rows.nth(0)
    first.get_by_role("button", name="Snooze 1 day").click()
    first.get_by_text("Snoozed").wait_for()
    page.locator("#overdue-count", has_text="39").wait_for()
    assert page.locator("#snoozed-count").inner_text() == "1"

    page.get_by_label("Classification").select_option(label="Friends")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/followups/?classification=*")
    assert page.locator("#week-count").inner_text() == "5"
    assert page.locator("#overdue-count").inner_text() == "0"

    page.goto("/followups/")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=screenshot_dir / "followups-sections-390.png", full_page=True)
    page.screenshot(path=screenshot_dir / "followups-sections-390-top.png")
    page.locator("#overdue-more").scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / "followups-sections-390-show-more.png")
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert overflow is False, "the follow-ups page is wider than a 390px screen"
