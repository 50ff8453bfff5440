"""The outreach dashboard: whom to reach today, the week's plan, health at a glance."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from contacts import services as contact_services
from contacts.cadence import refresh_cadence
from contacts.freshness import touch
from contacts.models import Contact, Interaction, Occasion
from followups import services
from followups.models import Reminder, WeekPlanEntry
from followups.sweep import run_sweep

from .bulk_rows import analyze
from .factories import ClassificationFactory, ContactFactory, InteractionFactory, UserFactory
from .followup_factories import CommitmentFactory

NOW = datetime.datetime(2026, 6, 17, 12, 0, tzinfo=datetime.UTC)  # a Wednesday
HOME = reverse("home")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def last_seen(owner, classification, *, days_ago, **fields):
    contact = ContactFactory(owner=owner, classification=classification, **fields)
    Contact.objects.filter(pk=contact.pk).update(created_at=NOW - datetime.timedelta(days=400))
    InteractionFactory(contact=contact, occurred_at=NOW - datetime.timedelta(days=days_ago), summary="Lunch")
    refresh_cadence(Contact.objects.filter(pk=contact.pk))
    contact.refresh_from_db()
    return contact


def today_names(response):
    """The names in today's outreach, read from the page (a cached page has no context)."""
    pks = [int(pk) for pk in re.findall(r'id="outreach-(\d+)"', response.content.decode())]
    names = dict(Contact.objects.filter(pk__in=pks).values_list("pk", "first_name"))
    return [names[pk] for pk in pks]


def counts(response):
    html = response.content.decode()
    return {
        name: int(re.search(rf'id="count-{name}">(\d+)<', html).group(1))
        for name in ("overdue", "week", "snoozed", "promises")
    }


@pytest.mark.django_db
class TestTodaysOutreach:
    def test_most_overdue_relative_to_frequency_comes_first(self, owner_client, owner):
        weekly = ClassificationFactory(owner=owner, name="Weekly", contact_every_days=7, display_order=1)
        yearly = ClassificationFactory(owner=owner, name="Yearly", contact_every_days=365, display_order=0)
        last_seen(owner, yearly, days_ago=375, first_name="TenDaysLateYearly")
        last_seen(owner, weekly, days_ago=10, first_name="ThreeDaysLateWeekly")
        last_seen(owner, weekly, days_ago=3, first_name="NotDue")
        assert today_names(owner_client.get(HOME)) == ["ThreeDaysLateWeekly", "TenDaysLateYearly"]

    def test_ties_follow_the_classification_order(self, owner_client, owner):
        second = ClassificationFactory(owner=owner, name="Second", contact_every_days=10, display_order=1)
        first = ClassificationFactory(owner=owner, name="First", contact_every_days=10, display_order=0)
        last_seen(owner, second, days_ago=15, first_name="B")
        last_seen(owner, first, days_ago=15, first_name="A")
        assert today_names(owner_client.get(HOME)) == ["A", "B"]

    def test_a_row_says_what_to_say_what_was_said_and_how(self, owner_client, owner):
        clients = ClassificationFactory(
            owner=owner, contact_every_days=7, message_guidance="Ask about Q3", preferred_channel="call"
        )
        contact = last_seen(owner, clients, days_ago=9, first_name="Grace")
        InteractionFactory(
            contact=contact, occurred_at=NOW - datetime.timedelta(days=8), summary="Budget talk", next_step="Send deck"
        )
        html = owner_client.get(HOME).content.decode()
        for text in ("Ask about Q3", "Budget talk", "Send deck", "by phone or video call"):
            assert text in html

    def test_the_list_size_is_a_user_setting(self, owner_client, owner):
        weekly = ClassificationFactory(owner=owner, contact_every_days=7)
        for index in range(8):
            last_seen(owner, weekly, days_ago=8 + index)
        assert len(today_names(owner_client.get(HOME))) == 5
        preferences = services.preferences_for(owner)
        preferences.outreach_list_size = 2
        services.save_preferences(preferences=preferences)
        assert len(today_names(owner_client.get(HOME))) == 2

    def test_skip_takes_a_contact_off_until_tomorrow(self, owner_client, owner, frozen):
        weekly = ClassificationFactory(owner=owner, contact_every_days=7)
        contact = last_seen(owner, weekly, days_ago=9, first_name="Ada")
        response = owner_client.post(reverse("followups:outreach_skip", args=[contact.pk]), **HTMX)
        html = response.content.decode()
        assert "Skipped Ada" in html
        assert 'id="dashboard-counts" data-hx-swap-oob="true"' in html
        assert today_names(owner_client.get(HOME)) == []
        frozen.shift(datetime.timedelta(days=1))
        assert today_names(owner_client.get(HOME)) == ["Ada"]

    def test_snooze_works_before_the_sweep_raised_a_reminder_and_moves_the_counts(self, owner_client, owner):
        weekly = ClassificationFactory(owner=owner, contact_every_days=7)
        contact = last_seen(owner, weekly, days_ago=14, first_name="Ada")  # past the maximum of 11 days
        before = counts(owner_client.get(HOME))
        assert (before["overdue"], before["snoozed"]) == (1, 0)
        response = owner_client.post(reverse("followups:outreach_snooze", args=[contact.pk]), {"days": "7"})
        assert response["Location"] == HOME
        reminder = Reminder.objects.get(contact=contact)
        assert (reminder.state, reminder.snoozed_until) == ("snoozed", NOW + datetime.timedelta(days=7))
        after = counts(owner_client.get(HOME))
        assert (after["overdue"], after["snoozed"]) == (0, 1)
        assert today_names(owner_client.get(HOME)) == []

    def test_logging_from_the_dashboard_updates_the_counts_in_place(self, owner_client, owner):
        weekly = ClassificationFactory(owner=owner, contact_every_days=7)
        contact = last_seen(owner, weekly, days_ago=9, first_name="Ada")
        form = owner_client.get(reverse("followups:log_interaction", args=[contact.pk]), {"from": "dashboard"}, **HTMX)
        assert 'name="from" value="dashboard"' in form.content.decode()
        response = owner_client.post(
            reverse("followups:log_interaction", args=[contact.pk]),
            {"occurred_at": "2026-06-17T11:00", "kind": "call", "summary": "Called", "from": "dashboard"},
            **HTMX,
        )
        html = response.content.decode()
        assert "Logged: Called" in html
        assert '<div class="fs-3 fw-semibold " id="count-overdue">0</div>' in html

    def test_another_users_contact_gives_404_and_changes_nothing(self, stranger_client, owner):
        weekly = ClassificationFactory(owner=owner, contact_every_days=7)
        contact = last_seen(owner, weekly, days_ago=9)
        for name in ("followups:outreach_skip", "followups:outreach_snooze", "followups:week_add"):
            assert stranger_client.post(reverse(name, args=[contact.pk])).status_code == 404
        assert not Reminder.objects.exists()
        assert not WeekPlanEntry.objects.exists()


@pytest.mark.django_db
class TestWeekPlan:
    def test_picked_contacts_tick_themselves_when_an_interaction_is_logged(self, owner_client, owner):
        weekly = ClassificationFactory(owner=owner, contact_every_days=7)
        # Picked together, they are listed in the network's order (by name): Lovelace, then Murray.
        ada = last_seen(owner, weekly, days_ago=9, first_name="Ada", last_name="Lovelace")
        grace = last_seen(owner, weekly, days_ago=5, first_name="Grace", last_name="Murray")
        page = owner_client.get(reverse("followups:plan_week")).content.decode()
        assert "Ada" in page and "Grace" in page
        owner_client.post(reverse("followups:plan_week"), {"contacts": [ada.pk, grace.pk]})
        plan = owner_client.get(HOME).context["week_plan"]
        assert [(entry.contact.first_name, entry.done) for entry in plan] == [("Ada", False), ("Grace", False)]
        services.log_interaction(contact=grace, summary="Coffee")
        plan = owner_client.get(HOME).context["week_plan"]  # the write moved the version: a fresh page
        assert [(entry.contact.first_name, entry.done) for entry in plan] == [("Ada", False), ("Grace", True)]

    def test_a_contact_id_that_is_not_yours_is_refused_with_a_message(self, owner_client, owner, stranger):
        theirs = ContactFactory(owner=stranger)
        response = owner_client.post(reverse("followups:plan_week"), {"contacts": [theirs.pk]})
        assert "One of the picked contacts is not in your network." in response.content.decode()
        response = owner_client.post(reverse("followups:plan_week"), {"contacts": ["abc"]})
        assert "is not a contact id" in response.content.decode()
        assert not WeekPlanEntry.objects.exists()

    def test_unpicking_removes_from_the_plan(self, owner_client, owner):
        contact = ContactFactory(owner=owner)
        owner_client.post(reverse("followups:week_add", args=[contact.pk]))
        assert WeekPlanEntry.objects.count() == 1
        owner_client.post(reverse("followups:plan_week"), {})
        assert WeekPlanEntry.objects.count() == 0


@pytest.mark.django_db
class TestHealth:
    def test_counts_overdue_due_this_week_snoozed_and_promises(self, owner_client, owner):
        weekly = ClassificationFactory(owner=owner, contact_every_days=7)
        last_seen(owner, weekly, days_ago=14)  # past the maximum (11 days)
        last_seen(owner, weekly, days_ago=15)
        last_seen(owner, weekly, days_ago=9)  # due, not yet overdue: counted with this week
        last_seen(owner, weekly, days_ago=4)  # due in 3 days
        snoozed = last_seen(owner, weekly, days_ago=12)
        services.snooze_contact(contact=snoozed, until=NOW + datetime.timedelta(days=2))
        CommitmentFactory(contact=snoozed, due_on=datetime.date(2026, 6, 19))
        shown = counts(owner_client.get(HOME))
        assert (shown["overdue"], shown["week"], shown["snoozed"], shown["promises"]) == (2, 2, 1, 1)

    def test_share_within_cadence_per_classification_and_weekly_activity(self, owner_client, owner):
        weekly = ClassificationFactory(owner=owner, name="Weekly", contact_every_days=7)
        last_seen(owner, weekly, days_ago=2)
        last_seen(owner, weekly, days_ago=3)
        last_seen(owner, weekly, days_ago=20)
        contact = last_seen(owner, weekly, days_ago=30)
        contact_services.log_interaction(
            contact=contact, occurred_at=NOW - datetime.timedelta(days=8), summary="Intro",
            contribution_direction="given", contribution_kind="introduction",
        )  # fmt: skip
        response = owner_client.get(HOME)
        [share] = response.context["classifications"]
        assert (share.name, share.share_within_cadence) == ("Weekly", 50)
        weeks = response.context["activity"]
        assert len(weeks) == 12
        assert weeks[-1].week_starting == datetime.date(2026, 6, 15)
        assert (weeks[-1].interactions, weeks[-2].interactions, weeks[-2].given) == (1, 2, 1)  # Mon 15 June
        html = response.content.decode()
        assert "Share of contacts within their cadence" in html  # the chart's text equivalent
        assert 'id="activity-data"' in html  # the chart data the page serves

    def test_a_new_user_sees_the_three_ways_to_start(self, client):
        client.force_login(UserFactory())
        html = client.get(HOME).content.decode()
        for text in ("Add your first contacts", "Import", "Write your plan"):
            assert text in html


def bulk_network(owner, size):
    """``size`` contacts over three classifications, each last seen 100-139 days ago (all due)."""
    classifications = [ClassificationFactory(owner=owner, contact_every_days=days) for days in (7, 30, 90)]
    contacts = Contact.objects.bulk_create(
        Contact(owner=owner, first_name=f"P{index}", last_name="Test", classification=classifications[index % 3],
                created_at=NOW - datetime.timedelta(days=400))
        for index in range(size)
    )  # fmt: skip
    Interaction.objects.bulk_create(
        Interaction(owner=owner, contact=contact, occurred_at=NOW - datetime.timedelta(days=100 + index % 40),
                    summary="Lunch", contribution_direction="given" if index % 7 == 0 else "",
                    contribution_kind="advice" if index % 7 == 0 else "")
        for index, contact in enumerate(contacts)
    )  # fmt: skip
    refresh_cadence(Contact.objects.filter(owner=owner))
    return contacts


@pytest.mark.django_db
@pytest.mark.parametrize("size", [10, 10_000])
def test_the_dashboard_runs_the_same_queries_for_10_and_10000_contacts(
    owner_client, owner, size, django_assert_num_queries
):
    contacts = bulk_network(owner, size)
    services.add_to_week_plan(owner=owner, contacts=contacts[:5], week_starting=datetime.date(2026, 6, 15))
    Contact.objects.filter(owner=owner).update(birthday=datetime.date(1990, 6, 20))
    run_sweep()  # a birthday reminder for everyone
    analyze(Contact, Interaction, Reminder, Occasion)
    owner_client.get(HOME)  # the session's first page caches the time zone
    touch([owner.pk])  # as any write would: the next view renders afresh
    with django_assert_num_queries(4):  # session, user, the body (preferences too), heartbeats for the banner
        response = owner_client.get(HOME)
    assert len(response.context["today"]) == 5
    counts_shown = response.context["counts"]  # the 90-day people seen under 136 days ago are due, not overdue
    assert (counts_shown.overdue, counts_shown.due_this_week) == (size * 7 // 10, size * 3 // 10)
    assert response.context["coming_up"].total == size
    with django_assert_num_queries(3):  # session, user, heartbeats; the body comes from the cache
        again = owner_client.get(HOME)
    assert today_names(again) == today_names(response)
