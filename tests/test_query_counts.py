"""The contact list and page cost the same number of queries at 10 and at 500 contacts."""

import pytest
from django.urls import reverse

from .factories import ClassificationFactory, ContactEmailFactory, ContactFactory, InteractionFactory, TagFactory


def build_network(owner, size):
    classifications = [ClassificationFactory(owner=owner) for _ in range(3)]
    tag = TagFactory(owner=owner)
    contacts = ContactFactory.create_batch(size, owner=owner, classification=classifications[0])
    for contact in contacts[:25]:
        contact.tags.add(tag)
        ContactEmailFactory(contact=contact)
        InteractionFactory(contact=contact)
    return contacts


LIST_QUERIES = 9  # session, user, count, page of contacts, tags, emails, classifications, tags list, purposes
# session, user, contact, tags, emails, phones, interactions, reminders, promises, ledger balance, purposes
DETAIL_QUERIES = 11


@pytest.mark.django_db
@pytest.mark.parametrize("size", [10, 500])
def test_contact_list_queries_do_not_grow(owner_client, owner, size, django_assert_num_queries):
    build_network(owner, size)
    owner_client.get(reverse("home"))  # first page of the session caches the time zone
    with django_assert_num_queries(LIST_QUERIES):
        response = owner_client.get(reverse("contacts:list"))
    assert response.context["page"].paginator.count == size


@pytest.mark.django_db
@pytest.mark.parametrize("size", [10, 500])
def test_contact_page_queries_do_not_grow(owner_client, owner, size, django_assert_num_queries):
    contacts = build_network(owner, size)
    for _ in range(size // 10):
        InteractionFactory(contact=contacts[0])
    owner_client.get(reverse("home"))  # first page of the session caches the time zone
    with django_assert_num_queries(DETAIL_QUERIES):
        response = owner_client.get(contacts[0].get_absolute_url())
    assert response.status_code == 200
