"""The contacts list in Chromium: filter, sort, select all matching, reclassify in bulk, delete
with a confirmation; with JavaScript and without. Screenshots at 1280 and 390 px."""

import datetime
import re

import pytest
from django.utils import timezone

from contacts.cadence import refresh_cadence
from contacts.models import Contact
from tests.factories import ClassificationFactory, ContactFactory, TagFactory, UserFactory

from .test_accessibility import blocking_violations, describe, load_axe
from .test_followups_in_place import log_in


def build_network(user):
    clients = ClassificationFactory(owner=user, name="Clients", contact_every_days=30)
    friends = ClassificationFactory(owner=user, name="Friends", contact_every_days=90)
    founders = TagFactory(owner=user, name="founders")
    for n in range(30):
        contact = ContactFactory(
            owner=user, classification=clients, first_name=f"Client{n:02}", last_name="Example", company="Acme"
        )
        if n % 3 == 0:
            contact.tags.add(founders)
    for name in ("Ada", "Grace", "Katherine"):
        ContactFactory(owner=user, classification=friends, first_name=name, last_name="Friend", company="")
    # Added over the last seven weeks, so some are overdue, some due this week, some not yet.
    for days, contact in enumerate(Contact.objects.filter(owner=user).order_by("pk")):
        Contact.objects.filter(pk=contact.pk).update(created_at=timezone.now() - datetime.timedelta(days=days + 20))
    refresh_cadence(Contact.objects.filter(owner=user))
    return clients, friends


def axe_problems(page, url, width):
    return [describe(url, width, violation) for violation in blocking_violations(page)]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_select_all_matching_and_reclassify_in_bulk(page, screenshot_dir):
    load_axe(page)
    user = UserFactory(username="networker")
    UserFactory(username="someone-else")
    clients, friends = build_network(user)
    log_in(page, "networker")
    problems = []

    page.goto("/contacts/")
    page.get_by_label("Classification", exact=True).first.select_option(label="Clients (30)")
    page.get_by_label("Sort").select_option(label="Name Z–A")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(rf"/contacts/\?.*classification={clients.pk}&.*sort=-name"))
    assert page.locator("tbody tr").count() == 25
    assert page.locator("tbody tr").first.get_by_role("link").inner_text() == "Client29 Example"
    page.screenshot(path=screenshot_dir / "list-filtered-sorted-1280.png", full_page=True)
    problems += axe_problems(page, page.url, 1280)

    bar = page.locator("[data-bulk-form]")
    apply = bar.get_by_role("button", name="Apply")
    assert apply.is_disabled()  # nothing selected, no action chosen
    bar.get_by_label("Select all 30 matching").check()
    assert page.locator("[data-select-row]:checked").count() == 25  # the page shows it ticked
    bar.get_by_text("All 30 matching selected").wait_for()
    bar.get_by_label("Action").select_option(label="Set classification")
    assert bar.locator("#bulk-classification").is_visible()
    assert not bar.locator("#bulk-tag").is_visible()
    bar.locator("#bulk-classification").select_option(label="Friends")
    page.screenshot(path=screenshot_dir / "list-all-selected-1280.png", full_page=True)
    problems += axe_problems(page, page.url + " (all selected)", 1280)
    apply.click()

    page.get_by_text("Moved 30 contacts to Friends.").wait_for()
    assert Contact.objects.filter(owner=user, classification=friends).count() == 33
    assert "sort=-name" in page.url  # back where the user was, filters and sort kept
    assert not problems, "\n".join(problems)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_tick_a_few_and_delete_them_after_the_confirmation_on_a_phone(page, screenshot_dir):
    load_axe(page)
    user = UserFactory(username="networker")
    build_network(user)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "networker")
    problems = []

    page.goto("/contacts/?sort=-name")
    page.screenshot(path=screenshot_dir / "list-390.png", full_page=True)
    problems += axe_problems(page, page.url, 390)
    page.get_by_label("Select Ada Friend").check()
    page.get_by_label("Select Grace Friend").check()
    bar = page.locator("[data-bulk-form]")
    bar.get_by_text("2 selected").wait_for()
    bar.get_by_label("Action").select_option(label="Delete…")
    page.screenshot(path=screenshot_dir / "list-two-selected-390.png", full_page=True)
    bar.get_by_role("button", name="Apply").click()

    page.get_by_role("heading", name="Delete 2 contacts?").wait_for()
    assert page.get_by_text("Ada Friend").is_visible() and page.get_by_text("Grace Friend").is_visible()
    page.screenshot(path=screenshot_dir / "bulk-delete-confirm-390.png", full_page=True)
    problems += axe_problems(page, "bulk delete confirmation", 390)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=screenshot_dir / "bulk-delete-confirm-1280.png", full_page=True)
    problems += axe_problems(page, "bulk delete confirmation", 1280)
    assert Contact.objects.filter(owner=user).count() == 33  # nothing deleted before the answer
    page.get_by_role("button", name="Delete 2 contacts").click()

    page.get_by_text("Deleted 2 contacts.").wait_for()
    assert not Contact.objects.filter(owner=user, first_name__in=["Ada", "Grace"]).exists()
    assert Contact.objects.filter(owner=user).count() == 31
    assert not problems, "\n".join(problems)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_bulk_bar_is_a_plain_form(browser, live_server, screenshot_dir):
    user = UserFactory(username="networker")
    _clients, friends = build_network(user)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(live_server.url + "/accounts/login/")
        log_in_without_script(page)
        page.goto(live_server.url + "/contacts/?q=client0")
        bar = page.locator("[data-bulk-form]")
        assert bar.locator("#bulk-classification").is_visible() and bar.locator("#bulk-tag").is_visible()
        page.screenshot(path=screenshot_dir / "list-no-javascript-1280.png", full_page=True)
        bar.get_by_label("Select all 10 matching").check()
        bar.get_by_label("Action").select_option(label="Add a tag")
        bar.locator("#bulk-tag").fill("first ten")
        bar.get_by_role("button", name="Apply").click()
        page.get_by_text("Tagged 10 contacts “first ten”.").wait_for()
    finally:
        context.close()
    assert Contact.objects.filter(owner=user, tags__name="first ten").count() == 10
    assert Contact.objects.filter(owner=user, classification=friends).count() == 3


def log_in_without_script(page):
    from tests.factories import PASSWORD

    page.get_by_label("Username").fill("networker")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
