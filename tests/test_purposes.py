"""Purposes: pick standard ones and your own, one main objective, tag contacts, filter the list."""

import pytest
from django.db import IntegrityError
from django.urls import reverse

from strategy.models import Purpose

from .factories import ContactFactory
from .strategy_factories import PurposeFactory


@pytest.mark.django_db
def test_picking_standard_purposes_and_an_own_one_makes_the_first_the_main_objective(owner_client, owner):
    response = owner_client.post(
        reverse("strategy:purposes"),
        {"standard": ["Customers", "Investors"], "own": "  Find a  climbing partner "},
    )
    assert response.status_code == 302
    purposes = {p.name: p for p in Purpose.objects.filter(owner=owner)}
    assert set(purposes) == {"Customers", "Investors", "Find a climbing partner"}
    assert purposes["Customers"].is_main
    assert purposes["Customers"].is_standard and not purposes["Find a climbing partner"].is_standard
    page = owner_client.get(reverse("strategy:purposes")).content.decode()
    assert "main objective" in page
    # Chosen standard purposes are no longer offered.
    assert 'value="Customers"' not in page
    assert 'value="Travel companions"' in page


@pytest.mark.django_db
def test_making_another_purpose_main_leaves_exactly_one_main_objective(owner_client, owner):
    first = PurposeFactory(owner=owner, name="Customers", is_main=True)
    second = PurposeFactory(owner=owner, name="Investors")
    owner_client.post(reverse("strategy:purpose_main", args=[second.pk]))
    assert list(Purpose.objects.filter(owner=owner, is_main=True)) == [second]
    first.refresh_from_db()
    assert not first.is_main
    plan = owner_client.get(reverse("strategy:plan")).content.decode()
    assert "Main objective: <strong>Investors</strong>" in plan


@pytest.mark.django_db
def test_the_database_refuses_two_main_objectives(owner):
    PurposeFactory(owner=owner, is_main=True)
    with pytest.raises(IntegrityError):
        PurposeFactory(owner=owner, is_main=True)


@pytest.mark.django_db
def test_adding_a_purpose_twice_or_nothing_gets_a_clear_message(owner_client, owner):
    PurposeFactory(owner=owner, name="Customers")
    response = owner_client.post(reverse("strategy:purposes"), {"own": "customers"})
    assert response.status_code == 200
    assert "You already have the purpose “customers”." in response.content.decode()
    response = owner_client.post(reverse("strategy:purposes"), {})
    assert "Tick a standard purpose or write your own." in response.content.decode()
    assert Purpose.objects.filter(owner=owner).count() == 1


@pytest.mark.django_db
def test_tagging_a_contact_with_purposes_from_its_page(owner_client, owner, contact):
    customers = PurposeFactory(owner=owner, name="Customers")
    investors = PurposeFactory(owner=owner, name="Investors")
    page = owner_client.get(contact.get_absolute_url()).content.decode()
    assert "Purposes this person serves" in page and "Customers" in page
    owner_client.post(reverse("strategy:contact_purposes", args=[contact.pk]), {"purposes": [customers.pk]})
    assert list(contact.purposes.all()) == [customers]
    owner_client.post(reverse("strategy:contact_purposes", args=[contact.pk]), {"purposes": [investors.pk]})
    assert list(contact.purposes.all()) == [investors]
    owner_client.post(reverse("strategy:contact_purposes", args=[contact.pk]), {})
    assert not contact.purposes.exists()


@pytest.mark.django_db
def test_the_contact_list_filters_by_purpose(owner_client, owner):
    customers = PurposeFactory(owner=owner, name="Customers")
    buyer = ContactFactory(owner=owner, first_name="Bella", last_name="Buyer")
    ContactFactory(owner=owner, first_name="Otto", last_name="Other")
    customers.contacts.add(buyer)

    listing = owner_client.get(reverse("contacts:list")).content.decode()
    assert "Customers (1)" in listing  # purpose chips above the list
    assert reverse("strategy:purpose_contacts", args=[customers.pk]) in listing

    filtered = owner_client.get(reverse("strategy:purpose_contacts", args=[customers.pk]))
    html = filtered.content.decode()
    assert "Bella Buyer" in html and "Otto Other" not in html
    assert filtered.context["page"].paginator.count == 1
    assert 'aria-current="page">Customers (1)' in html


@pytest.mark.django_db
def test_the_purpose_filter_combines_with_search_and_says_when_nothing_matches(owner_client, owner):
    customers = PurposeFactory(owner=owner, name="Customers")
    customers.contacts.add(ContactFactory(owner=owner, first_name="Bella", company="Acme"))
    url = reverse("strategy:purpose_contacts", args=[customers.pk])
    assert owner_client.get(url, {"q": "Acme"}).context["page"].paginator.count == 1
    response = owner_client.get(url, {"q": "Globex"})
    assert response.context["page"].paginator.count == 0
    assert "No contacts match" in response.content.decode()


@pytest.mark.django_db
def test_removing_a_purpose_keeps_its_contacts(owner_client, owner, contact):
    customers = PurposeFactory(owner=owner, name="Customers")
    customers.contacts.add(contact)
    confirm = owner_client.get(reverse("strategy:purpose_delete", args=[customers.pk])).content.decode()
    assert "1 contact(s) lose this tag" in confirm
    owner_client.post(reverse("strategy:purpose_delete", args=[customers.pk]))
    assert not Purpose.objects.filter(pk=customers.pk).exists()
    contact.refresh_from_db()
    assert contact.first_name == "Ada"
