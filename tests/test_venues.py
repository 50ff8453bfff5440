"""Venues: the venue questions, return figures, the three-attendance rule, ranking, bad input."""

from decimal import Decimal

import pytest
from django.urls import reverse

from strategy.models import Venue
from strategy.selectors import venue_ranking

from .factories import ContactFactory, InteractionFactory
from .strategy_factories import EventFactory, PersonMetFactory, VenueFactory


def venue_with_known_return(owner, *, name="Founders club", attended=3, hours=Decimal("8")):
    """3 attended events, 4 different people met (one of them twice), 5 interactions with them,
    of which 2 contributions given and 1 received; plus noise that must not count."""
    venue = VenueFactory(owner=owner, name=name, hours_spent=hours)
    events = [EventFactory(owner=owner, venue=venue, attended=index < attended) for index in range(3)]
    people = ContactFactory.create_batch(4, owner=owner)
    for event, person in zip([events[0], events[0], events[1], events[2]], people, strict=True):
        PersonMetFactory(event=event, contact=person)
    PersonMetFactory(event=events[2], contact=people[0])  # met again: still one contact
    InteractionFactory(contact=people[0])
    InteractionFactory(contact=people[0], contribution_direction="given", contribution_kind="introduction")
    InteractionFactory(contact=people[1], contribution_direction="given", contribution_kind="advice")
    InteractionFactory(contact=people[2], contribution_direction="received", contribution_kind="referral")
    InteractionFactory(contact=people[3])
    InteractionFactory(contact=ContactFactory(owner=owner))  # someone not met there
    return venue


@pytest.mark.django_db
def test_a_venue_shows_its_return_on_a_known_data_set(owner_client, owner):
    venue = venue_with_known_return(owner)
    result = owner_client.get(venue.get_absolute_url()).context["result"]
    assert result.venue.attendances == 3
    assert result.venue.contacts_met == 4
    assert result.venue.interactions_count == 5
    assert (result.venue.given_count, result.venue.received_count, result.contributions) == (2, 1, 3)
    assert result.contacts_per_hour == Decimal("0.50")
    assert result.is_judged
    html = owner_client.get(reverse("strategy:venue_list")).content.decode()
    assert "0.50" in html and "not judged yet" not in html


@pytest.mark.django_db
def test_a_venue_with_fewer_than_three_attendances_is_not_judged_yet(owner_client, owner):
    venue = venue_with_known_return(owner, attended=2)
    result = owner_client.get(venue.get_absolute_url()).context["result"]
    assert result.venue.attendances == 2
    assert not result.is_judged
    html = owner_client.get(reverse("strategy:venue_list")).content.decode()
    assert "not judged yet" in html
    assert "1 more attendance to go" in html
    assert "No venue is judged yet" in html


@pytest.mark.django_db
def test_a_venue_without_hours_shows_no_contacts_per_hour(owner):
    venue_with_known_return(owner, hours=Decimal("0"))
    (result,) = venue_ranking(owner=owner).ranked
    assert result.contacts_per_hour is None


@pytest.mark.django_db
def test_the_venues_page_ranks_by_return_and_suggests_the_best_one_or_two(owner_client, owner):
    venue_with_known_return(owner, name="Middling", hours=Decimal("16"))  # 0.25 per hour
    venue_with_known_return(owner, name="Best", hours=Decimal("4"))  # 1.00 per hour
    venue_with_known_return(owner, name="Third", hours=Decimal("40"))  # 0.10 per hour
    venue_with_known_return(owner, name="New", attended=1, hours=Decimal("1"))  # 4 per hour, not judged
    ranking = owner_client.get(reverse("strategy:venue_list")).context["ranking"]
    assert [r.venue.name for r in ranking.ranked] == ["Best", "Middling", "Third", "New"]
    assert [r.venue.name for r in ranking.focus] == ["Best", "Middling"]
    html = owner_client.get(reverse("strategy:venue_list")).content.decode()
    assert "Focus on <strong>Best</strong> and <strong>Middling</strong>" in html


@pytest.mark.django_db
def test_a_venue_without_the_target_market_is_not_suggested_and_asks_to_be_reconsidered(owner_client, owner):
    best = venue_with_known_return(owner, name="Best", hours=Decimal("4"))
    best.target_market_present = "no"
    best.save()
    venue_with_known_return(owner, name="Middling", hours=Decimal("16"))
    ranking = venue_ranking(owner=owner)
    assert [r.venue.name for r in ranking.focus] == ["Middling"]
    assert [r.venue.name for r in ranking.reconsider] == ["Best"]
    html = owner_client.get(reverse("strategy:venue_list")).content.decode()
    assert "Reconsider: your target market is not there." in html


@pytest.mark.django_db
def test_adding_a_venue_with_the_venue_questions(owner_client, owner):
    response = owner_client.post(
        reverse("strategy:venue_create"),
        {
            "name": "Women in Tech Berlin",
            "kind": "meetup",
            "url": "meetup.example/witb",
            "target_market_present": "yes",
            "interaction_quality": "4",
            "hours_spent": "12.5",
            "spread_too_thin": "no",
        },
    )
    venue = Venue.objects.get(owner=owner)
    assert response.status_code == 302 and response["Location"] == venue.get_absolute_url()
    assert venue.url == "https://meetup.example/witb"
    assert (venue.interaction_quality, venue.hours_spent) == (4, Decimal("12.5"))
    page = owner_client.get(venue.get_absolute_url()).content.decode()
    assert "4 / 5" in page and "12.5" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field, value, message",
    [
        ("hours_spent", "-3", "Hours spent cannot be negative."),
        ("hours_spent", "10000.5", "Over 10,000 hours?"),
        ("hours_spent", "lots", "Enter a number."),
        ("url", "not a url", "Enter a web address such as https://example.org/group."),
        ("interaction_quality", "7", "Rate the interactions from 1"),
        ("name", "", "This field is required."),
    ],
)
def test_bad_venue_input_gets_a_message_on_the_field(owner_client, owner, field, value, message):
    data = {"name": "Club", "kind": "association", "hours_spent": "3", field: value}
    response = owner_client.post(reverse("strategy:venue_create"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Venue.objects.filter(owner=owner).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 30])
def test_the_venues_page_queries_do_not_grow(owner_client, owner, size, django_assert_num_queries):
    for index in range(size):
        venue_with_known_return(owner, name=f"Venue {index}")
    owner_client.get(reverse("home"))
    with django_assert_num_queries(3):  # session, user, venues with their return
        response = owner_client.get(reverse("strategy:venue_list"))
    assert len(response.context["ranking"].ranked) == size
