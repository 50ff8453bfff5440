"""Today's outreach reads only a few contacts per classification, and the counts subtract the
contacts put aside instead of checking each due one: both must show exactly what ranking and
counting every contact from scratch shows, whether read by the hand-written SQL PostgreSQL runs
or by the querysets SQLite runs (followups.dashboard.pg_reads)."""

import datetime
import random
import re
from fractions import Fraction

import pytest
import time_machine
from django.utils import timezone

from contacts.cadence import refresh_cadence
from contacts.freshness import touch
from contacts.models import Contact
from followups import services
from followups.dashboard import selectors as dashboard_selectors
from followups.demo import seed_demo
from followups.models import OutreachSkip, Reminder

from .factories import ClassificationFactory, ContactFactory, InteractionFactory
from .followup_factories import ReminderFactory
from .test_dashboard import HOME, NOW, counts, today_names

TODAY_STARTS = datetime.datetime(2026, 6, 17, tzinfo=datetime.UTC)  # the owner's zone is UTC
TOMORROW_STARTS = TODAY_STARTS + datetime.timedelta(days=1)
WEEK_ENDS = TODAY_STARTS + datetime.timedelta(days=7)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def mixed_network(owner, seed: int) -> None:
    """Sixty people: two weekly classifications (so shares tie across them; one allows only 8
    days), a monthly one, one without a frequency, people with a frequency or a maximum of their
    own, whole-day gaps (so due moments tie), and some put aside by a snooze, a dismissal of this
    due moment, or a skip today."""
    rng = random.Random(seed)
    groups = [
        ClassificationFactory(owner=owner, name="Weekly A", contact_every_days=7, display_order=0),
        ClassificationFactory(
            owner=owner, name="Weekly B", contact_every_days=7, contact_at_most_days=8, display_order=1
        ),  # fmt: skip
        ClassificationFactory(owner=owner, name="Monthly", contact_every_days=30, display_order=2),
        ClassificationFactory(owner=owner, name="Family", contact_every_days=None, display_order=3),
        None,
    ]
    people = []
    for index in range(60):
        person = ContactFactory(
            owner=owner,
            first_name=f"P{index}",
            classification=rng.choice(groups),
            contact_every_days_override=rng.choice([7, 14, 30]) if rng.random() < 0.25 else None,
            contact_at_most_days_override=rng.choice([30, 45, 60]) if rng.random() < 0.2 else None,
            created_at=NOW - datetime.timedelta(days=400),
        )
        InteractionFactory(contact=person, occurred_at=NOW - datetime.timedelta(days=rng.randint(0, 90)))
        people.append(person)
    refresh_cadence(Contact.objects.filter(owner=owner))
    due = list(Contact.objects.filter(owner=owner, next_due_at__isnull=False))
    for person in rng.sample(due, 12):
        way = rng.choice(["snoozed", "dismissed now", "dismissed before", "dismissed twice", "skipped"])
        if way == "snoozed":
            ReminderFactory(contact=person, state="snoozed", snoozed_until=NOW + datetime.timedelta(days=2))
        elif way == "skipped":
            OutreachSkip.objects.create(owner=owner, contact=person, skipped_on=NOW.date())
        else:
            moments = {
                "dismissed now": [person.next_due_at],
                "dismissed before": [person.next_due_at - datetime.timedelta(days=30)],
                "dismissed twice": [person.next_due_at, person.next_due_at - datetime.timedelta(days=1)],
            }[way]
            for moment in moments:
                ReminderFactory(contact=person, state="dismissed", due_at=moment)


def put_aside(contact: Contact) -> bool:
    return any(
        reminder.kind == Reminder.Kind.CADENCE
        and (reminder.state == "snoozed" or (reminder.state == "dismissed" and reminder.due_at >= contact.next_due_at))
        for reminder in contact.reminders.all()
    )


def from_scratch(owner):
    """Every contact of the owner looked at in Python: the ranked list and the counts."""
    contacts = (
        Contact.objects.filter(owner=owner, next_due_at__isnull=False)
        .select_related("classification")
        .prefetch_related("reminders", "outreach_skips")
    )
    kept = [contact for contact in contacts if not put_aside(contact)]
    to_reach = []
    for contact in kept:
        skipped = any(skip.skipped_on == NOW.date() for skip in contact.outreach_skips.all())
        if contact.next_due_at < TOMORROW_STARTS and not skipped:
            late = NOW - contact.next_due_at
            share = Fraction(late // datetime.timedelta(microseconds=1), 86_400_000_000 * contact.contact_every_days)
            order = contact.classification.display_order if contact.classification else float("inf")
            past_maximum = contact.overdue_at < TODAY_STARTS  # the overdue first (contacts.bands)
            to_reach.append((not past_maximum, -share, order, contact.pk, contact.first_name))
    ranked = [name for *_, name in sorted(to_reach)]
    overdue = sum(1 for contact in kept if contact.overdue_at < TODAY_STARTS)
    this_week = sum(1 for contact in kept if contact.overdue_at >= TODAY_STARTS and contact.next_due_at < WEEK_ENDS)
    return ranked, overdue, this_week


@pytest.mark.django_db
@pytest.mark.parametrize("hand_written_sql", [True, False], ids=["sql", "querysets"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_todays_outreach_and_the_counts_match_looking_at_every_contact(
    owner_client, owner, seed, hand_written_sql, monkeypatch
):
    monkeypatch.setattr(dashboard_selectors, "HAND_WRITTEN_SQL", hand_written_sql)
    mixed_network(owner, seed)
    ranked, overdue, this_week = from_scratch(owner)
    assert len(ranked) > 5  # enough due people for the smaller list sizes below to cut it
    preferences = services.preferences_for(owner)
    for size in (1, 3, 5, 20):
        preferences.outreach_list_size = size
        services.save_preferences(preferences=preferences)
        response = owner_client.get(HOME)
        assert today_names(response) == ranked[:size], f"list size {size}"
    shown = counts(response)
    assert (shown["overdue"], shown["week"]) == (overdue, this_week)
    assert shown["snoozed"] == Reminder.objects.filter(owner=owner, state="snoozed").count()


@pytest.mark.django_db
@pytest.mark.parametrize("hand_written_sql", [True, False], ids=["sql", "querysets"])
def test_without_any_classification_the_counts_and_the_list_still_show(
    owner_client, owner, hand_written_sql, monkeypatch
):
    monkeypatch.setattr(dashboard_selectors, "HAND_WRITTEN_SQL", hand_written_sql)
    for index, days_ago in enumerate((40, 9, 2)):  # overdue, due (not past 1.5 weeks), not yet due
        person = ContactFactory(
            owner=owner,
            first_name=f"Own{index}",
            classification=None,
            contact_every_days_override=7,
            created_at=NOW - datetime.timedelta(days=400),
        )
        InteractionFactory(contact=person, occurred_at=NOW - datetime.timedelta(days=days_ago))
    refresh_cadence(Contact.objects.filter(owner=owner))
    response = owner_client.get(HOME)
    assert today_names(response) == ["Own0", "Own1"]
    shown = counts(response)
    assert (shown["overdue"], shown["week"]) == (1, 2)  # the third is due in five days
    assert response.context["classifications"] == []


@pytest.mark.django_db
def test_the_demo_dashboard_reads_the_same_from_the_sql_and_from_the_querysets(client, monkeypatch, frozen):
    """Every card (counts, today, coming up, week plan, plan, kept warm, activity, events) of a
    filled network: the page PostgreSQL's hand-written SQL renders is the page the querysets
    SQLite runs render, byte for byte but the CSRF tokens."""
    frozen.move_to(datetime.datetime.now(datetime.UTC))  # the demo is seeded around the real today
    user = seed_demo(username="demo", password="demo-network-2026")
    services.snooze_contact(
        contact=Contact.objects.filter(owner=user, next_due_at__isnull=False).order_by("next_due_at").first(),
        until=timezone.now() + datetime.timedelta(days=3),
    )
    client.force_login(user)
    pages = {}
    for hand_written_sql in (True, False):
        monkeypatch.setattr(dashboard_selectors, "HAND_WRITTEN_SQL", hand_written_sql)
        touch([user.pk])  # render afresh, not from the cache
        html = client.get(HOME).content.decode()
        pages[hand_written_sql] = re.sub(r"\b[A-Za-z0-9]{64}\b", "(csrf token)", html)  # masked anew each time
    assert pages[True] == pages[False]
    for card in ("Reach out today", "Coming up", "This week's plan", "Your plan", "Kept warm", "To follow up"):
        assert card in pages[True]
    assert pages[True].count('id="outreach-') == 5 and pages[True].count('id="date-') >= 1
