"""A person introduces two contacts from a contact page, follows the link from one timeline to
the other, and records who introduced them to a third; each page passes axe."""

import pytest

from contacts.models import Contact, Interaction

from ..factories import ClassificationFactory, ContactFactory, UserFactory
from .test_accessibility import blocking_violations, describe, load_axe
from .test_followups_in_place import log_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_introduce_two_contacts_and_follow_the_link_between_their_timelines(page, screenshot_dir):
    load_axe(page)
    user = UserFactory(username="networker")
    clients = ClassificationFactory(owner=user, name="Clients", contact_every_days=30)
    ada = ContactFactory(owner=user, first_name="Ada", last_name="Lovelace", classification=clients)
    ContactFactory(owner=user, first_name="Bea", last_name="Quill", company="Quill & Co", classification=clients)
    ContactFactory(owner=user, first_name="Carl", last_name="Gauss", classification=clients)
    ContactFactory(owner=UserFactory(username="someone-else"), first_name="Bea", last_name="Elsewhere")
    problems = []

    log_in(page, "networker")
    page.goto(ada.get_absolute_url())
    page.get_by_role("link", name="Introduce Ada to someone…").click()
    page.get_by_label("Search the other person by name or company").fill("Bea")
    page.get_by_role("button", name="Search").click()
    # Only the owner's own Bea is offered; being the only match, she is already picked.
    assert page.locator("#picker-matches").get_by_role("radio").count() == 1
    assert page.get_by_label("Bea Quill").is_checked()
    page.get_by_label("Note (optional)").fill("Both are building calculating engines")
    problems += [describe("introduce", 1280, v) for v in blocking_violations(page)]
    page.screenshot(path=screenshot_dir / "introduce-1280.png", full_page=True)
    page.get_by_role("button", name="Log the introduction").click()

    page.get_by_text("Logged: you introduced Ada Lovelace to Bea Quill").wait_for()
    timeline = page.locator("ol.timeline")
    assert "You introduced Ada to Bea Quill" in timeline.inner_text()
    assert "I gave: introduction" in timeline.inner_text()
    timeline.get_by_role("link", name="Bea Quill").click()
    page.get_by_role("heading", name="Bea Quill", level=1).wait_for()
    assert "You introduced Ada Lovelace to Bea" in page.locator("ol.timeline").inner_text()
    assert "Both are building calculating engines" in page.locator("ol.timeline").inner_text()

    # Bea introduced you to Carl: recorded from Carl's page, listed on Bea's.
    page.goto(Contact.objects.get(first_name="Carl").get_absolute_url())
    page.get_by_role("link", name="Who introduced you?").click()
    page.get_by_label("Search your contacts by name or company").fill("quill")
    page.get_by_role("button", name="Search").click()
    problems += [describe("introduced by", 1280, v) for v in blocking_violations(page)]
    page.get_by_label("Bea Quill").check()  # Ada matches too: her timeline names Bea Quill
    page.get_by_role("button", name="Save").click()
    assert "Introduced to you by Bea Quill" in page.locator("#introduced-by").inner_text()
    page.locator("#introduced-by").get_by_role("link", name="Bea Quill").click()
    assert "Carl Gauss" in page.locator("#introduced-list").inner_text()
    problems += [describe("contact", 1280, v) for v in blocking_violations(page)]
    page.screenshot(path=screenshot_dir / "introducer-contact-1280.png", full_page=True)

    assert not problems, "axe found serious or critical violations:\n" + "\n".join(problems)
    assert Interaction.objects.filter(owner=user, introduction__isnull=False).count() == 2
