"""The demo's plan, purposes, venues and events, written through the same services as the pages.

Each part is filled only while it is empty, so seeding again changes nothing and a demo account
made before these parts existed gets them on its next run. Dates are relative to ``today``.
"""

from __future__ import annotations

import dataclasses
import datetime
import itertools
from decimal import Decimal

from contacts.models import Channel, Classification, Contact, ContributionKind
from strategy.models import Event, MetAt, Purpose, Venue, YesNoUnknown

from . import services

PLAN_TEXT = {
    "who_to_invite": "Founders and product leads at small data companies in Lisbon and Berlin, the engineers "
    "they hire, a few investors who back them, and the friends and former teachers who keep me honest.",
    "how_to_maintain": "Coffee with the inner circle every fortnight, a short call with clients each month, "
    "and a useful email or article for everyone else when I have one to share.",
    "how_to_participate": "Go to the Lisbon Data Meetup every month with a goal, speak there twice a year, "
    "and give the Product Guild one more evening, its third, before judging whether it pays back.",
    "what_to_contribute": "Introductions between founders and engineers, honest advice on pricing and hiring, "
    "and the articles and templates I wish someone had sent me earlier.",
    "how_to_contribute": "One introduction a week on Friday mornings, a reply to every ask within two days, "
    "and I follow up on each promise by its due date.",
}
PURPOSES = [
    "New business or career opportunities",  # the first picked is the main objective
    "Collaborators",
    "Learning about products, services and companies",
    "Friends",
]


@dataclasses.dataclass(frozen=True)
class DemoVenue:
    name: str
    kind: str
    hours_spent: str
    target_market_present: str
    interaction_quality: int
    spread_too_thin: str
    notes: str
    # (name, days ago, goal people, goal note); every one attended
    events: tuple[tuple[str, int, int, str], ...]


# One judged worth it (three attendances, people met, no warning), one judged not (three
# attendances, the target market is not there), one too early to judge (two attendances).
VENUES = [
    DemoVenue(
        "Lisbon Data Meetup",
        Venue.Kind.MEETUP,
        "9",
        YesNoUnknown.YES,
        4,
        YesNoUnknown.NO,
        "Real conversations after the talks; most founders I want to meet come here.",
        (
            ("Data Meetup: September", 75, 2, "Meet two founders hiring data engineers."),
            ("Data Meetup: October", 40, 3, "Ask three people about their pricing."),
            ("Data Meetup: November", 5, 2, "Meet two data engineers for the Kestrel intro."),
        ),
    ),
    DemoVenue(
        "Founders Forum online",
        Venue.Kind.FORUM,
        "24",
        YesNoUnknown.NO,
        2,
        YesNoUnknown.YES,
        "Lots of threads, few replies; mostly people selling to founders.",
        (
            ("Forum AMA: fundraising", 150, 1, "Find one investor to follow."),
            ("Forum AMA: hiring", 110, 1, ""),
            ("Forum AMA: pricing", 60, 1, ""),
        ),
    ),
    DemoVenue(
        "Product Guild",
        Venue.Kind.ASSOCIATION,
        "5",
        YesNoUnknown.YES,
        3,
        YesNoUnknown.UNKNOWN,
        "Joined this year; two evenings so far.",
        (
            ("Product Guild spring evening", 200, 2, "Meet two product leads."),
            ("Product Guild autumn social", 20, 3, "Meet three product people; follow up within two days."),
        ),
    ),
]
# Met at the November meetup five days ago and not contacted since: the event still to follow up.
NOT_FOLLOWED_UP_EVENT = "Data Meetup: November"
MET_IN_NOVEMBER = [("Rui", "Matos", "Tidewater Logistics"), ("Sofia", "Reis", "Orbit Media")]
UPCOMING_EVENT = ("Data Meetup: December", 12, 2, "Meet two people working on data privacy.")


def seed_demo_strategy(*, user, today: datetime.date, zone) -> None:
    """The plan with all eight items written, purposes with a main objective, three venues with
    their events and the people met there. Safe to run again."""
    _write_plan(user)
    _pick_purposes(user)
    if not Venue.objects.for_user(user).exists():
        _venues_and_events(user, today, zone)


def _write_plan(user) -> None:
    plan = services.plan_for(owner=user)
    if any(getattr(plan, field) for field in PLAN_TEXT):
        return
    for field, text in PLAN_TEXT.items():
        setattr(plan, field, text)
    plan.maintain_channels = [Channel.MEETING, Channel.CALL, Channel.EMAIL]
    plan.contribution_kinds = [ContributionKind.INTRODUCTION, ContributionKind.ADVICE, ContributionKind.RESOURCE]
    services.save_plan(plan=plan)


def _pick_purposes(user) -> None:
    if Purpose.objects.for_user(user).exists():
        return
    purposes = services.add_purposes(owner=user, names=PURPOSES)
    contacts = list(Contact.objects.for_user(user).order_by("pk").values_list("pk", flat=True)[:60])
    through = Purpose.contacts.through
    through.objects.bulk_create(
        through(purpose_id=purposes[index % len(purposes)].pk, contact_id=pk) for index, pk in enumerate(contacts)
    )


def _venues_and_events(user, today: datetime.date, zone) -> None:
    # People met at the older events are contacts the network already has, a few per event
    # (cycled, so a small demo network, ``seed_demo --contacts 5``, still works).
    known = itertools.cycle(Contact.objects.for_user(user).order_by("-pk")[:40])
    prospects = Classification.objects.for_user(user).filter(name="Prospects").first()
    for demo in VENUES:
        venue = services.save_venue(
            venue=Venue(
                owner=user,
                name=demo.name,
                kind=demo.kind,
                hours_spent=Decimal(demo.hours_spent),
                target_market_present=demo.target_market_present,
                interaction_quality=demo.interaction_quality,
                spread_too_thin=demo.spread_too_thin,
                notes=demo.notes,
            )
        )
        for name, days_ago, goal_people, goal_note in demo.events:
            event = services.save_event(
                event=Event(
                    owner=user,
                    venue=venue,
                    name=name,
                    held_on=today - datetime.timedelta(days=days_ago),
                    goal_people=goal_people,
                    goal_note=goal_note,
                    attended=True,
                ),
                zone=zone,
            )
            if name == NOT_FOLLOWED_UP_EVENT:
                people = [
                    services.NewPerson(first, last, company, "", prospects) for first, last, company in MET_IN_NOVEMBER
                ]
                services.add_people_met(event=event, new_people=people)
            else:
                # The forum brings one person per session; the October meetup fell one short of its goal.
                met = 1 if demo.kind == Venue.Kind.FORUM else goal_people - (name == "Data Meetup: October")
                people = list({next(known) for _ in range(met)})
                services.add_people_met(event=event, existing=people)
                for person in people:  # where you first met them: the first event they were at
                    if not MetAt.objects.filter(contact=person).exists():
                        services.set_met_at(contact=person, event=event)
    name, days_ahead, goal_people, goal_note = UPCOMING_EVENT
    services.save_event(
        event=Event(
            owner=user,
            venue=Venue.objects.for_user(user).get(name="Lisbon Data Meetup"),
            name=name,
            held_on=today + datetime.timedelta(days=days_ahead),
            goal_people=goal_people,
            goal_note=goal_note,
        ),
        zone=zone,
    )
