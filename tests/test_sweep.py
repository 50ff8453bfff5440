"""The sweep raises each due reminder exactly once, set-based, even when two run at once."""

import datetime
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, connections

from contacts.cadence import refresh_cadence
from contacts.models import Contact
from followups import services
from followups.models import Reminder
from followups.sweep import run_sweep

from .factories import ClassificationFactory, ContactFactory, UserFactory
from .followup_factories import CommitmentFactory

NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)


def add_contact(owner, *, days_since_added, every_days=30, classification=None):
    classification = classification or ClassificationFactory(owner=owner, contact_every_days=every_days)
    contact = ContactFactory(
        owner=owner, classification=classification, created_at=NOW - datetime.timedelta(days=days_since_added)
    )
    refresh_cadence(Contact.objects.filter(pk=contact.pk))
    contact.refresh_from_db()
    return contact


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
class TestSweep:
    def test_raises_a_cadence_reminder_for_a_lapsed_contact_only(self, owner):
        lapsed = add_contact(owner, days_since_added=31)
        add_contact(owner, days_since_added=29)
        result = run_sweep()
        assert result.cadence_raised == 1
        reminder = Reminder.objects.get()
        assert (reminder.contact, reminder.kind, reminder.state) == (lapsed, "cadence", "open")
        assert reminder.due_at == lapsed.next_due_at
        assert reminder.owner == owner

    def test_due_exactly_now_is_raised(self, owner):
        add_contact(owner, days_since_added=30)
        assert run_sweep().cadence_raised == 1

    def test_a_contact_added_today_is_not_due(self, owner):
        add_contact(owner, days_since_added=0, every_days=1)
        assert run_sweep().raised == 0

    def test_a_contact_with_no_frequency_is_never_reminded(self, owner, frozen):
        add_contact(owner, days_since_added=3000, every_days=None)
        frozen.shift(datetime.timedelta(days=5000))
        assert run_sweep().raised == 0

    def test_running_twice_raises_nothing_twice(self, owner):
        for days in (40, 50, 60):
            add_contact(owner, days_since_added=days)
        assert run_sweep().cadence_raised == 3
        assert run_sweep().cadence_raised == 0
        assert Reminder.objects.count() == 3

    def test_a_dismissed_reminder_is_not_raised_again_until_the_contact_is_due_again(self, owner, frozen):
        contact = add_contact(owner, days_since_added=31)
        run_sweep()
        services.dismiss(reminder=Reminder.objects.get())
        assert run_sweep().cadence_raised == 0
        services.log_interaction(contact=contact, summary="Caught up")
        frozen.shift(datetime.timedelta(days=31))
        assert run_sweep().cadence_raised == 1
        assert Reminder.objects.filter(state="open").count() == 1

    def test_logging_an_interaction_resolves_the_open_reminder_and_moves_the_due_moment(self, owner):
        contact = add_contact(owner, days_since_added=31)
        run_sweep()
        interaction = services.log_interaction(contact=contact, summary="Lunch")
        reminder = Reminder.objects.get()
        assert reminder.state == "done"
        assert reminder.resolved_by == interaction
        contact.refresh_from_db()
        assert contact.next_due_at == NOW + datetime.timedelta(days=30)
        assert run_sweep().cadence_raised == 0

    def test_snoozed_reminders_wake_when_their_date_passes(self, owner, frozen):
        add_contact(owner, days_since_added=31)
        run_sweep()
        services.snooze(reminder=Reminder.objects.get(), until=NOW + datetime.timedelta(days=1))
        assert run_sweep().woken == 0
        frozen.shift(datetime.timedelta(days=1, seconds=1))
        result = run_sweep()
        assert (result.woken, result.cadence_raised) == (1, 0)
        assert Reminder.objects.get().state == "open"

    def test_promise_reminders_are_raised_when_due_and_closed_when_kept(self, owner, frozen):
        contact = add_contact(owner, days_since_added=1)
        promise = services.record_commitment(
            contact=contact, description="Send the deck", due_on=datetime.date(2026, 6, 17), zone=datetime.UTC
        )
        assert run_sweep().promises_raised == 0
        frozen.move_to(datetime.datetime(2026, 6, 17, 0, 0, 1, tzinfo=datetime.UTC))
        assert run_sweep().promises_raised == 1
        assert run_sweep().promises_raised == 0
        reminder = Reminder.objects.get(kind="promise")
        assert (reminder.commitment, reminder.message) == (promise, "Send the deck")
        services.keep_commitment(commitment=promise)
        assert Reminder.objects.get(kind="promise").state == "done"

    def test_two_promises_to_one_contact_each_get_a_reminder(self, owner):
        contact = add_contact(owner, days_since_added=1)
        for description in ("Intro to Sam", "Send the article"):
            CommitmentFactory(contact=contact, description=description, due_on=datetime.date(2026, 6, 1))
        assert run_sweep().promises_raised == 2

    def test_another_users_contacts_get_their_own_reminders(self, owner, stranger):
        add_contact(owner, days_since_added=31)
        add_contact(stranger, days_since_added=31)
        run_sweep()
        assert set(Reminder.objects.values_list("owner__username", flat=True)) == {"owner", "stranger"}

    def test_the_command_runs_the_same_sweep(self, owner, capsys):
        add_contact(owner, days_since_added=31)
        call_command("raise_reminders")
        assert "raised 1 reminder(s) (1 cadence, 0 promise, 0 event follow-up, 0 date)" in capsys.readouterr().out
        assert Reminder.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("contacts_per_user", [5, 60])
def test_the_sweep_query_count_does_not_grow_with_contacts(contacts_per_user, django_assert_num_queries):
    with time_machine.travel(NOW, tick=False):
        for _ in range(2):
            owner = UserFactory()
            classification = ClassificationFactory(owner=owner, contact_every_days=7)
            for _ in range(contacts_per_user):
                contact = add_contact(owner, days_since_added=10, classification=classification)
                Contact.objects.filter(pk=contact.pk).update(birthday=datetime.date(1990, 6, 18))
        # five statements, each in its own transaction (savepoint + release in a test), whose
        # snoozes woke and who got date reminders (for their cached dashboards), and the time
        # zones in use (the date reminders' "today" in each)
        with django_assert_num_queries(18):
            result = run_sweep()
    assert result.cadence_raised == 2 * contacts_per_user
    assert result.dates_raised == 2 * contacts_per_user


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_on_two_connections_raise_nothing_twice(owner):
    assert connection.vendor == "postgresql", "the concurrency test needs PostgreSQL"
    with time_machine.travel(NOW, tick=False):
        classification = ClassificationFactory(owner=owner, contact_every_days=7)
        contacts = ContactFactory.create_batch(300, owner=owner, classification=classification)
        Contact.objects.filter(pk__in=[c.pk for c in contacts]).update(created_at=NOW - datetime.timedelta(days=8))
        refresh_cadence(Contact.objects.filter(owner=owner))
    start = threading.Barrier(2)
    results, errors = [], []

    def sweep_on_own_connection():
        try:
            with time_machine.travel(NOW, tick=False):
                start.wait(timeout=10)
                results.append(run_sweep())
        except Exception as error:  # reported below; a thread must not swallow it
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep_on_own_connection) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(r.cadence_raised for r in results) == 300
    assert Reminder.objects.filter(state="open").count() == 300


@pytest.mark.django_db
def test_a_contact_page_log_resolves_the_reminder(owner_client, owner):
    with time_machine.travel(NOW, tick=False):
        contact = add_contact(owner, days_since_added=31)
        run_sweep()
        owner_client.post(
            f"/followups/contacts/{contact.pk}/log/",
            {"occurred_at": "2026-06-15T10:00", "kind": "call", "summary": "Called"},
        )
    assert Reminder.objects.get().state == "done"
