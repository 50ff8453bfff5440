"""The whole demo account for the run command: the contacts app's network, the strategy app's
plan, venues and events, and what follow-ups adds: introductions, who introduced whom, promises,
help received, this week's plan, and the reminders the sweep raises from all of it.

It lives here because followups is the one app that may read the other two (DESIGN.md). Each
part is written through the pages' own services and only while it is empty, so running it again
is safe, and an account seeded before a part existed gets that part on the next run.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from contacts.demo import ensure_upcoming_birthdays, seed_demo_network
from contacts.models import (
    Classification,
    Contact,
    ContributionDirection,
    ContributionKind,
    Interaction,
    InteractionKind,
    Introduction,
)
from contacts.services import set_introduced_by
from netcrm.dates import week_starting
from strategy.demo import NOT_FOLLOWED_UP_EVENT, seed_demo_strategy
from strategy.models import Event

from . import services
from .introductions.services import introduce
from .models import Commitment, WeekPlanEntry
from .sweep import run_sweep

# (days ago, why they should meet) for introductions between people of the network.
INTRODUCTIONS = [
    (45, "Both hire data engineers in Lisbon"),
    (16, "She is raising; he invests in data tools"),
    (4, "Same pricing question; they should compare notes"),
]
# (days from today, promise): one already late, two coming.
PROMISES = [
    (-1, "Send the pricing template"),
    (2, "Share two designer profiles"),
    (6, "Introduce to someone at Kestrel Capital"),
]
HELP_RECEIVED = [
    (9, ContributionKind.REFERRAL, "Referred me to the Helix Health team"),
    (25, ContributionKind.ADVICE, "Advice on structuring the pilot contract"),
]
WEEK_PLAN_SIZE = 4


@transaction.atomic
def seed_demo(*, username: str, password: str, contacts: int = 200):
    """Create (or complete) the demo user and every part of the demo. Returns the user."""
    user = seed_demo_network(username=username, password=password, contacts=contacts)
    zone = services.preferences_for(user).zone
    today = timezone.localdate(timezone=zone)
    ensure_upcoming_birthdays(user=user, today=today)
    seed_demo_strategy(user=user, today=today, zone=zone)
    _follow_up_the_autumn_social(user)
    _introductions(user)
    _promises(user, today, zone)
    _help_received(user)
    _week_plan(user, zone)
    run_sweep()  # raise the reminders now rather than at beat's first sweep
    return user


def _network(user, start: int, count: int) -> list[Contact]:
    """Contacts of the network, by age, leaving out those met at the event still to follow up
    (anything logged with them would follow it up)."""
    network = Contact.objects.for_user(user).exclude(event_meetings__event__name=NOT_FOLLOWED_UP_EVENT)
    return list(network.order_by("pk")[start : start + count])


def _follow_up_the_autumn_social(user) -> None:
    """The Product Guild social was followed up two days later; the November meetup was not (yet)."""
    event = Event.objects.for_user(user).filter(name="Product Guild autumn social").first()
    if event is None:
        return
    since = Interaction.objects.filter(contact=OuterRef("pk"), occurred_at__gte=event.starts_at)
    followed_up_at = event.starts_at + datetime.timedelta(days=2, hours=10)
    for contact in Contact.objects.filter(event_meetings__event=event).exclude(Exists(since)):
        services.log_interaction(
            contact=contact,
            occurred_at=followed_up_at,
            kind=InteractionKind.SOCIAL,
            summary="LinkedIn invitation after the Product Guild social",
            next_step="Ask how their launch went",
        )


def _introductions(user) -> None:
    if Introduction.objects.for_user(user).exists():
        return
    people = _network(user, 0, 2 * len(INTRODUCTIONS))
    now = timezone.now()
    for (days_ago, note), first, second in zip(INTRODUCTIONS, people[::2], people[1::2], strict=False):
        introduce(
            contact=first,
            introduced_to=second,
            note=note,
            made_at=now - datetime.timedelta(days=days_ago),
        )
    # Two people of the network introduced you to others: the roots of those relationships.
    introducers = _network(user, 10, 2)
    for index, contact in enumerate(_network(user, 12, 5)):
        set_introduced_by(contact=contact, introducer=introducers[index % 2])


def _promises(user, today: datetime.date, zone) -> None:
    if Commitment.objects.for_user(user).filter(state=Commitment.State.OPEN).exists():
        return
    for contact, (days_ahead, promise) in zip(_network(user, 20, len(PROMISES)), PROMISES, strict=False):
        services.record_commitment(
            contact=contact, description=promise, due_on=today + datetime.timedelta(days=days_ahead), zone=zone
        )


def _help_received(user) -> None:
    received = Interaction.objects.for_user(user).filter(contribution_kind=ContributionKind.REFERRAL)
    if received.filter(contribution_direction=ContributionDirection.RECEIVED).exists():
        return
    now = timezone.now()
    for contact, (days_ago, kind, summary) in zip(_network(user, 30, len(HELP_RECEIVED)), HELP_RECEIVED, strict=False):
        services.log_interaction(
            contact=contact,
            occurred_at=now - datetime.timedelta(days=days_ago),
            kind=InteractionKind.CALL,
            summary=summary,
            contribution_direction=ContributionDirection.RECEIVED,
            contribution_kind=kind,
        )


def _week_plan(user, zone) -> None:
    """This week's plan: the longest overdue person of each of the first classifications, the
    first of them already reached this week (ticked)."""
    monday = week_starting(timezone.now(), zone)
    if WeekPlanEntry.objects.for_user(user).filter(week_starting=monday).exists():
        return
    overdue = Contact.objects.for_user(user).filter(next_due_at__lt=timezone.now()).order_by("next_due_at", "pk")
    picked = [
        person
        for classification in Classification.objects.for_user(user)[:WEEK_PLAN_SIZE]
        if (person := overdue.filter(classification=classification).first()) is not None
    ]
    services.add_to_week_plan(owner=user, contacts=picked, week_starting=monday)
    if picked:
        services.log_interaction(
            contact=picked[0],
            kind=InteractionKind.MEETING,
            summary="Coffee: caught up on their new project",
            next_step="Send them the hiring article",
        )
