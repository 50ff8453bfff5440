"""The contact page's strategy card (purposes, where you met, the places to pick) and follow-ups
card (open reminders and promises) each read in one statement on PostgreSQL
(strategy.selectors.contact_card, followups.selectors.open_items_for_contact): on random
networks the page is the same as the querysets' (the SQLite path), and nothing of another
user's shows."""

import datetime
import random
import re

import pytest
from django.db import connection
from django.utils import timezone

from followups import selectors as followup_selectors
from followups.models import Commitment, Reminder
from strategy.models import MetAt
from strategy.selectors import PLACES_TO_PICK, strategy_card
from strategy.selectors import contact_card as strategy_contact_card

from .factories import ContactFactory
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
    contacts = [ContactFactory(owner=owner) for _ in range(5)]
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


@pytest.fixture
def querysets_or_statements(monkeypatch):
    """``use(statements)``: read both cards in one statement each (True) or as querysets."""

    def use(statements: bool):
        monkeypatch.setattr(strategy_contact_card, "reads_card_in_one_statement", lambda: statements)
        monkeypatch.setattr(followup_selectors, "reads_open_items_in_one_statement", lambda: statements)

    return use


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_contact_page_is_the_same_read_either_way(owner_client, owner, stranger, seed, querysets_or_statements):
    assert connection.vendor == "postgresql"
    rng = random.Random(seed)
    contacts = random_network(owner, rng)
    random_network(stranger, rng)  # never shown to the owner
    for contact in contacts:
        pages = {}
        for statements in (False, True):
            querysets_or_statements(statements)
            response = owner_client.get(contact.get_absolute_url())
            assert response.status_code == 200
            pages[statements] = without_tokens(response.content.decode())
        assert pages[True] == pages[False]


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [5, 6])
def test_the_cards_read_the_same_rows_as_the_querysets(owner, stranger, seed, querysets_or_statements):
    rng = random.Random(seed)
    contacts = random_network(owner, rng)
    random_network(stranger, rng)

    def strategy(card):
        met_at = card.met_at
        return (
            [(p.pk, p.name, p.is_main, p.created_at, p.serves) for p in card.purposes],
            [(v.pk, v.name) for v in card.venues],
            [(e.pk, e.name, e.held_on) for e in card.events],
            met_at
            and (
                met_at.pk,
                met_at.created_at,
                met_at.venue and (met_at.venue.pk, met_at.venue.name, met_at.venue.hours_spent),
                met_at.event and (met_at.event.pk, met_at.event.starts_at, met_at.event.venue_id),
                met_at.event and met_at.event.venue and (met_at.event.venue.name, met_at.event.venue.hours_spent),
            ),
        )

    def followups(items):
        def columns(row):
            return {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}

        return [[columns(row) for row in rows] for rows in items]

    for contact in contacts:
        read = {}
        for statements in (False, True):
            querysets_or_statements(statements)
            read[statements] = (
                strategy(strategy_card(owner=owner, contact=contact)),
                followups(followup_selectors.open_items_for_contact(owner=owner, contact=contact)),
            )
        assert read[True] == read[False]


@pytest.mark.django_db
def test_each_card_is_one_query_on_postgresql(owner, django_assert_num_queries):
    (contact, *_others) = random_network(owner, random.Random(7))
    with django_assert_num_queries(1):
        strategy_card(owner=owner, contact=contact)
    with django_assert_num_queries(1):
        followup_selectors.open_items_for_contact(owner=owner, contact=contact)


@pytest.mark.django_db
def test_the_cards_show_nothing_of_another_users(owner, stranger):
    """Every part of the statements is scoped to the owner asking, even for a contact id that
    is not theirs (the page 404s before it asks; this is the second lock)."""
    rng = random.Random(8)
    random_network(owner, rng)
    theirs = random_network(stranger, rng)
    for contact in theirs:
        card = strategy_card(owner=owner, contact=contact)
        assert {p.owner_id for p in card.purposes} <= {owner.pk}
        assert {v.owner_id for v in card.venues} | {e.owner_id for e in card.events} <= {owner.pk}
        assert card.met_at is None
        assert followup_selectors.open_items_for_contact(owner=owner, contact=contact) == ([], [])


@pytest.mark.django_db
def test_a_strangers_contact_page_is_not_found(stranger_client, owner):
    (contact, *_others) = random_network(owner, random.Random(9))
    assert stranger_client.get(contact.get_absolute_url()).status_code == 404
