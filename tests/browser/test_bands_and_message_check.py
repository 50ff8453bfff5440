"""In a browser: the message check's hint follows what is typed (the JS mirrors contacts/
message_check.py), and the bands read in words on the dashboard and the contacts list, with no
serious accessibility violation (screenshots in the test's folder)."""

import datetime

import pytest
from django.utils import timezone

from contacts.cadence import refresh_cadence
from contacts.message_check import check_message
from contacts.models import Contact

from ..factories import ClassificationFactory, ContactFactory, InteractionFactory, UserFactory
from .test_accessibility import blocking_violations, describe, load_axe
from .test_followups_in_place import log_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_hint_changes_as_the_message_is_typed(page, screenshot_dir):
    load_axe(page)
    user = UserFactory(username="networker")
    clients = ClassificationFactory(owner=user, name="Clients", contact_every_days=30, message_guidance="")
    log_in(page, "networker")
    page.goto(f"/contacts/classifications/{clients.pk}/edit/")
    message, hint = page.get_by_label("Message"), page.locator("#message-check")
    assert hint.get_attribute("aria-live") == "polite"
    assert hint.text_content().startswith("No “you” or “I” words yet")

    message.press_sequentially("I want to tell you about my new product and our launch.")
    hint.filter(has_text="talks about you, the sender").wait_for()
    assert "(3 × I/me/my/we/our, 1 × you/your)" in hint.text_content()
    page.screenshot(path=screenshot_dir / "classification-form-about-the-sender.png", full_page=True)

    message.fill("")
    message.press_sequentially("How is your launch going? Can you use an intro?")
    hint.filter(has_text="You-focused").wait_for()
    assert hint.text_content() == "You-focused: it talks to them (2 × you/your, 0 × I/me/my/we/our)."
    problems = [describe("classification form", 1280, v) for v in blocking_violations(page)]
    assert not problems, "\n".join(problems)

    # The script mirrors the Python rule: the same verdict and words for each of the rule's cases.
    for text in SAMPLES:
        message.fill(text)  # one input event
        expected = check_message(text)
        assert (hint.get_attribute("data-verdict"), hint.text_content()) == (expected.verdict, expected.hint), text


SAMPLES = [
    "How is your project going? Can I help you with the launch?",
    "We are hiring; our team would love to meet.",
    "Ask about their project; offer an intro.",
    "You and I",
    "YOU'RE doing great; I’m proud of yours",
    "Youth, mine-field, mycology, usual, ourselves",
    "Über dich: I, me, my, mine, myself, us — you",
    "",
]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_bands_read_in_words_on_the_dashboard_and_the_contacts_list(page, screenshot_dir):
    load_axe(page)
    user = UserFactory(username="networker")
    weekly = ClassificationFactory(
        owner=user, name="Weekly", contact_every_days=7, message_guidance="Ask how you can help."
    )
    for first_name, days_ago in [("Olive", 14), ("Dana", 8), ("Finn", 2)]:
        contact = ContactFactory(owner=user, classification=weekly, first_name=first_name, last_name="Band")
        InteractionFactory(contact=contact, occurred_at=timezone.now() - datetime.timedelta(days=days_ago))
    refresh_cadence(Contact.objects.filter(owner=user))
    log_in(page, "networker")
    problems = []
    for name, url in [("dashboard", "/"), ("contacts", "/contacts/"), ("followups", "/followups/")]:
        page.goto(url)
        olive = page.locator("main").locator("li, tr").filter(has_text="Olive Band").first
        assert olive.locator("[data-band]").text_content() == "Overdue"
        dana = page.locator("main").locator("li, tr").filter(has_text="Dana Band").first
        assert dana.locator("[data-band]").text_content() == "Due"
        page.screenshot(path=screenshot_dir / f"{name}.png", full_page=True)
        problems += [describe(url, 1280, v) for v in blocking_violations(page)]
    assert not problems, "\n".join(problems)
