"""The follow-ups rows read back by hand on PostgreSQL (followups/board/shown_rows.py) are the
rows the querysets read: the same models with the same values, the same related rows, the same
"where you left off", and only the owner's."""

import datetime
import random

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.utils import timezone

from contacts.occasions import Occasion
from followups.board.shown_rows import HandWritten, Querysets
from followups.models import Reminder

from .factories import ClassificationFactory, ContactFactory, InteractionFactory
from .followup_factories import CommitmentFactory, ReminderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def postgresql():
    if connection.vendor != "postgresql":
        pytest.fail("run with ./scripts/test.sh: the hand-written reads are PostgreSQL's")


def values(instance):
    """Every field's value, and the id of every row it points to."""
    if instance is None:
        return None
    fields = model_to_dict(instance, fields=[field.name for field in instance._meta.concrete_fields])
    return {**fields, "pk": instance.pk, "type": type(instance).__name__}


def reminder_seen(reminder):
    contact = reminder.contact
    return (
        values(reminder),
        values(contact),
        values(contact.classification),
        values(reminder.commitment),
        values(reminder.occasion),
        reminder.last_summary,
        reminder.last_next_step,
    )


def contact_seen(contact):
    return values(contact), values(contact.classification), contact.last_summary, contact.last_next_step


@pytest.fixture
def random_board(owner):
    """Thirty people with or without a classification, an interaction and a reminder of each
    kind and state, promises, important dates (seeded: the same board every run)."""
    chance = random.Random(20261201)
    now = timezone.now()
    classifications = [None, *(ClassificationFactory(owner=owner, contact_every_days=days) for days in (7, 30, 90))]
    reminders, contacts, promises = [], [], []
    for index in range(30):
        contact = ContactFactory(
            owner=owner,
            classification=chance.choice(classifications),
            company=chance.choice(["", "Acme", "Ørsted & Co"]),
            notes=chance.choice(["", "Met at the 'Builders' meetup"]),
        )
        contacts.append(contact)
        if chance.random() < 0.6:
            InteractionFactory(
                contact=contact,
                occurred_at=now - datetime.timedelta(days=chance.randint(1, 200)),
                summary=f"Talked about plan {index}",
                next_step=chance.choice(["", f"Send deck {index}"]),
            )
        kind = chance.choice(Reminder.Kind.values)
        fields = {"kind": kind, "message": chance.choice(["", f"Ask about {index}"])}
        if kind == Reminder.Kind.PROMISE:
            fields["commitment"] = CommitmentFactory(contact=contact, description=f"Promise {index}")
        if kind == Reminder.Kind.DATE:
            fields["occasion_on"] = now.date()
            if chance.random() < 0.5:
                fields["occasion"] = Occasion.objects.create(
                    owner=owner, contact=contact, kind=Occasion.Kind.OTHER, label=f"Day {index}", on=now.date()
                )
        if chance.random() < 0.3:
            fields.update(state=Reminder.State.SNOOZED, snoozed_until=now + datetime.timedelta(days=3))
        reminders.append(ReminderFactory(contact=contact, **fields))
        if chance.random() < 0.4:
            promises.append(CommitmentFactory(contact=contact, description=f"Send article {index}"))
    return {"r": [r.pk for r in reminders], "c": [c.pk for c in contacts], "p": [p.pk for p in promises]}


def test_reminder_rows_read_by_hand_are_the_querysets_rows(owner, random_board):
    by_hand = {r.pk: reminder_seen(r) for r in HandWritten.reminders(owner=owner, ids=random_board["r"])}
    by_orm = {r.pk: reminder_seen(r) for r in Querysets.reminders(owner=owner, ids=random_board["r"])}
    assert len(by_hand) == 30 and by_hand == by_orm
    kinds = {seen[0]["kind"] for seen in by_hand.values()}
    assert kinds == set(Reminder.Kind.values), "the random board holds every kind of reminder"


def test_contact_rows_read_by_hand_are_the_querysets_rows(owner, random_board):
    by_hand = {c.pk: contact_seen(c) for c in HandWritten.contacts(owner=owner, ids=random_board["c"])}
    by_orm = {c.pk: contact_seen(c) for c in Querysets.contacts(owner=owner, ids=random_board["c"])}
    assert len(by_hand) == 30 and by_hand == by_orm
    assert any(seen[1] is None for seen in by_hand.values()) and any(seen[2] for seen in by_hand.values())


def test_promise_rows_read_by_hand_are_the_querysets_rows(owner, random_board):
    def seen(promise):
        return values(promise), values(promise.contact)

    by_hand = {p.pk: seen(p) for p in HandWritten.promises(owner=owner, ids=random_board["p"])}
    by_orm = {p.pk: seen(p) for p in Querysets.promises(owner=owner, ids=random_board["p"])}
    assert by_hand and by_hand == by_orm


def test_another_users_ids_read_nothing(owner, stranger, random_board):
    for reads in (HandWritten, Querysets):
        assert list(reads.reminders(owner=stranger, ids=random_board["r"])) == []
        assert list(reads.contacts(owner=stranger, ids=random_board["c"])) == []
        assert list(reads.promises(owner=stranger, ids=random_board["p"])) == []
