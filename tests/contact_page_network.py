"""A random network for comparing the contact page's hand-written statements with the querysets
they stand for (tests/test_contact_page_cards.py, tests/test_contact_page_statement.py)."""

import datetime
import random
import re

from django.utils import timezone

from contacts.cadence import refresh_cadence
from contacts.models import Contact, ContactEmail, ContactPhone, Interaction
from contacts.occasions import Occasion
from contacts.selectors import TIMELINE_LENGTH
from followups.introductions import services as introductions
from followups.models import Commitment, Reminder
from strategy.models import MetAt
from strategy.selectors import PLACES_TO_PICK

from .factories import ClassificationFactory, ContactFactory, TagFactory
from .followup_factories import CommitmentFactory, ReminderFactory
from .strategy_factories import EventFactory, PurposeFactory, VenueFactory

# Names whose order differs between a database collation and Python's (case, accents, spaces).
NAMES = ["alpha", "Alpha", "Beta", "émile", "Zeta", "zeta club", "Ångström", "b", "Co-founders", "délices"]


def random_network(owner, rng: random.Random) -> list:
    """``owner``'s purposes, venues and events (sometimes more than the picker offers), and a few
    contacts each serving some purposes, met somewhere or not, with reminders and promises in
    every state."""
    today = timezone.localdate()
    names = iter(f"{rng.choice(NAMES)} {n}" if rng.random() < 0.7 else rng.choice(NAMES) + str(n) for n in range(999))
    purposes = [
        PurposeFactory(owner=owner, name=next(names), is_main=(n == 0 and rng.random() < 0.7))
        for n in range(rng.randint(0, 6))
    ]
    venues = [
        VenueFactory(owner=owner, name=next(names), hours_spent=rng.choice([0, 1.5, 12]))
        for _ in range(rng.randint(0, PLACES_TO_PICK + 5))
    ]
    events = [
        EventFactory(
            owner=owner,
            name=next(names),
            venue=rng.choice(venues) if venues and rng.random() < 0.6 else None,
            held_on=today - datetime.timedelta(days=rng.randint(-30, 400)),  # some share a day
        )
        for _ in range(rng.randint(0, PLACES_TO_PICK + 8))
    ]
    contacts = random_contacts(owner, rng)
    for contact in contacts:
        contact.purposes.add(*rng.sample(purposes, rng.randint(0, len(purposes))))
        place = rng.random()
        if place < 0.3 and venues:
            MetAt.objects.create(contact=contact, venue=rng.choice(venues))
        elif place < 0.7 and events:
            MetAt.objects.create(contact=contact, event=rng.choice(events))  # an old one is still shown
        for kind in rng.sample([kind for kind, _ in Reminder.Kind.choices if kind != "date"], rng.randint(0, 3)):
            state = rng.choice(Reminder.State.values)
            ReminderFactory(
                contact=contact,
                kind=kind,
                state=state,
                due_at=timezone.now() + datetime.timedelta(hours=rng.randint(-900, 300)),
                snoozed_until=timezone.now() + datetime.timedelta(days=3) if state == "snoozed" else None,
                message=rng.choice(["", "Ask about the launch", "Birthday & <b>cake</b>"]),
            )
        for years_ago in range(rng.randint(0, 2)):
            ReminderFactory(
                contact=contact,
                kind=Reminder.Kind.DATE,
                state=rng.choice(Reminder.State.values[:1] + Reminder.State.values[2:]),
                occasion_on=today.replace(year=today.year - years_ago),
            )
        for _ in range(rng.randint(0, 4)):
            CommitmentFactory(
                contact=contact,
                state=rng.choice(Commitment.State.values),
                due_on=today + datetime.timedelta(days=rng.randint(-10, 10)),  # some share a day
                description=rng.choice(["Send the article", "Intro to Bo", "Send the article"]),
            )
    return contacts


def without_tokens(html: str) -> str:
    """The page without what differs between two renders of it anyway (CSRF tokens)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", html)  # htmx's headers


def random_contacts(owner, rng: random.Random) -> list[Contact]:
    """Five contacts of ``owner``, classified or not, introduced by another or not, with tags,
    emails, phones, dates and interactions (one of them sometimes more than the page shows, and
    some introductions)."""
    classifications = [ClassificationFactory(owner=owner, message_guidance=rng.choice(["", "Offer an intro"]))]
    tags = [TagFactory(owner=owner, name=f"{rng.choice(NAMES)} {n}") for n in range(rng.randint(0, 4))]
    contacts = []
    for n in range(5):
        contact = ContactFactory(
            owner=owner,
            classification=rng.choice([*classifications, None]),
            birthday=rng.choice([None, datetime.date(1990, 2, 28), datetime.date(1604, 12, 31)]),
            notes=rng.choice(["", "Met at the <spring> conference\nLikes tea"]),
            contact_every_days_override=rng.choice([None, 14]),
            introduced_by=rng.choice([None, *contacts]),
        )
        contact.tags.add(*rng.sample(tags, rng.randint(0, len(tags))))
        for position in rng.sample(range(4), rng.randint(0, 3)):
            ContactEmail.objects.create(contact=contact, address=f"p{n}-{position}@example.org", position=position)
        for position in range(rng.randint(0, 2)):
            ContactPhone.objects.create(contact=contact, number=f"+44 20 7946 00{n}{position}", position=position)
        for _ in range(rng.randint(0, 2)):
            on = datetime.date(rng.choice([1604, 2019]), rng.randint(1, 12), rng.randint(1, 28))
            Occasion.objects.create(owner=owner, contact=contact, kind="other", label="Met", on=on)
        contacts.append(contact)
    now = timezone.now()
    interactions = [
        Interaction(
            owner=owner,
            contact=contact,
            occurred_at=now - datetime.timedelta(hours=rng.choice([1, 5, 5, 30, 400])),  # some at the same moment
            kind=rng.choice(["meeting", "email", "call"]),
            summary=rng.choice(["Coffee", "Talked about the launch & <more>"]),
            notes=rng.choice(["", "Line one\nline two"]),
            next_step=rng.choice(["", "Send the deck"]),
            contribution_direction=rng.choice(["", "given", "received"]),
        )
        for contact in contacts
        for _ in range(rng.choice([0, 1, 3, 8, TIMELINE_LENGTH + 1 if rng.random() < 0.3 else 2]))
    ]
    for interaction in interactions:
        if interaction.contribution_direction:
            interaction.contribution_kind = "advice"
    Interaction.objects.bulk_create(interactions)
    refresh_cadence(Contact.objects.filter(owner=owner))
    first, second, *_rest = contacts
    introductions.introduce(contact=first, introduced_to=second, note="You two should talk")
    return list(Contact.objects.filter(pk__in=[contact.pk for contact in contacts]).order_by("pk"))
