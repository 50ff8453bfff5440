"""The message check counts "you" words against "I" words: the rule (contacts.message_check), the
form's first hint and the plan's item 5."""

import pytest
from django.urls import reverse

from contacts.message_check import ABOUT_SENDER, UNCHECKED, YOU_FOCUSED, check_message

from .factories import ClassificationFactory


@pytest.mark.parametrize(
    ("text", "receiver", "sender", "verdict"),
    [
        ("How is your project going? Can I help you with the launch?", 2, 1, YOU_FOCUSED),
        ("I wanted to tell you about my new company and our product.", 1, 3, ABOUT_SENDER),
        ("We are hiring; our team would love to meet.", 0, 2, ABOUT_SENDER),
        ("Ask about their project; offer an intro.", 0, 0, UNCHECKED),
        ("", 0, 0, UNCHECKED),
        ("You and I", 1, 1, YOU_FOCUSED),  # a tie still talks to them
        ("YOU'RE doing great; I’m proud of yours", 2, 1, YOU_FOCUSED),  # any case, both apostrophes
        ("Youth, mine-field, mycology, usual, ourselves", 0, 2, ABOUT_SENDER),  # whole words: mine, ourselves
        ("I I I you", 1, 3, ABOUT_SENDER),
    ],
)
def test_the_rule_counts_whole_words(text, receiver, sender, verdict):
    check = check_message(text)
    assert (check.receiver_count, check.sender_count, check.verdict) == (receiver, sender, verdict)


def test_the_hint_says_plainly_when_it_talks_about_the_sender():
    assert check_message("I am launching my product").hint.startswith(
        "This message talks about you, the sender, more than about them (2 × I/me/my/we/our, 0 × you/your)."
    )
    assert check_message("How are you?").hint == "You-focused: it talks to them (1 × you/your, 0 × I/me/my/we/our)."


@pytest.mark.django_db
def test_the_form_shows_the_servers_verdict_in_a_live_region(owner_client, owner):
    clients = ClassificationFactory(owner=owner, message_guidance="I want to show my work.")
    html = owner_client.get(reverse("contacts:classification_edit", args=[clients.pk])).content.decode()
    assert 'id="message-check" aria-live="polite" data-verdict="sender"' in html
    assert 'data-message-check-output="message-check"' in html


@pytest.mark.django_db
def test_the_plan_marks_each_message_as_you_focused_or_not(owner_client, owner):
    ClassificationFactory(owner=owner, name="Clients", message_guidance="Ask how your launch went.")
    ClassificationFactory(owner=owner, name="Investors", message_guidance="Tell them about our traction and my plan.")
    ClassificationFactory(owner=owner, name="Friends", message_guidance="Catch up.")
    html = owner_client.get(reverse("strategy:plan")).content.decode()
    assert html.count('data-message-verdict="you">you-focused<') == 1
    assert html.count('data-message-verdict="sender">talks about you, not them<') == 1
    line = next(line for line in html.splitlines() if "Investors" in line and "traction" in line)
    assert "talks about you, not them" in line


@pytest.mark.django_db
def test_the_plans_markdown_marks_them_too(owner_client, owner):
    ClassificationFactory(owner=owner, name="Clients", contact_every_days=30, message_guidance="How is your launch?")
    ClassificationFactory(owner=owner, name="Investors", contact_every_days=None, message_guidance="Our traction.")
    text = owner_client.get(reverse("strategy:plan_export")).content.decode()
    assert "- **Clients**: every 30 days, at most 45" in text
    assert "- **Clients**: How is your launch? (you-focused)" in text
    assert "- **Investors**: Our traction. (talks about you, not them)" in text
