"""Introductions: who introduced you, "I introduced A to B" (help given to both, in both
timelines, one transaction), where you met as a venue or an event, and the ledger's counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact, Interaction, Introduction
from followups.introductions import services as introductions
from followups.models import Reminder
from strategy.models import MetAt
from strategy.selectors import contact_ledger
from strategy.selectors.purposes_venues_events import PLACES_TO_PICK, places_to_pick

from .factories import ContactFactory, InteractionFactory
from .followup_factories import ReminderFactory
from .strategy_factories import EventFactory, VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bea(owner, classification):
    return ContactFactory(owner=owner, classification=classification, first_name="Bea", last_name="Quill")


def introduce_url(contact, search=""):
    url = reverse("followups:introduce", args=[contact.pk])
    return f"{url}?q={search}" if search else url


def test_introducing_a_to_b_puts_it_in_both_timelines_each_linking_to_the_other(owner_client, contact, bea):
    response = owner_client.post(introduce_url(contact, "Bea"), {"introduced_to": bea.pk, "note": "Both build engines"})
    assert response.status_code == 302

    ada_page = owner_client.get(contact.get_absolute_url()).content.decode()
    assert f'You introduced Ada to <a href="{bea.get_absolute_url()}">Bea Quill</a>' in ada_page
    bea_page = owner_client.get(bea.get_absolute_url()).content.decode()
    assert f'You introduced <a href="{contact.get_absolute_url()}">Ada Lovelace</a> to Bea' in bea_page
    for page in (ada_page, bea_page):
        assert "I gave: introduction" in page and "Both build engines" in page
    assert Introduction.objects.get().note == "Both build engines"


def test_an_introduction_is_help_given_to_both_and_one_introduction_made_in_the_ledger(owner_client, contact, bea):
    introductions.introduce(contact=contact, introduced_to=bea)
    assert contact_ledger(contact=contact).given == 1
    assert contact_ledger(contact=bea).given == 1

    ledger = owner_client.get(reverse("strategy:ledger")).content.decode()
    assert '<div class="display-6" id="ledger-given">2</div>' in ledger
    assert '<div class="fs-3" id="introductions-made">1</div>' in ledger


def test_an_introduction_moves_both_due_moments_and_settles_their_open_reminders(contact, bea):
    long_ago = timezone.now() - datetime.timedelta(days=90)
    for person in (contact, bea):
        InteractionFactory(contact=person, occurred_at=long_ago)
        ReminderFactory(contact=person, kind=Reminder.Kind.CADENCE)
    Contact.objects.filter(pk__in=[contact.pk, bea.pk]).update(next_due_at=long_ago)

    introduction = introductions.introduce(contact=contact, introduced_to=bea)

    for person in (contact, bea):
        person.refresh_from_db()
        assert person.next_due_at == introduction.made_at + datetime.timedelta(days=30)
        reminder = Reminder.objects.get(contact=person)
        assert reminder.state == Reminder.State.DONE
        assert reminder.resolved_by == Interaction.objects.get(contact=person, introduction=introduction)


def test_introducing_someone_to_themselves_is_refused_by_name_and_writes_nothing(owner_client, contact):
    response = owner_client.post(introduce_url(contact), {"introduced_to": contact.pk})
    assert response.status_code == 422
    assert "Ada Lovelace cannot be introduced to themselves; pick someone else." in response.content.decode()
    assert not Introduction.objects.exists() and not Interaction.objects.exists()


def test_another_users_contact_cannot_be_picked(owner_client, contact, stranger):
    theirs = ContactFactory(owner=stranger, first_name="Mallory")
    pickers = [
        (introduce_url(contact), "introduced_to"),
        (reverse("contacts:introduced_by", args=[contact.pk]), "introduced_by"),
    ]
    for url, field in pickers:
        response = owner_client.post(url, {field: theirs.pk})
        assert response.status_code == 422
        assert "Pick one of your contacts (search for them by name)." in response.content.decode()
    contact.refresh_from_db()
    assert contact.introduced_by is None
    assert not Introduction.objects.exists() and not Interaction.objects.exists()


def test_an_introduction_with_nobody_picked_says_so(owner_client, contact):
    response = owner_client.post(introduce_url(contact), {"note": "hello"})
    assert response.status_code == 422
    assert "Pick the person you introduced them to." in response.content.decode()


def test_an_introduction_is_all_or_nothing(contact, bea, monkeypatch):
    from followups import services as followup_services

    real_log, calls = followup_services.log_interaction, []

    def fail_the_second(**fields):
        calls.append(fields["contact"])
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real_log(**fields)

    monkeypatch.setattr(followup_services, "log_interaction", fail_the_second)
    with pytest.raises(RuntimeError):
        introductions.introduce(contact=contact, introduced_to=bea)
    assert not Introduction.objects.exists() and not Interaction.objects.exists()


def test_the_picker_finds_by_name_without_the_person_themselves(owner_client, owner, contact, bea):
    ContactFactory(owner=owner, first_name="Adam", last_name="Smith")
    page = owner_client.get(introduce_url(contact, "Ad")).content.decode()
    assert "Adam Smith" in page and f'id="pick-{contact.pk}"' not in page
    assert "Search above for the person" in owner_client.get(introduce_url(contact)).content.decode()
    assert "Nobody else matches “Zed”" in owner_client.get(introduce_url(contact, "Zed")).content.decode()


def test_who_introduced_you_shows_on_both_pages_and_in_the_ledger(owner_client, owner, contact, bea):
    url = reverse("contacts:introduced_by", args=[contact.pk])
    assert "Bea Quill" in owner_client.get(url + "?q=quill").content.decode()
    response = owner_client.post(url + "?q=quill", {"introduced_by": bea.pk})
    assert response.status_code == 302

    ada_page = owner_client.get(contact.get_absolute_url()).content.decode()
    assert f'Introduced to you by</span> <a href="{bea.get_absolute_url()}">Bea Quill</a>' in ada_page
    bea_page = owner_client.get(bea.get_absolute_url()).content.decode()
    assert "People Bea introduced you to (1)" in bea_page
    assert f'<a href="{contact.get_absolute_url()}">Ada Lovelace</a>' in bea_page
    ledger = owner_client.get(reverse("strategy:ledger")).content.decode()
    assert '<div class="fs-3" id="introductions-received">1</div>' in ledger
    assert "Bea Quill</a>: 1" in ledger

    response = owner_client.post(url, {"introduced_by": ""})
    assert response.status_code == 422
    assert "Pick the person who introduced you (search for them by name)." in response.content.decode()
    owner_client.post(url, {"nobody": "on"})
    contact.refresh_from_db()
    assert contact.introduced_by is None


def test_nobody_introduces_you_to_themselves(owner_client, contact):
    response = owner_client.post(reverse("contacts:introduced_by", args=[contact.pk]), {"introduced_by": contact.pk})
    assert response.status_code == 422
    assert "Ada Lovelace cannot be introduced by themselves; pick someone else." in response.content.decode()
    contact.refresh_from_db()
    assert contact.introduced_by is None


def test_where_you_met_points_to_an_event_or_a_venue(owner_client, owner, contact):
    venue = VenueFactory(owner=owner, name="PyData London")
    event = EventFactory(owner=owner, venue=venue, name="PyData March")
    url = reverse("strategy:contact_met_at", args=[contact.pk])

    owner_client.post(url, {"place": f"event:{event.pk}"})
    page = owner_client.get(contact.get_absolute_url()).content.decode()
    assert f'At the event <a href="{event.get_absolute_url()}">PyData March</a>' in page
    assert f'<a href="{venue.get_absolute_url()}">PyData London</a>' in page

    owner_client.post(url, {"place": f"venue:{venue.pk}"})
    assert MetAt.objects.get(contact=contact).venue == venue and MetAt.objects.get(contact=contact).event is None

    owner_client.post(url, {"place": ""})
    assert not MetAt.objects.exists()


def test_the_where_you_met_picker_offers_your_venues_by_name_and_your_latest_events(owner, contact, stranger):
    EventFactory(owner=stranger, venue=VenueFactory(owner=stranger, name="Their venue"), name="Their event")
    zebra, *_ = [VenueFactory(owner=owner, name=name) for name in ["Zebra Club", "Alpha Hall", "Midtown Meetup"]]
    today = datetime.date(2026, 11, 30)
    for days_ago in range(PLACES_TO_PICK + 5):  # more than the picker offers
        EventFactory(
            owner=owner, venue=zebra, name=f"Event {days_ago}", held_on=today - datetime.timedelta(days=days_ago)
        )

    venues, events = places_to_pick(owner=owner)

    assert [venue.name for venue in venues] == ["Alpha Hall", "Midtown Meetup", "Zebra Club"]
    assert [event.name for event in events] == [f"Event {n}" for n in range(PLACES_TO_PICK)]  # newest first
    assert events[0].held_on == today and all(event.owner_id == owner.pk for event in events)


def test_a_venue_of_another_user_cannot_be_where_you_met(owner_client, contact, stranger):
    theirs = VenueFactory(owner=stranger)
    response = owner_client.post(reverse("strategy:contact_met_at", args=[contact.pk]), {"place": f"venue:{theirs.pk}"})
    assert response.status_code == 302
    assert "Pick one of your venues or events." in owner_client.get(response.url).content.decode()
    assert not MetAt.objects.exists()


def test_people_added_at_an_event_were_met_there(owner_client, owner, contact):
    event = EventFactory(owner=owner, held_on=timezone.localdate() - datetime.timedelta(days=1))
    owner_client.post(
        reverse("strategy:event_add_people", args=[event.pk]),
        {
            "people-TOTAL_FORMS": "1",
            "people-INITIAL_FORMS": "0",
            "people-0-first_name": "Carla",
            "existing": [contact.pk],
        },
    )
    carla = Contact.objects.get(first_name="Carla")
    assert MetAt.objects.get(contact=carla).event == event
    assert not MetAt.objects.filter(contact=contact).exists()  # already known: where you first met stays


def test_deleting_one_of_the_pair_keeps_the_other_persons_history(owner_client, owner, contact, bea):
    introductions.introduce(contact=contact, introduced_to=bea)
    carl = ContactFactory(owner=owner, first_name="Carl", introduced_by=contact)
    MetAt.objects.create(contact=contact, venue=VenueFactory(owner=owner))
    response = owner_client.post(
        reverse("contacts:bulk"), {"action": "delete", "contact": [contact.pk], "confirmed": "on", "expected_count": 1}
    )
    assert response.status_code == 302 and not Contact.objects.filter(pk=contact.pk).exists()
    assert not Introduction.objects.exists() and not MetAt.objects.exists()
    kept = Interaction.objects.get(contact=bea)
    assert kept.introduction is None and kept.summary == "Introduced to Ada Lovelace"
    carl.refresh_from_db()
    assert carl.introduced_by is None
    assert "Introduced to Ada Lovelace" in owner_client.get(bea.get_absolute_url()).content.decode()
