"""On PostgreSQL the contact page reads the contact with its lists and newest interactions
(contacts.page_statement), its strategy card (purposes, where you met, the places to pick:
strategy.selectors.contact_card) and its follow-ups card (open reminders and promises:
followups.selectors.open_items_for_contact) in one hand-written statement each: on random
networks the page is the same as the querysets' (what SQLite runs), and nothing of another
user's shows."""

import random

import pytest
from django.db import connection
from django.http import Http404

from contacts import page_statement, selectors
from followups import selectors as followup_selectors
from followups import services as followup_services
from strategy.selectors import contact_card as strategy_contact_card
from strategy.selectors import strategy_card

from .contact_page_network import random_network, without_tokens
from .factories import ContactFactory
from .followup_factories import CommitmentFactory


@pytest.fixture
def querysets_or_statements(monkeypatch):
    """``use(statements)``: read the contact and each card in one statement each (True), or as
    the querysets they stand for."""

    def use(statements: bool):
        monkeypatch.setattr(page_statement, "reads_page_in_one_statement", lambda: statements)
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


def contact_as_read(contact):
    """What the page reads of a contact: its own columns, classification, introducer, lists and timeline."""

    def columns(row):
        return row and {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}

    return (
        columns(contact),
        columns(contact.classification),
        columns(contact.introduced_by),
        contact.introduced_anyone,
        [[columns(row) for row in getattr(contact, name).all()] for name in ("tags", "emails", "phones", "occasions")],
        [columns(interaction) for interaction in selectors.timeline(contact=contact)],
    )


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [10, 11, 12])
def test_the_contact_reads_the_same_as_the_querysets(owner, stranger, seed, querysets_or_statements):
    rng = random.Random(seed)
    contacts = random_network(owner, rng)
    random_network(stranger, rng)
    for contact in contacts:
        read = {}
        for statements in (False, True):
            querysets_or_statements(statements)
            read[statements] = contact_as_read(
                selectors.contact_for_page(owner=owner, pk=contact.pk, with_timeline=True)
            )
        assert read[True] == read[False]


@pytest.mark.django_db
def test_the_contact_and_the_timeline_are_one_query(owner, django_assert_num_queries):
    contacts = random_network(owner, random.Random(13))
    met_nobody = next(c for c in contacts if not any(i.introduction_id for i in c.interactions.all()))
    with django_assert_num_queries(1):
        contact = selectors.contact_for_page(owner=owner, pk=met_nobody.pk, with_timeline=True)
        selectors.timeline(contact=contact)
        assert contact_as_read(contact)[:5]  # the classification, the introducer and the lists read no more


@pytest.mark.django_db
@pytest.mark.parametrize("pk", ["theirs", 0, -1, 2**63 - 1, 2**63, 10**30, "12x", None])
def test_someone_elses_or_no_contact_is_not_found(owner, stranger, pk):
    (theirs, *_others) = random_network(stranger, random.Random(14))
    with pytest.raises(Http404):
        selectors.contact_for_page(owner=owner, pk=theirs.pk if pk == "theirs" else pk, with_timeline=True)


@pytest.mark.django_db
def test_a_huge_id_in_the_address_is_not_found(owner_client):
    assert owner_client.get(f"/contacts/{10**30}/").status_code == 404


@pytest.mark.django_db(transaction=True)  # outside a transaction, as a page is served
def test_after_the_sessions_prepared_statements_are_dropped_the_page_prepares_them_again(owner_client, owner):
    contact = ContactFactory(owner=owner, first_name="Ada")
    CommitmentFactory(contact=contact, description="Send the deck")
    assert "Send the deck" in owner_client.get(contact.get_absolute_url()).content.decode()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        prepared = {name for (name,) in cursor.fetchall()}
        assert {"netcrm_contact_page", "netcrm_contact_open_items", "netcrm_contact_strategy_card"} <= prepared
        cursor.execute("DEALLOCATE ALL")  # as a pooler resetting the session would
    followup_services.log_interaction(contact=contact, summary="Caught up over coffee")
    html = owner_client.get(contact.get_absolute_url()).content.decode()
    assert "Caught up over coffee" in html and "Send the deck" in html
