"""A birthday reminder from end to end: the user adds a contact whose birthday is in five days
(and a friend's work anniversary on the contact form), the sweep raises the date reminders,
the dashboard's "Coming up" shows them beside the classification's message, and the user logs
a greeting for one and dismisses the other, in place. axe checks the form and the dashboard."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from contacts.models import Contact
from followups.models import Reminder
from followups.sweep import run_sweep

from ..factories import ClassificationFactory, UserFactory
from .test_accessibility import blocking_violations, describe, load_axe
from .test_followups_in_place import log_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_birthday_in_five_days_is_reminded_and_greeted_from_the_dashboard(page, screenshot_dir):
    load_axe(page)
    user = UserFactory(username="networker")
    ClassificationFactory(owner=user, name="Friends", contact_every_days=90,
                          message_guidance="Wish them well; ask about the family.")  # fmt: skip
    today = timezone.localdate()
    in_five_days = today + datetime.timedelta(days=5)
    birthday = datetime.date(1984, in_five_days.month, in_five_days.day)  # 1984: a leap year, so 29 February fits
    anniversary = today + datetime.timedelta(days=3)
    log_in(page, "networker")

    page.goto("/contacts/new/")
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Lovelace")
    page.get_by_label("Classification").select_option(label="Friends")
    page.get_by_label("Birthday").fill(birthday.isoformat())
    problems = [describe("/contacts/new/", 1280, v) for v in blocking_violations(page)]
    page.get_by_role("button", name="Save contact").click()
    page.get_by_role("heading", name="Ada Lovelace").wait_for()

    page.goto("/contacts/new/")
    page.get_by_label("First name").fill("Bo")
    page.get_by_label("Classification").select_option(label="Friends")
    page.get_by_label("What (date 1)").select_option(label="Work anniversary")
    page.get_by_label("Date (date 1)").fill(f"{anniversary.year - 8}-{anniversary:%m-%d}")
    page.get_by_role("button", name="Save contact").click()
    page.get_by_role("heading", name="Bo").wait_for()
    expect(page.locator("main")).to_contain_text("Work anniversary")

    assert run_sweep().dates_raised == 2
    ada, bo = Contact.objects.get(first_name="Ada"), Contact.objects.get(first_name="Bo")
    birthday_reminder = Reminder.objects.get(kind="date", contact=ada)
    anniversary_reminder = Reminder.objects.get(kind="date", contact=bo)

    page.goto("/")
    coming_up = page.locator("section", has=page.get_by_role("heading", name="Coming up"))
    ada_row = coming_up.locator(f"#date-{birthday_reminder.pk}")
    bo_row = coming_up.locator(f"#date-{anniversary_reminder.pk}")
    expect(ada_row).to_contain_text("Birthday")
    expect(ada_row).to_contain_text("in 5 days")
    expect(ada_row).to_contain_text(f"(turns {in_five_days.year - 1984})")
    expect(ada_row).to_contain_text("Say: Wish them well; ask about the family.")
    expect(bo_row).to_contain_text("Work anniversary (8 years)")
    expect(bo_row).to_contain_text("in 3 days")
    assert coming_up.locator("li").first.get_attribute("id") == f"date-{anniversary_reminder.pk}"  # soonest first
    problems += [describe("/ (coming up)", 1280, v) for v in blocking_violations(page)]
    page.screenshot(path=screenshot_dir / "coming-up-1280.png", full_page=True)

    page.evaluate("window.notReloaded = true")
    ada_row.get_by_role("link", name="Log greeting…").click()
    ada_row.get_by_label("Summary").fill("Sent birthday wishes")
    ada_row.get_by_role("button", name="Log interaction").click()
    expect(ada_row).to_contain_text("Logged: Sent birthday wishes")
    bo_row.get_by_role("button", name="Dismiss work anniversary of Bo").click()
    expect(bo_row).to_contain_text("Dismissed the reminder for Bo")
    assert page.evaluate("window.notReloaded") is True  # both in place, no reload

    birthday_reminder.refresh_from_db()
    anniversary_reminder.refresh_from_db()
    assert (birthday_reminder.state, anniversary_reminder.state) == ("done", "dismissed")
    assert birthday_reminder.resolved_by.summary == "Sent birthday wishes"
    assert run_sweep().dates_raised == 0  # handled for this year
    page.goto("/")
    expect(page.locator("main")).to_contain_text("No birthdays or other dates in the next days")
    assert not problems, "axe found serious or critical violations:\n" + "\n".join(problems)
