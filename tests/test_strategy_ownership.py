"""Every strategy object URL answers 404 to a stranger and changes nothing of the owner's."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from contacts.models import Contact
from strategy.models import Event, PersonMet, Plan, Purpose, Venue

from .factories import ClassificationFactory, ContactFactory, UserFactory
from .strategy_factories import EventFactory, PersonMetFactory, PlanFactory, PurposeFactory, VenueFactory


@pytest.fixture
def owned(owner, contact):
    purpose = PurposeFactory(owner=owner, name="Customers", is_main=True)
    purpose.contacts.add(contact)
    venue = VenueFactory(owner=owner, name="Owner's club")
    event = EventFactory(owner=owner, venue=venue, name="Owner's meetup")
    PersonMetFactory(event=event, contact=contact)
    PlanFactory(owner=owner, who_to_invite="Owner's secret plan text")
    return {"contact": contact, "purpose": purpose, "venue": venue, "event": event}


def object_urls(o):
    return [
        reverse("strategy:purpose_main", args=[o["purpose"].pk]),
        reverse("strategy:purpose_delete", args=[o["purpose"].pk]),
        reverse("strategy:purpose_contacts", args=[o["purpose"].pk]),
        reverse("strategy:contact_purposes", args=[o["contact"].pk]),
        reverse("strategy:venue_detail", args=[o["venue"].pk]),
        reverse("strategy:venue_edit", args=[o["venue"].pk]),
        reverse("strategy:venue_delete", args=[o["venue"].pk]),
        reverse("strategy:event_detail", args=[o["event"].pk]),
        reverse("strategy:event_edit", args=[o["event"].pk]),
        reverse("strategy:event_delete", args=[o["event"].pk]),
        reverse("strategy:event_add_people", args=[o["event"].pk]),
        reverse("strategy:event_remove_person", args=[o["event"].pk, o["contact"].pk]),
    ]


@pytest.mark.django_db
def test_a_stranger_gets_404_on_every_strategy_object_url_and_changes_nothing(stranger_client, owned):
    hijack = {"name": "Mine now", "held_on": "2026-01-01", "goal_people": "1", "hours_spent": "1", "kind": "other"}
    for url in object_urls(owned):
        get = stranger_client.get(url)
        assert get.status_code in (404, 405), url
        assert stranger_client.post(url, hijack).status_code == 404, url
    assert Purpose.objects.get(pk=owned["purpose"].pk).is_main
    assert Venue.objects.get(pk=owned["venue"].pk).name == "Owner's club"
    assert Event.objects.get(pk=owned["event"].pk).name == "Owner's meetup"
    assert PersonMet.objects.filter(event=owned["event"]).count() == 1
    assert list(owned["contact"].purposes.all()) == [owned["purpose"]]


@pytest.mark.django_db
def test_the_owner_reaches_every_page(owner_client, owned):
    for url in object_urls(owned):
        if url.endswith(("/main/", "/purposes/", "/people/", "/remove/")):
            continue
        assert owner_client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_a_stranger_sees_only_their_own_plan_venues_events_and_purposes(stranger_client, owned, stranger):
    for name in ("strategy:plan", "strategy:venue_list", "strategy:event_list", "strategy:purposes", "strategy:ledger"):
        html = stranger_client.get(reverse(name)).content.decode()
        for secret in ("Owner&#x27;s secret plan text", "Owner&#x27;s club", "Owner&#x27;s meetup", "Customers ("):
            assert secret not in html, (name, secret)
    export = stranger_client.get(reverse("strategy:plan_export")).content.decode()
    assert "Owner's secret plan text" not in export
    assert Plan.objects.filter(owner=stranger).count() == 0  # reading never creates someone a plan row


@pytest.mark.django_db
def test_a_stranger_cannot_record_the_owners_contact_at_their_event(stranger_client, stranger, owned):
    theirs = EventFactory(owner=stranger)
    response = stranger_client.post(
        reverse("strategy:event_add_people", args=[theirs.pk]),
        {"people-TOTAL_FORMS": "1", "people-INITIAL_FORMS": "0", "existing": [owned["contact"].pk]},
    )
    assert response.status_code == 422
    assert "That contact is not in your network." in response.content.decode()
    assert not PersonMet.objects.filter(event=theirs).exists()


@pytest.mark.django_db
def test_a_stranger_cannot_classify_new_people_with_the_owners_classification(stranger_client, stranger, owned):
    theirs = EventFactory(owner=stranger)
    owners_classification = owned["contact"].classification
    response = stranger_client.post(
        reverse("strategy:event_add_people", args=[theirs.pk]),
        {
            "people-TOTAL_FORMS": "1",
            "people-INITIAL_FORMS": "0",
            "people-0-first_name": "Eve",
            "people-0-classification": owners_classification.pk,
        },
    )
    assert response.status_code == 422
    assert not Contact.objects.filter(owner=stranger).exists()


@pytest.mark.django_db
def test_a_stranger_cannot_tag_their_contact_with_the_owners_purpose(stranger_client, stranger, owned):
    theirs = ContactFactory(owner=stranger, classification=ClassificationFactory(owner=stranger))
    stranger_client.post(reverse("strategy:contact_purposes", args=[theirs.pk]), {"purposes": [owned["purpose"].pk]})
    assert not theirs.purposes.exists()


@pytest.mark.django_db
def test_a_stranger_cannot_pick_the_owners_venue_for_their_event(stranger_client, stranger, owned):
    response = stranger_client.post(
        reverse("strategy:event_create"),
        {"name": "Sneaky", "venue": owned["venue"].pk, "held_on": "2026-01-01", "goal_people": "1"},
    )
    assert response.status_code == 200
    assert "venue" in response.context["form"].errors
    assert not Event.objects.filter(owner=stranger).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "strategy:plan",
        "strategy:plan_edit",
        "strategy:plan_export",
        "strategy:purposes",
        "strategy:venue_list",
        "strategy:event_list",
        "strategy:ledger",
    ],
)
def test_strategy_pages_need_a_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_unknown_or_non_numeric_ids_give_404(owner_client):
    assert owner_client.get("/plan/venues/999999/").status_code == 404
    assert owner_client.get("/plan/events/abc/").status_code == 404


@pytest.mark.django_db
def test_a_staff_user_sees_only_their_own_venues_and_events_in_the_admin(client, owned):
    staff = UserFactory(username="staffer", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="strategy"))
    client.force_login(staff)
    VenueFactory(owner=staff, name="Staff venue")
    listing = client.get(reverse("admin:strategy_venue_changelist")).content.decode()
    assert "Staff venue" in listing and "Owner&#x27;s club" not in listing
    assert client.get(reverse("admin:strategy_event_change", args=[owned["event"].pk])).status_code == 302
    response = client.post(
        reverse("admin:strategy_event_add"),
        {"name": "Admin event", "held_on": "2026-01-05", "goal_people": "2", "venue": owned["venue"].pk},
    )
    assert response.status_code == 200  # the owner's venue is not a valid choice
    client.post(
        reverse("admin:strategy_event_add"), {"name": "Admin event", "held_on": "2026-01-05", "goal_people": "2"}
    )
    event = Event.objects.get(name="Admin event")
    assert event.owner == staff
    assert event.follow_up_due_at is not None
