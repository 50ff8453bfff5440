"""Givers gain: contributions given and received, overall, per contact, by month and by kind."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from contacts.models import Introduction
from contacts.selectors import TIMELINE_LENGTH
from strategy import selectors

from .factories import ContactFactory, InteractionFactory, UserFactory


def at(year, month, day, hour=12):
    return datetime.datetime(year, month, day, hour, tzinfo=datetime.UTC)


def contribution(contact, direction, kind="advice", when=None):
    return InteractionFactory(
        contact=contact,
        contribution_direction=direction,
        contribution_kind=kind,
        occurred_at=when or at(2026, 5, 2),
    )


@pytest.fixture
def ledger_data(owner, contact):
    """Ada: 3 given, 1 received. Bob: 0 given, 2 received. Plus plain interactions and a stranger's."""
    bob = ContactFactory(owner=owner, first_name="Bob", last_name="Baker")
    contribution(contact, "given", "introduction", at(2026, 3, 10))
    contribution(contact, "given", "referral", at(2026, 4, 30, 23))
    contribution(contact, "given", "introduction", at(2026, 5, 1))
    contribution(contact, "received", "advice", at(2026, 5, 3))
    contribution(bob, "received", "resource", at(2026, 5, 4))
    contribution(bob, "received", "advice", at(2026, 5, 5))
    InteractionFactory(contact=contact)
    InteractionFactory(contact=bob)
    stranger_contact = ContactFactory(owner=UserFactory(username="someone-else"))
    contribution(stranger_contact, "given")
    return contact, bob


@pytest.mark.django_db
def test_overall_totals_count_given_and_received_and_the_balance(owner, ledger_data):
    totals = selectors.ledger_totals(owner=owner)
    assert (totals.given, totals.received, totals.balance) == (3, 3, 0)


@pytest.mark.django_db
def test_per_contact_totals_and_the_balance_on_the_contact_page(owner_client, owner, ledger_data):
    ada, bob = ledger_data
    rows = {c.first_name: (c.given, c.received, c.balance) for c in selectors.ledger_by_contact(owner=owner)}
    assert rows == {"Ada": (3, 1, 2), "Bob": (0, 2, -2)}
    html = owner_client.get(ada.get_absolute_url()).content.decode()
    assert "Givers gain" in html
    assert "given <strong>3</strong> · received <strong>1</strong> · balance <strong" in html
    assert ">+2</strong>" in html
    assert ">-2</strong>" in owner_client.get(bob.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_the_contact_pages_balance_counts_interactions_beyond_those_the_page_shows(owner_client, contact):
    """Past the timeline's length the page's newest interactions are not all of them: the
    balance still counts every contribution, the oldest ones too."""
    for day in range(1, 4):
        contribution(contact, "given", "introduction", at(2025, 1, day))  # the oldest, not shown
    for _ in range(TIMELINE_LENGTH):
        contribution(contact, "received", "advice", at(2026, 5, 2))
    response = owner_client.get(contact.get_absolute_url())
    assert len(response.context["interactions"]) == TIMELINE_LENGTH
    assert f"given <strong>3</strong> · received <strong>{TIMELINE_LENGTH}</strong>" in response.content.decode()


@pytest.mark.django_db
def test_by_month_in_the_users_time_zone_including_empty_months(owner, ledger_data):
    zone = datetime.timezone(datetime.timedelta(hours=2))
    months = selectors.ledger_by_month(owner=owner, zone=zone, months=4, today=datetime.date(2026, 6, 15))
    figures = [(m.month, m.given, m.received, m.balance) for m in months]
    # 30 April 23:00 UTC is already 1 May at UTC+2.
    assert figures == [
        (datetime.date(2026, 6, 1), 0, 0, 0),
        (datetime.date(2026, 5, 1), 2, 3, -1),
        (datetime.date(2026, 4, 1), 0, 0, 0),
        (datetime.date(2026, 3, 1), 1, 0, 1),
    ]


@pytest.mark.django_db
def test_by_kind(owner, ledger_data):
    kinds = {row["kind"]: (row["given"], row["received"]) for row in selectors.ledger_by_kind(owner=owner)}
    assert kinds == {"introduction": (2, 0), "referral": (1, 0), "advice": (0, 2), "resource": (0, 1), "other": (0, 0)}


@pytest.mark.django_db
def test_the_ledger_page_and_the_plan_show_the_balance(owner_client, ledger_data):
    with time_machine.travel(at(2026, 5, 20), tick=False):
        response = owner_client.get(reverse("strategy:ledger"))
        plan = owner_client.get(reverse("strategy:plan")).content.decode()
    html = response.content.decode()
    assert 'id="ledger-given">3<' in html and 'id="ledger-received">3<' in html and 'id="ledger-balance">0<' in html
    assert "May 2026" in html and "Bob Baker" in html
    assert "given <strong>3</strong> · received <strong>3</strong>" in plan


@pytest.mark.django_db
def test_an_empty_ledger_explains_how_to_fill_it(owner_client):
    html = owner_client.get(reverse("strategy:ledger")).content.decode()
    assert "Nothing in the ledger yet" in html


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 60])
def test_the_ledger_page_queries_do_not_grow(owner_client, owner, size, django_assert_num_queries):
    introducer = ContactFactory(owner=owner)
    for _ in range(size):
        contribution(ContactFactory(owner=owner, introduced_by=introducer), "given")
        Introduction.objects.create(owner=owner, introduced=introducer, introduced_to=ContactFactory(owner=owner))
    owner_client.get(reverse("home"))
    # session, user, totals, by month, by kind, by contact, introductions made, received, top introducers
    with django_assert_num_queries(9):
        response = owner_client.get(reverse("strategy:ledger"))
    assert response.context["totals"].given == size
    assert response.context["introductions"].made == response.context["introductions"].received == size
