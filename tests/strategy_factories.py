"""Factories for the strategy app (plan, purposes, venues, events, people met)."""

import datetime

import factory
from django.utils import timezone

from strategy.models import Event, PersonMet, Plan, Purpose, Venue

from .factories import UserFactory


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan
        django_get_or_create = ("owner",)

    owner = factory.SubFactory(UserFactory)


class PurposeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Purpose

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Purpose {n}")


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Venue {n}")
    kind = Venue.Kind.MEETUP
    hours_spent = 0


def _start(day: datetime.date, days_after: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day + datetime.timedelta(days=days_after), datetime.time.min, tzinfo=datetime.UTC)


class EventFactory(factory.django.DjangoModelFactory):
    """An event in UTC: follow-up moment at the start of the third day after it (as save_event does)."""

    class Meta:
        model = Event

    owner = factory.SubFactory(UserFactory)
    venue = factory.LazyAttribute(lambda e: VenueFactory(owner=e.owner))
    name = factory.Sequence(lambda n: f"Meetup {n}")
    held_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=7))
    starts_at = factory.LazyAttribute(lambda e: _start(e.held_on))
    follow_up_due_at = factory.LazyAttribute(lambda e: _start(e.held_on, 3))
    goal_people = 2
    attended = True


class PersonMetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonMet

    event = factory.SubFactory(EventFactory)
    contact = factory.SubFactory("tests.factories.ContactFactory", owner=factory.SelfAttribute("..event.owner"))
