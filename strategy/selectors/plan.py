"""The plan with every item's status: its completeness drives the nudges."""

from __future__ import annotations

import dataclasses
import datetime

from django.db.models import OuterRef, QuerySet
from django.utils import timezone

from contacts.models import (
    Channel,
    Classification,
    Contact,
    ContributionKind,
)
from contacts.ownership import group_by_owner
from netcrm.counting import count_of
from netcrm.sql import any_of

from ..models import Plan, Purpose, Venue
from .purposes_venues_events import purpose_chips

# Fewer words than this and an item counts as "thin": written, but not yet a plan.
THIN_BELOW_WORDS = 8


class Status:
    EMPTY = "empty"
    THIN = "thin"
    DONE = "done"


@dataclasses.dataclass(frozen=True)
class ItemSpec:
    number: int
    title: str
    hint: str
    field: str = ""  # the Plan text field, for items the user writes


ITEMS = [
    ItemSpec(
        1,
        "Who you will invite into your network",
        "The people who serve your purposes: roles, industries, places, and the white noise you welcome too.",
        "who_to_invite",
    ),
    ItemSpec(2, "How you will classify your contacts", "Groups you keep warm at one rhythm with one kind of message."),
    ItemSpec(
        3,
        "How you will maintain contact",
        "Coffee, calls, email, social media: the channels you use and when you use them.",
        "how_to_maintain",
    ),
    ItemSpec(4, "How frequently you will connect with each classification", "Every how many days, per group."),
    ItemSpec(5, "What message you send to each classification", "What to say so it is personal, not a broadcast."),
    ItemSpec(
        6,
        "How you will participate with your network",
        "The venues and events you go to, how often, and in what role.",
        "how_to_participate",
    ),
    ItemSpec(
        7,
        "What you will contribute",
        "Introductions, referrals, advice, resources: what you can give.",
        "what_to_contribute",
    ),
    ItemSpec(
        8,
        "How you will contribute",
        "When and how you give: an introduction a week, sharing articles, mentoring.",
        "how_to_contribute",
    ),
]


@dataclasses.dataclass
class PlanItem:
    spec: ItemSpec
    status: str
    advice: str = ""
    text: str = ""

    @property
    def number(self) -> int:
        return self.spec.number

    @property
    def is_done(self) -> bool:
        return self.status == Status.DONE


@dataclasses.dataclass
class PlanState:
    plan: Plan
    items: list[PlanItem]
    purposes: list[Purpose]
    classifications: list[Classification]
    venues: list[Venue]

    @property
    def purposes_status(self) -> str:
        if not self.purposes:
            return Status.EMPTY
        return Status.DONE if any(p.is_main for p in self.purposes) else Status.THIN

    @property
    def unfinished(self) -> list[str]:
        """Short names of what is still empty or thin, in plan order."""
        missing = [] if self.purposes_status == Status.DONE else ["purposes"]
        return missing + [f"item {item.number}" for item in self.items if not item.is_done]

    @property
    def is_complete(self) -> bool:
        return not self.unfinished

    @property
    def main_purpose(self) -> Purpose | None:
        return next((p for p in self.purposes if p.is_main), None)

    def channel_labels(self) -> list[str]:
        labels = dict(Channel.choices)
        return [labels[value] for value in self.plan.maintain_channels if value in labels]

    def contribution_kind_labels(self) -> list[str]:
        labels = dict(ContributionKind.choices)
        return [labels[value] for value in self.plan.contribution_kinds if value in labels]


def _text_status(text: str) -> str:
    words = len(text.split())
    if not words:
        return Status.EMPTY
    return Status.THIN if words < THIN_BELOW_WORDS else Status.DONE


def _written_item(spec: ItemSpec, plan: Plan, structure_missing: str = "") -> PlanItem:
    text = getattr(plan, spec.field)
    status = _text_status(text)
    if status == Status.EMPTY:
        return PlanItem(spec, Status.EMPTY, "Not written yet.", text)
    if status == Status.THIN:
        return PlanItem(spec, Status.THIN, f"A few words so far; say more (at least {THIN_BELOW_WORDS} words).", text)
    if structure_missing:
        return PlanItem(spec, Status.THIN, structure_missing, text)
    return PlanItem(spec, Status.DONE, "", text)


def _classification_items(classifications: list[Classification]) -> tuple[PlanItem, PlanItem, PlanItem]:
    classify, frequency, message = ITEMS[1], ITEMS[3], ITEMS[4]
    if not classifications:
        none = "No classifications yet."
        return (
            PlanItem(classify, Status.EMPTY, none),
            PlanItem(frequency, Status.EMPTY, none),
            PlanItem(message, Status.EMPTY, none),
        )
    if len(classifications) < 2:
        classify_item = PlanItem(classify, Status.THIN, "One group for everyone; split it by how warm you keep them.")
    else:
        classify_item = PlanItem(classify, Status.DONE)

    without_frequency = [c.name for c in classifications if c.is_business and not c.contact_every_days]
    if not any(c.contact_every_days for c in classifications):
        frequency_item = PlanItem(frequency, Status.EMPTY, "No classification has a frequency yet.")
    elif without_frequency:
        frequency_item = PlanItem(frequency, Status.THIN, "No frequency for: " + ", ".join(without_frequency) + ".")
    else:
        frequency_item = PlanItem(frequency, Status.DONE)

    without_message = [c.name for c in classifications if not c.message_guidance.strip()]
    if len(without_message) == len(classifications):
        message_item = PlanItem(message, Status.EMPTY, "No classification has a message yet.")
    elif without_message:
        message_item = PlanItem(message, Status.THIN, "No message for: " + ", ".join(without_message) + ".")
    else:
        message_item = PlanItem(message, Status.DONE)
    return classify_item, frequency_item, message_item


def _contacts_counted(**conditions):
    """How many of the classification's contacts meet ``conditions``: a correlated COUNT(*)
    that reads one range of an index on (classification, next due moment) per classification,
    instead of joining and grouping every contact of the network."""
    return count_of(Contact.objects.filter(classification=OuterRef("pk"), **conditions))


def classifications_with_cadence_counts(*, owner, now: datetime.datetime | None = None) -> QuerySet[Classification]:
    """Live classifications with how many contacts have a cadence and how many are within it."""
    now = now or timezone.now()
    return Classification.objects.for_user(owner).annotate(
        cadence_count=_contacts_counted(next_due_at__isnull=False),
        within_cadence_count=_contacts_counted(next_due_at__gt=now),
    )


def classifications_for_plan(*, owner, now: datetime.datetime | None = None) -> QuerySet[Classification]:
    """Live classifications with their contact count and how many are within their cadence."""
    return classifications_with_cadence_counts(owner=owner, now=now).annotate(contact_count=_contacts_counted())


def share_within_cadence(classification: Classification) -> int | None:
    """Percent of a classification's contacts with a cadence who are not overdue; None if none has one."""
    if not classification.cadence_count:
        return None
    return round(100 * classification.within_cadence_count / classification.cadence_count)


def plan_state(*, owner, plan: Plan | None = None, now: datetime.datetime | None = None) -> PlanState:
    """The plan with every item's status and the figures its page shows. Four queries: plan,
    purposes, classifications, venues."""
    classifications = list(classifications_for_plan(owner=owner, now=now))
    return _read_state(owner, plan, purpose_chips(owner=owner), classifications)


def plan_summary(*, owner, classifications: list[Classification]) -> PlanState:
    """The plan's state as ``plan_state`` has it, without the counts only the plan page shows
    (contacts per purpose and per classification): for the dashboard's plan card and nudge.
    The caller passes the classifications it read, each with ``cadence_count`` and
    ``within_cadence_count`` (``classifications_with_cadence_counts``). Three queries: plan,
    purposes, venues."""
    purposes = Purpose.objects.for_user(owner).only("pk", "owner_id", "name", "is_main")
    return _read_state(owner, None, purposes, classifications)


def _read_state(owner, plan: Plan | None, purposes: QuerySet[Purpose], classifications: list) -> PlanState:
    if plan is None:
        plan = Plan.objects.for_user(owner).first() or Plan(owner=owner)
    venues = list(Venue.objects.for_user(owner).only("pk", "name", "kind"))
    return plan_state_of(plan=plan, purposes=list(purposes), venues=venues, classifications=classifications)


def plan_state_of(*, plan: Plan, purposes: list[Purpose], venues: list[Venue], classifications: list) -> PlanState:
    """``plan_summary`` from rows the caller has read (the dashboard reads them in one statement);
    ``classifications`` as ``plan_summary`` takes them."""
    for classification in classifications:
        classification.share_within_cadence = share_within_cadence(classification)
    return _assemble(plan, purposes, classifications, venues)


def unfinished_plan_items(*, owner_ids) -> dict[int, list[str]]:
    """``PlanState.unfinished`` for many users at once (the weekly digests of everyone who
    shares a slot). Four queries whatever the number of users."""
    plans = {plan.owner_id: plan for plan in Plan.objects.filter(any_of("owner_id", owner_ids))}
    purposes = group_by_owner(Purpose.objects.filter(any_of("owner_id", owner_ids)).only("owner_id", "is_main"))
    classifications = group_by_owner(
        Classification.objects.filter(any_of("owner_id", owner_ids)).only(
            "owner_id", "name", "contact_every_days", "message_guidance", "is_business"
        )
    )
    venues = group_by_owner(Venue.objects.filter(any_of("owner_id", owner_ids)).only("owner_id"))
    return {
        owner_id: _assemble(
            plans.get(owner_id) or Plan(owner_id=owner_id),
            purposes.get(owner_id, []),
            classifications.get(owner_id, []),
            venues.get(owner_id, []),
        ).unfinished
        for owner_id in owner_ids
    }


def _assemble(plan: Plan, purposes: list, classifications: list, venues: list) -> PlanState:
    classify, frequency, message = _classification_items(classifications)
    items = [
        _written_item(ITEMS[0], plan),
        classify,
        _written_item(ITEMS[2], plan, "" if plan.maintain_channels else "Tick the channels you use."),
        frequency,
        message,
        _written_item(ITEMS[5], plan, "" if venues else "Add the venues you go to (Venues)."),
        _written_item(ITEMS[6], plan, "" if plan.contribution_kinds else "Tick the kinds of help you offer."),
        _written_item(ITEMS[7], plan),
    ]
    return PlanState(plan=plan, items=items, purposes=purposes, classifications=classifications, venues=venues)
