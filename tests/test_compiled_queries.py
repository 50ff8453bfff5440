"""Querysets compiled once per process (netcrm.compiled): the follow-ups page's rows and the
plan's venue returns are compiled once per user, day and filter, and read afresh every time."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from netcrm.compiled import CompiledQueries

from .factories import ContactFactory, UserFactory
from .test_followups_page import NOW, contact_due, section_names

BOARD = reverse("followups:board")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_each_user_and_each_day_has_its_own_rows(owner, owner_client):
    """The page is asked of the same process again and again: nobody gets another user's rows,
    a new day moves the rows, and what changed in between shows."""
    other = UserFactory(username="other")
    with time_machine.travel(NOW, tick=False) as clock:
        contact_due(owner, due_in_days=1, first_name="Ada")  # due tomorrow
        contact_due(other, due_in_days=0, first_name="Oz")
        for _ in range(2):  # the second visit reads through the compiled rows
            assert section_names(owner_client.get(BOARD), "week") == ["Ada"]
            assert section_names(logged_in(other).get(BOARD), "today") == ["Oz"]
        contact_due(owner, due_in_days=0, first_name="Bo")  # added since: read afresh
        assert section_names(owner_client.get(BOARD), "today") == ["Bo"]
        clock.move_to(NOW + datetime.timedelta(days=1))
        # The next day Ada's day has come, and Bo, due yesterday, is still among today's.
        assert sorted(section_names(owner_client.get(BOARD), "today")) == ["Ada", "Bo"]
        assert section_names(owner_client.get(BOARD), "week") == []


def test_the_compiled_are_kept_by_their_arguments_and_dropped_when_full():
    compiled = CompiledQueries(kept=2)
    built = []

    def build(name):
        def queryset():
            from contacts.models import Contact

            built.append(name)
            return Contact.objects.filter(first_name=name)

        return queryset

    ada = compiled.sql("ada", build("Ada"))
    assert compiled.sql("ada", build("Ada")) == ada and built == ["Ada"]
    assert compiled.sql("bo", build("Bo"))[1] == ("Bo",)
    compiled.sql("cy", build("Cy"))  # a third: the two kept are dropped first
    compiled.sql("ada", build("Ada"))
    assert built == ["Ada", "Bo", "Cy", "Ada"]


@pytest.mark.django_db
def test_the_plans_venues_are_each_users_own(owner, owner_client):
    from strategy.models import Venue

    Venue.objects.create(owner=owner, name="Chamber breakfast")
    other = UserFactory(username="other")
    Venue.objects.create(owner=other, name="Rotary lunch")
    ContactFactory(owner=other)
    for _ in range(2):
        mine = owner_client.get(reverse("strategy:plan")).content.decode()
        theirs = logged_in(other).get(reverse("strategy:plan")).content.decode()
        assert "Chamber breakfast" in mine and "Rotary lunch" not in mine
        assert "Rotary lunch" in theirs and "Chamber breakfast" not in theirs
