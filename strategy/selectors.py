"""Reads for the strategy pages: the plan with its completeness, venues ranked by return, events,
and the givers-gain ledger (a view over contacts.Interaction, not a copy). Each read is a fixed
number of queries whatever the size of the network."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

from django.db.models import Count, Exists, F, Func, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from contacts.models import (
    Channel,
    Classification,
    Contact,
    ContributionDirection,
    ContributionKind,
    Interaction,
)
from contacts.ownership import get_owned_or_404

from .models import ATTENDANCES_BEFORE_JUDGING, STANDARD_PURPOSES, Event, PersonMet, Plan, Purpose, Venue, YesNoUnknown

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


def classifications_for_plan(*, owner, now: datetime.datetime | None = None) -> QuerySet[Classification]:
    """Live classifications with their contact count and how many are within their cadence."""
    now = now or timezone.now()
    return Classification.objects.for_user(owner).annotate(
        contact_count=Count("contacts"),
        cadence_count=Count("contacts", filter=Q(contacts__next_due_at__isnull=False)),
        within_cadence_count=Count("contacts", filter=Q(contacts__next_due_at__gt=now)),
    )


def share_within_cadence(classification: Classification) -> int | None:
    """Percent of a classification's contacts with a cadence who are not overdue; None if none has one."""
    if not classification.cadence_count:
        return None
    return round(100 * classification.within_cadence_count / classification.cadence_count)


def plan_state(
    *, owner, plan: Plan | None = None, now: datetime.datetime | None = None, with_figures: bool = True
) -> PlanState:
    """The plan with every item's status. Four queries: plan, purposes, classifications, venues.
    ``with_figures=False`` skips the per-classification and per-purpose counts (the statuses do
    not need them; the weekly digest's nudge reads only the statuses)."""
    if plan is None:
        plan = Plan.objects.for_user(owner).first() or Plan(owner=owner)
    if with_figures:
        purposes = list(purposes_with_counts(owner=owner))
        classifications = list(classifications_for_plan(owner=owner, now=now))
    else:
        purposes = list(Purpose.objects.for_user(owner))
        classifications = list(Classification.objects.for_user(owner))
    for classification in classifications:
        classification.share_within_cadence = share_within_cadence(classification) if with_figures else None
    venues = list(Venue.objects.for_user(owner).only("pk", "name", "kind"))

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


# --- purposes ---------------------------------------------------------------------------------


def purposes_with_counts(*, owner) -> QuerySet[Purpose]:
    return Purpose.objects.for_user(owner).annotate(contact_count=Count("contacts"))


def standard_purposes_not_chosen(*, owner) -> list[str]:
    chosen = {name.lower() for name in Purpose.objects.for_user(owner).values_list("name", flat=True)}
    return [name for name in STANDARD_PURPOSES if name.lower() not in chosen]


def purposes_for_contact(*, contact: Contact) -> QuerySet[Purpose]:
    """All the owner's purposes, each annotated ``serves`` for this contact (one query)."""
    serves = Purpose.contacts.through.objects.filter(purpose=OuterRef("pk"), contact=contact)
    return Purpose.objects.filter(owner_id=contact.owner_id).annotate(serves=Exists(serves))


def filter_by_purpose(contacts: QuerySet[Contact], *, purpose: Purpose) -> QuerySet[Contact]:
    return contacts.filter(purposes=purpose)


# --- venues -----------------------------------------------------------------------------------


def _count(queryset: QuerySet, field: str = "pk", distinct: bool = False):
    """A correlated ``(SELECT COUNT(…) …)`` that is 0, not NULL, when nothing matches."""
    template = "%(function)s(DISTINCT %(expressions)s)" if distinct else "%(function)s(%(expressions)s)"
    counted = queryset.order_by().annotate(total=Func(F(field), function="COUNT", template=template)).values("total")
    return Coalesce(Subquery(counted), 0)


def venues_with_return(*, owner) -> QuerySet[Venue]:
    """Venues annotated with their return: attendances, contacts met, interactions and
    contributions with those contacts. One query whatever the number of venues."""
    met_here = PersonMet.objects.filter(event__venue=OuterRef(OuterRef("pk"))).values("contact_id")
    with_met = Interaction.objects.filter(contact_id__in=met_here)
    return Venue.objects.for_user(owner).annotate(
        attendances=_count(Event.objects.filter(venue=OuterRef("pk"), attended=True)),
        events_count=_count(Event.objects.filter(venue=OuterRef("pk"))),
        contacts_met=_count(PersonMet.objects.filter(event__venue=OuterRef("pk")), "contact_id", distinct=True),
        interactions_count=_count(with_met),
        given_count=_count(with_met.filter(contribution_direction=ContributionDirection.GIVEN)),
        received_count=_count(with_met.filter(contribution_direction=ContributionDirection.RECEIVED)),
    )


@dataclasses.dataclass
class VenueReturn:
    venue: Venue

    @property
    def is_judged(self) -> bool:
        return self.venue.attendances >= ATTENDANCES_BEFORE_JUDGING

    @property
    def attendances_to_go(self) -> int:
        return max(0, ATTENDANCES_BEFORE_JUDGING - self.venue.attendances)

    @property
    def contributions(self) -> int:
        return self.venue.given_count + self.venue.received_count

    @property
    def contacts_per_hour(self) -> Decimal | None:
        if not self.venue.hours_spent:
            return None
        return (Decimal(self.venue.contacts_met) / self.venue.hours_spent).quantize(Decimal("0.01"))

    @property
    def warnings(self) -> list[str]:
        found = []
        if self.venue.target_market_present == YesNoUnknown.NO:
            found.append("your target market is not there")
        if self.venue.spread_too_thin == YesNoUnknown.YES:
            found.append("it spreads you too thin")
        if self.venue.interaction_quality is not None and self.venue.interaction_quality <= 2:
            found.append("the interactions are shallow")
        return found

    def rank_key(self):
        return (
            not self.is_judged,
            -(self.contacts_per_hour or 0),
            -self.contributions,
            -self.venue.interactions_count,
            self.venue.name.lower(),
        )


@dataclasses.dataclass
class VenueRanking:
    ranked: list[VenueReturn]

    @property
    def focus(self) -> list[VenueReturn]:
        """The best one or two judged venues that brought anyone and carry no warning."""
        good = [r for r in self.ranked if r.is_judged and r.venue.contacts_met and not r.warnings]
        return good[:2]

    @property
    def reconsider(self) -> list[VenueReturn]:
        focus = {r.venue.pk for r in self.focus}
        return [r for r in self.ranked if r.warnings and r.venue.pk not in focus]


def venue_ranking(*, owner) -> VenueRanking:
    returns = [VenueReturn(venue) for venue in venues_with_return(owner=owner)]
    return VenueRanking(ranked=sorted(returns, key=VenueReturn.rank_key))


def venue_for_page(*, owner, pk) -> VenueReturn:
    return VenueReturn(get_owned_or_404(venues_with_return(owner=owner), owner, pk=pk))


# --- events -----------------------------------------------------------------------------------


def events_for_list(*, owner) -> QuerySet[Event]:
    return Event.objects.for_user(owner).with_people_count().select_related("venue")


def event_for_page(*, owner, pk) -> Event:
    return get_owned_or_404(Event.objects.with_people_count().select_related("venue"), owner, pk=pk)


def people_met_at(*, event: Event) -> QuerySet[Contact]:
    return (
        Contact.objects.filter(event_meetings__event=event)
        .select_related("classification")
        .order_by("event_meetings__created_at", "event_meetings__pk")
    )


def contacts_not_met_at(*, event: Event, search: str, limit: int = 10) -> list[Contact]:
    """Up to ``limit`` of the owner's contacts matching ``search`` and not yet recorded at ``event``."""
    if not search.strip():
        return []
    met = PersonMet.objects.filter(event=event, contact=OuterRef("pk"))
    contacts = Contact.objects.filter(owner_id=event.owner_id).search(search).filter(~Exists(met))
    return list(contacts.select_related("classification")[:limit])


# --- givers gain ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class LedgerTotals:
    given: int
    received: int

    @property
    def balance(self) -> int:
        """Positive when the user gave more than they received."""
        return self.given - self.received

    @property
    def total(self) -> int:
        return self.given + self.received


_GIVEN = Q(contribution_direction=ContributionDirection.GIVEN)
_RECEIVED = Q(contribution_direction=ContributionDirection.RECEIVED)


def _totals(interactions: QuerySet[Interaction]) -> LedgerTotals:
    figures = interactions.aggregate(given=Count("pk", filter=_GIVEN), received=Count("pk", filter=_RECEIVED))
    return LedgerTotals(given=figures["given"], received=figures["received"])


def ledger_totals(*, owner) -> LedgerTotals:
    return _totals(Interaction.objects.for_user(owner))


def contact_ledger(*, contact: Contact) -> LedgerTotals:
    return _totals(Interaction.objects.filter(contact=contact))


@dataclasses.dataclass(frozen=True)
class LedgerMonth:
    month: datetime.date
    given: int
    received: int

    @property
    def balance(self) -> int:
        return self.given - self.received


def _month_start(day: datetime.date, months_back: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months_back
    return datetime.date(index // 12, index % 12 + 1, 1)


def ledger_by_month(*, owner, zone, months: int = 12, today: datetime.date | None = None) -> list[LedgerMonth]:
    """Given and received per calendar month in the user's zone, newest first, the last ``months``
    months including empty ones. One query."""
    today = today or timezone.localdate(timezone=zone)
    first = _month_start(today, months - 1)
    since = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    rows = (
        Interaction.objects.for_user(owner)
        .filter(occurred_at__gte=since)
        .exclude(contribution_direction="")
        .annotate(month=TruncMonth("occurred_at", tzinfo=zone))
        .values("month")
        .annotate(given=Count("pk", filter=_GIVEN), received=Count("pk", filter=_RECEIVED))
        .order_by()
    )
    by_month = {}
    for row in rows:
        month = row["month"]
        key = month.date() if isinstance(month, datetime.datetime) else month
        by_month[key] = row
    result = []
    for back in range(months):
        month = _month_start(today, back)
        row = by_month.get(month, {"given": 0, "received": 0})
        result.append(LedgerMonth(month=month, given=row["given"], received=row["received"]))
    return result


def ledger_by_kind(*, owner) -> list[dict]:
    """Given and received per contribution kind, in the kinds' order. One query."""
    rows = {
        row["contribution_kind"]: row
        for row in Interaction.objects.for_user(owner)
        .exclude(contribution_kind="")
        .values("contribution_kind")
        .annotate(given=Count("pk", filter=_GIVEN), received=Count("pk", filter=_RECEIVED))
        .order_by()
    }
    return [
        {"kind": value, "label": label, **{k: rows.get(value, {}).get(k, 0) for k in ("given", "received")}}
        for value, label in ContributionKind.choices
    ]


def ledger_by_contact(*, owner) -> QuerySet[Contact]:
    """Contacts with any contribution, annotated ``given`` and ``received``, most exchanged first."""
    return (
        Contact.objects.for_user(owner)
        .annotate(
            given=Count("interactions", filter=Q(interactions__contribution_direction=ContributionDirection.GIVEN)),
            received=Count(
                "interactions", filter=Q(interactions__contribution_direction=ContributionDirection.RECEIVED)
            ),
        )
        .filter(Q(given__gt=0) | Q(received__gt=0))
        .annotate(exchanged=F("given") + F("received"), balance=F("given") - F("received"))
        .select_related("classification")
        .order_by("-exchanged", "last_name", "first_name", "pk")
    )
