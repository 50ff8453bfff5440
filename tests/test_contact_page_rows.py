"""The contact page reads the contact's tags, emails, phones and important dates with the contact
itself on PostgreSQL (contacts.page_rows): the same rows, in the same order, as prefetches."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts import selectors
from contacts.models import Contact, ContactEmail, ContactPhone
from contacts.occasions import Occasion

from .factories import ContactFactory, TagFactory, UserFactory


def lists(contact):
    return (
        [(tag.pk, tag.name, tag.owner_id) for tag in contact.tags.all()],
        [(email.pk, email.address, email.position) for email in contact.emails.all()],
        [(phone.pk, phone.number, phone.position) for phone in contact.phones.all()],
        [(o.pk, o.kind, o.label, o.on, o.is_yearly) for o in contact.occasions.all()],
    )


@pytest.fixture
def ada(owner):
    ada = ContactFactory(owner=owner, first_name="Ada")
    ada.tags.add(TagFactory(owner=owner, name="zeta"), TagFactory(owner=owner, name="alpha"))
    ContactEmail.objects.create(contact=ada, address="second@example.com", position=1)
    ContactEmail.objects.create(contact=ada, address="first@example.com", position=0)
    ContactPhone.objects.create(contact=ada, number="+44 20 7946 0000", position=0)
    Occasion.objects.create(owner=owner, contact=ada, kind="work_anniversary", on=datetime.date(1604, 9, 1))
    Occasion.objects.create(
        owner=owner, contact=ada, kind="other", label="Met", on=datetime.date(2019, 3, 2), is_yearly=False
    )
    return ada


@pytest.mark.django_db
def test_the_lists_come_with_the_contact_in_one_statement_as_prefetches_would_bring_them(owner, ada):
    assert connection.vendor == "postgresql"
    prefetched = Contact.objects.prefetch_related("tags", "emails", "phones", "occasions").get(pk=ada.pk)
    with CaptureQueriesContext(connection) as queries:
        contact = selectors.contact_for_page(owner=owner, pk=ada.pk)
        read = lists(contact)
    assert len(queries) == 1
    assert read == lists(prefetched)
    assert [name for _pk, name, _owner in read[0]] == ["alpha", "zeta"]
    assert [address for _pk, address, _position in read[1]] == ["first@example.com", "second@example.com"]
    assert [on for *_rest, on, _yearly in read[3]] == [datetime.date(1604, 9, 1), datetime.date(2019, 3, 2)]


@pytest.mark.django_db
def test_a_contact_with_no_lists_reads_empty_ones_and_the_lists_still_filter(owner, ada):
    bare = ContactFactory(owner=owner, first_name="Bo")
    contact = selectors.contact_for_page(owner=owner, pk=bare.pk)
    assert lists(contact) == ([], [], [], [])
    # What reads on from the lists is still a query of the contact's own rows, not of everyone's.
    ada_page = selectors.contact_for_page(owner=owner, pk=ada.pk)
    assert list(ada_page.emails.filter(position=1).values_list("address", flat=True)) == ["second@example.com"]


@pytest.mark.django_db
def test_the_page_shows_them(owner_client, ada):
    html = owner_client.get(ada.get_absolute_url()).content.decode()
    assert html.index("first@example.com") < html.index("second@example.com")
    assert html.index(">alpha<") < html.index(">zeta<")
    assert "+44 20 7946 0000" in html


@pytest.mark.django_db
def test_another_users_contact_is_not_found(ada):
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.contact_for_page(owner=UserFactory(username="mallory"), pk=ada.pk)


@pytest.mark.django_db
def test_the_lists_rows_show_their_own_tags_and_first_email(owner_client, owner, ada):
    bo = ContactFactory(owner=owner, first_name="Bo")
    ContactEmail.objects.create(contact=bo, address="bo@example.com", position=0)
    response = owner_client.get("/contacts/")
    rows = {contact.first_name: contact for contact in response.context["page"].object_list}
    assert [tag.name for tag in rows["Ada"].listed_tags] == ["alpha", "zeta"] and rows["Bo"].listed_tags == []
    html = response.content.decode()
    assert "first@example.com" in html and "second@example.com" not in html and "bo@example.com" in html
