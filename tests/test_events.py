"""Events: a goal, the people met added at once (the business-card moment), goal met or not."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from contacts.models import Contact
from strategy.models import Event, PersonMet

from .factories import ClassificationFactory, ContactFactory
from .strategy_factories import EventFactory, PersonMetFactory, VenueFactory

TODAY = datetime.datetime(2026, 5, 14, 10, tzinfo=datetime.UTC)


def people_data(*rows, total_forms=3):
    data = {"people-TOTAL_FORMS": str(total_forms), "people-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"people-{index}-{key}"] = value
    return data


@pytest.fixture
def travel():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.mark.django_db
def test_creating_an_event_with_a_goal_at_a_venue(owner_client, owner, travel):
    venue = VenueFactory(owner=owner, name="Founders club")
    response = owner_client.post(
        reverse("strategy:event_create"),
        {"name": "May meetup", "venue": venue.pk, "held_on": "2026-05-20", "goal_people": "2", "goal_note": "A CTO"},
    )
    event = Event.objects.get(owner=owner)
    assert response["Location"] == event.get_absolute_url()
    assert event.starts_at == datetime.datetime(2026, 5, 20, tzinfo=datetime.UTC)
    assert event.follow_up_due_at == datetime.datetime(2026, 5, 23, tzinfo=datetime.UTC)
    page = owner_client.get(event.get_absolute_url()).content.decode()
    assert "Meet 2 new people" in page
    assert "has not happened yet" in page  # no business cards before the event


@pytest.mark.django_db
def test_the_follow_up_moment_is_in_the_users_time_zone(owner_client, owner, travel):
    owner_client.post(
        reverse("followups:preferences"),
        {
            "time_zone": "Pacific/Auckland",
            "digest_enabled": "on",
            "digest_weekday": 0,
            "digest_hour": 8,
            "outreach_list_size": 5,
            "digest_size": 10,
            "date_reminder_days": 7,
        },
    )
    owner_client.post(
        reverse("strategy:event_create"), {"name": "Kiwi meetup", "held_on": "2026-05-10", "goal_people": 1}
    )
    event = Event.objects.get(owner=owner)
    # Midnight of 13 May in Auckland (UTC+12) is noon on 12 May in UTC.
    assert event.follow_up_due_at == datetime.datetime(2026, 5, 12, 12, tzinfo=datetime.UTC)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"goal_people": "0"}, "goal_people", "Set a goal of at least 1 person"),
        ({"goal_people": "-2"}, "goal_people", "Set a goal of at least 1 person"),
        ({"goal_people": "500"}, "goal_people", "more than 100 people"),
        ({"held_on": "2026-09-01", "attended": "on"}, "attended", "has not happened yet"),
        ({"held_on": "2099-01-01"}, "held_on", "more than 10 years away"),
        ({"held_on": "1999-01-01"}, "held_on", "more than 10 years ago"),
        ({"held_on": "14/05/2026"}, "held_on", "Enter a valid date."),
        ({"name": ""}, "name", "This field is required."),
    ],
)
def test_bad_event_input_gets_a_message_on_the_field(owner_client, owner, travel, data, field, message):
    response = owner_client.post(
        reverse("strategy:event_create"), {"name": "Meetup", "held_on": "2026-05-10", "goal_people": "2", **data}
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_adding_several_new_people_at_once_creates_classified_contacts_and_meets_the_goal(owner_client, owner, travel):
    clients = ClassificationFactory(owner=owner, name="Prospects", contact_every_days=21)
    event = EventFactory(
        owner=owner, name="May meetup", held_on=datetime.date(2026, 5, 13), goal_people=2, attended=False
    )
    response = owner_client.post(
        reverse("strategy:event_add_people", args=[event.pk]),
        people_data(
            {
                "first_name": "Grace",
                "last_name": "Hopper",
                "company": "Navy",
                "email": "grace@navy.example",
                "classification": clients.pk,
            },
            {"first_name": "Alan", "last_name": "Kay", "classification": clients.pk},
        ),
    )
    assert response.status_code == 302
    grace = Contact.objects.get(owner=owner, first_name="Grace")
    assert grace.emails.get().address == "grace@navy.example"
    assert grace.classification == clients
    assert grace.how_we_met == "Met at May meetup"
    assert event.venue.name in grace.where_we_met
    assert grace.next_due_at == TODAY + datetime.timedelta(days=21)  # the cadence is set for bulk-created contacts
    event.refresh_from_db()
    assert event.attended
    page = owner_client.get(event.get_absolute_url())
    assert page.context["event"].goal_met
    html = page.content.decode()
    assert "goal met" in html and "2 met" in html and "Grace Hopper" in html and "Alan Kay" in html


@pytest.mark.django_db
def test_one_person_met_out_of_a_goal_of_two_is_not_met(owner_client, owner, travel):
    event = EventFactory(owner=owner, goal_people=2)
    PersonMetFactory(event=event)
    page = owner_client.get(event.get_absolute_url())
    assert not page.context["event"].goal_met
    assert "goal not met" in page.content.decode()
    listing = owner_client.get(reverse("strategy:event_list")).content.decode()
    assert "1 of 2 met" in listing and "goal not met" in listing


@pytest.mark.django_db
def test_a_known_contact_can_be_added_and_is_not_recorded_twice(owner_client, owner, contact, travel):
    event = EventFactory(owner=owner)
    found = owner_client.get(event.get_absolute_url(), {"find": "Lovelace"})
    assert [c.pk for c in found.context["matches"]] == [contact.pk]
    url = reverse("strategy:event_add_people", args=[event.pk])
    owner_client.post(url, {**people_data(), "existing": [contact.pk]})
    owner_client.post(url, {**people_data(), "existing": [contact.pk]})
    assert PersonMet.objects.filter(event=event, contact=contact).count() == 1
    assert Contact.objects.filter(owner=owner).count() == 1
    assert owner_client.get(event.get_absolute_url(), {"find": "Lovelace"}).context["matches"] == []


@pytest.mark.django_db
def test_a_row_without_a_first_name_is_refused_and_nothing_is_added(owner_client, owner, travel):
    event = EventFactory(owner=owner)
    response = owner_client.post(
        reverse("strategy:event_add_people", args=[event.pk]),
        people_data({"first_name": "Grace"}, {"company": "Acme", "email": "not-an-email"}),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Each person needs at least a first name." in html
    assert "Enter a valid email address." in html
    assert not Contact.objects.filter(owner=owner).exists()
    assert not PersonMet.objects.exists()


@pytest.mark.django_db
def test_an_empty_people_form_says_so(owner_client, owner, travel):
    event = EventFactory(owner=owner)
    response = owner_client.post(reverse("strategy:event_add_people", args=[event.pk]), people_data(), follow=True)
    assert "Fill in at least one person you met." in response.content.decode()


@pytest.mark.django_db
def test_people_cannot_be_added_to_an_event_that_has_not_happened(owner_client, owner, travel):
    event = EventFactory(owner=owner, held_on=datetime.date(2026, 6, 1), attended=False)
    response = owner_client.post(
        reverse("strategy:event_add_people", args=[event.pk]), people_data({"first_name": "Grace"})
    )
    assert response.status_code == 422
    assert "once the event has happened" in response.content.decode()
    assert not Contact.objects.filter(owner=owner).exists()


@pytest.mark.django_db
def test_removing_a_person_met_keeps_the_contact(owner_client, owner, travel):
    meeting = PersonMetFactory(event=EventFactory(owner=owner))
    owner_client.post(reverse("strategy:event_remove_person", args=[meeting.event.pk, meeting.contact.pk]))
    assert not PersonMet.objects.exists()
    assert Contact.objects.filter(pk=meeting.contact.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 40])
def test_the_events_page_queries_do_not_grow(owner_client, owner, size, django_assert_num_queries):
    venue = VenueFactory(owner=owner)
    for _ in range(size):
        event = EventFactory(owner=owner, venue=venue)
        PersonMetFactory(event=event, contact=ContactFactory(owner=owner))
    owner_client.get(reverse("home"))
    with django_assert_num_queries(4):  # session, user, count, page of events with venue and people count
        response = owner_client.get(reverse("strategy:event_list"))
    assert response.context["page"].paginator.count == size
