"""The dashboard is cached between visits; every kind of write shows on the next visit."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from contacts import services as contact_services
from contacts.freshness import version
from contacts.models import Contact
from followups import services
from followups.sweep import run_sweep
from strategy.services import plan_for, save_plan

from .factories import ClassificationFactory
from .test_dashboard import HOME, NOW, counts, last_seen, today_names


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def weekly(owner):
    return ClassificationFactory(owner=owner, name="Weekly", contact_every_days=7)


@pytest.mark.django_db
class TestTheNextVisitShowsTheChange:
    def test_an_interaction_deleted_on_the_contact_page(self, owner_client, owner, weekly):
        contact = last_seen(owner, weekly, days_ago=9, first_name="Ada")
        fresh = contact_services.log_interaction(contact=contact, summary="Coffee")
        assert today_names(owner_client.get(HOME)) == []
        owner_client.post(reverse("contacts:interaction_delete", args=[fresh.pk]))
        assert today_names(owner_client.get(HOME)) == ["Ada"]

    def test_a_classifications_frequency_changed(self, owner_client, owner, weekly):
        last_seen(owner, weekly, days_ago=9, first_name="Ada")
        assert today_names(owner_client.get(HOME)) == ["Ada"]
        owner_client.post(
            reverse("contacts:classification_edit", args=[weekly.pk]), {"name": "Weekly", "contact_every_days": 30}
        )
        assert today_names(owner_client.get(HOME)) == []

    def test_an_admin_bulk_reclassification(self, owner_client, owner, weekly):
        contact = last_seen(owner, weekly, days_ago=14, first_name="Ada")  # past the maximum of 11 days
        assert counts(owner_client.get(HOME))["overdue"] == 1
        yearly = ClassificationFactory(owner=owner, contact_every_days=365)
        contact_services.reclassify(contacts=Contact.objects.filter(pk=contact.pk), classification=yearly)
        assert counts(owner_client.get(HOME))["overdue"] == 0

    def test_a_snooze_woken_by_the_sweep(self, owner_client, owner, weekly, frozen):
        contact = last_seen(owner, weekly, days_ago=9, first_name="Ada")
        services.snooze_contact(contact=contact, until=NOW + datetime.timedelta(hours=2))
        assert counts(owner_client.get(HOME))["snoozed"] == 1
        frozen.shift(datetime.timedelta(hours=3))
        assert run_sweep().woken == 1
        assert counts(owner_client.get(HOME))["snoozed"] == 0
        assert today_names(owner_client.get(HOME)) == ["Ada"]

    def test_a_plan_item_written(self, owner_client, owner):
        last_seen(owner, ClassificationFactory(owner=owner), days_ago=1)
        assert "item 1" in owner_client.get(HOME).content.decode()
        plan = plan_for(owner=owner)
        plan.who_to_invite = "Founders of small software companies in Berlin, and old classmates."
        save_plan(plan=plan)
        assert "item 1," not in owner_client.get(HOME).content.decode()

    def test_another_users_write_leaves_my_version_alone(self, owner, stranger):
        before = version(owner.pk)
        last_seen(stranger, ClassificationFactory(owner=stranger), days_ago=1)
        assert version(owner.pk) == before
        assert version(stranger.pk) > 0


@pytest.mark.django_db
def test_each_write_replaces_the_sessions_cached_dashboard_rather_than_adding_one(owner_client, owner, weekly):
    """The body is kept with the version it was rendered from: a network logged into all day
    holds one cached dashboard per session, not one per write (each of them for a day)."""
    from django.core.cache import cache

    people = [last_seen(owner, weekly, days_ago=9 + index, first_name=f"P{index}") for index in range(3)]
    owner_client.get(HOME)
    for person in people:
        services.log_interaction(contact=person, summary="Coffee")
        owner_client.get(HOME)
    assert today_names(owner_client.get(HOME)) == []  # the last write shows, from the cache
    assert len([key for key in cache._cache if ":dashboard:" in key]) == 1  # the test's in-process cache
