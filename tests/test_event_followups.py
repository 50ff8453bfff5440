"""Event follow-up: people met and not contacted within two days get a reminder with the message."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from followups import services as followup_services
from followups.models import Reminder
from followups.sweep import SweepResult, raise_event_followups, run_sweep

from .factories import ClassificationFactory, ContactFactory, InteractionFactory
from .strategy_factories import EventFactory, PersonMetFactory

EVENT_DAY = datetime.date(2026, 5, 11)  # a Monday
FOLLOW_UP_MOMENT = datetime.datetime(2026, 5, 14, tzinfo=datetime.UTC)  # Thursday 00:00
LINKEDIN = "Send a LinkedIn invitation with a line about what you talked about."


@pytest.fixture
def met(owner):
    """Two people met at an event on Monday, classified with a follow-up message."""
    prospects = ClassificationFactory(owner=owner, name="Prospects", message_guidance=LINKEDIN)
    event = EventFactory(owner=owner, name="Founders breakfast", held_on=EVENT_DAY)
    people = [ContactFactory(owner=owner, classification=prospects) for _ in range(2)]
    for person in people:
        PersonMetFactory(event=event, contact=person)
    return event, people


def event_followups():
    return Reminder.objects.filter(kind=Reminder.Kind.EVENT_FOLLOWUP)


@pytest.mark.django_db
def test_nothing_is_raised_within_the_two_days_after_the_event(met):
    assert raise_event_followups(FOLLOW_UP_MOMENT - datetime.timedelta(seconds=1)) == 0
    assert not event_followups().exists()


@pytest.mark.django_db
def test_people_met_and_not_contacted_get_a_reminder_with_the_classifications_message(met, owner):
    _, people = met
    result = run_sweep(now=FOLLOW_UP_MOMENT)
    assert result.event_followups_raised == 2
    reminders = list(event_followups().order_by("contact_id"))
    assert [r.contact for r in reminders] == people
    assert {r.message for r in reminders} == {LINKEDIN}
    assert {r.due_at for r in reminders} == {FOLLOW_UP_MOMENT}
    assert all(r.owner == owner and r.state == Reminder.State.OPEN for r in reminders)


@pytest.mark.django_db
def test_someone_already_contacted_after_the_event_is_not_reminded(met):
    _, (contacted, forgotten) = met
    InteractionFactory(contact=contacted, occurred_at=datetime.datetime(2026, 5, 12, 9, tzinfo=datetime.UTC))
    assert raise_event_followups(FOLLOW_UP_MOMENT) == 1
    assert event_followups().get().contact == forgotten


@pytest.mark.django_db
def test_an_interaction_before_the_event_does_not_count_as_a_follow_up(met):
    _, (person, _) = met
    InteractionFactory(contact=person, occurred_at=datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC))
    assert raise_event_followups(FOLLOW_UP_MOMENT) == 2


@pytest.mark.django_db
def test_the_sweep_is_idempotent_and_a_handled_reminder_is_not_raised_again(met):
    first = run_sweep(now=FOLLOW_UP_MOMENT)
    again = run_sweep(now=FOLLOW_UP_MOMENT + datetime.timedelta(hours=1))
    assert (first.event_followups_raised, again.event_followups_raised) == (2, 0)
    reminder = event_followups().first()
    followup_services.dismiss(reminder=reminder)
    assert raise_event_followups(FOLLOW_UP_MOMENT + datetime.timedelta(days=1)) == 0
    assert event_followups().count() == 2


@pytest.mark.django_db
def test_one_open_follow_up_per_person_even_when_met_at_two_events(met, owner):
    _, (person, _) = met
    later = EventFactory(owner=owner, held_on=EVENT_DAY + datetime.timedelta(days=1))
    PersonMetFactory(event=later, contact=person)
    assert raise_event_followups(FOLLOW_UP_MOMENT + datetime.timedelta(days=1)) == 2
    assert event_followups().filter(contact=person).count() == 1


@pytest.mark.django_db
def test_a_new_event_raises_a_new_follow_up_after_the_last_one_was_done(met, owner):
    _, (person, _) = met
    raise_event_followups(FOLLOW_UP_MOMENT)
    with time_machine.travel(FOLLOW_UP_MOMENT + datetime.timedelta(hours=2), tick=False):
        followup_services.log_interaction(contact=person, summary="Sent a LinkedIn invitation")
    assert event_followups().get(contact=person).state == Reminder.State.DONE
    next_event = EventFactory(owner=owner, held_on=datetime.date(2026, 5, 20))
    PersonMetFactory(event=next_event, contact=person)
    assert raise_event_followups(datetime.datetime(2026, 5, 23, 1, tzinfo=datetime.UTC)) == 1
    assert event_followups().filter(contact=person, state=Reminder.State.OPEN).count() == 1


@pytest.mark.django_db
def test_logging_an_interaction_resolves_the_event_follow_up(met):
    _, (person, _) = met
    raise_event_followups(FOLLOW_UP_MOMENT)
    interaction = followup_services.log_interaction(contact=person, summary="Connected on LinkedIn")
    reminder = event_followups().get(contact=person)
    assert reminder.state == Reminder.State.DONE and reminder.resolved_by == interaction


@pytest.mark.django_db
def test_an_unclassified_person_gets_a_follow_up_without_a_message(owner):
    event = EventFactory(owner=owner, held_on=EVENT_DAY)
    PersonMetFactory(event=event, contact=ContactFactory(owner=owner, classification=None))
    assert raise_event_followups(FOLLOW_UP_MOMENT) == 1
    assert event_followups().get().message == ""


@pytest.mark.django_db
def test_an_event_older_than_the_window_is_left_to_the_cadence(met):
    assert raise_event_followups(FOLLOW_UP_MOMENT + datetime.timedelta(days=31)) == 0


@pytest.mark.django_db
def test_the_sweep_result_counts_event_follow_ups(met):
    result = run_sweep(now=FOLLOW_UP_MOMENT)
    assert isinstance(result, SweepResult)
    assert result.raised == result.cadence_raised + result.promises_raised + 2
    assert "2 event follow-up" in str(result)


@pytest.mark.django_db
def test_the_follow_ups_page_shows_event_follow_ups_with_their_message(owner_client, met):
    run_sweep(now=FOLLOW_UP_MOMENT)
    with time_machine.travel(FOLLOW_UP_MOMENT + datetime.timedelta(hours=10), tick=False):
        html = owner_client.get(reverse("followups:board")).content.decode()
    assert "Follow up after an event" in html
    assert LINKEDIN in html


@pytest.mark.django_db
def test_the_sweep_raises_event_follow_ups_in_one_statement_whatever_the_number_of_people(
    owner, django_assert_num_queries
):
    event = EventFactory(owner=owner, held_on=EVENT_DAY)
    for _ in range(30):
        PersonMetFactory(event=event)
    with django_assert_num_queries(2):  # the INSERT … SELECT, and whose dashboards to refresh
        assert raise_event_followups(FOLLOW_UP_MOMENT) == 30


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_raise_each_event_follow_up_once(met):
    """Sweep A inserts and holds its transaction open; sweep B, started meanwhile, sees no reminder
    yet, tries the same rows, waits on the unique index and skips them when A commits."""
    import threading

    from django.db import connection, connections, transaction

    if connection.vendor != "postgresql":
        pytest.fail("run with ./scripts/test.sh: this test needs two real PostgreSQL connections")
    a_inserted, results, errors = threading.Event(), {}, []

    def sweep(name, before_commit=None, wait_for=None):
        try:
            if wait_for:
                wait_for.wait(5)
            with transaction.atomic():
                results[name] = raise_event_followups(FOLLOW_UP_MOMENT)
                if before_commit:
                    before_commit.set()
                    threading.Event().wait(0.5)  # B is now blocked on A's uncommitted rows
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    a = threading.Thread(target=sweep, args=("a", a_inserted))
    b = threading.Thread(target=sweep, args=("b", None, a_inserted))
    a.start()
    b.start()
    a.join(10)
    b.join(10)
    assert not errors
    assert results == {"a": 2, "b": 0}
    assert event_followups().count() == 2
