"""Purposes, venues ranked by return, and events with the people met."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from django.db import connection
from django.db.models import Count, DateField, Exists, F, Func, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from contacts.models import (
    Contact,
    ContributionDirection,
    Interaction,
)
from contacts.ownership import get_owned_or_404
from netcrm import compiled
from netcrm.compiled import CompiledQueries

from ..models import (
    ATTENDANCES_BEFORE_JUDGING,
    STANDARD_PURPOSES,
    Event,
    MetAt,
    PersonMet,
    Purpose,
    Venue,
    YesNoUnknown,
)

# --- purposes ---------------------------------------------------------------------------------


def purposes_with_counts(*, owner) -> QuerySet[Purpose]:
    # Django leaves Meta.ordering out of a GROUP BY query: the main purpose first, then by name.
    counted = Purpose.objects.for_user(owner).annotate(contact_count=Count("contacts"))
    return counted.order_by(*Purpose._meta.ordering)


# The purposes with their counts, as the contact list's chips and the plan page show them: the
# same SQL for an owner until the process ends (netcrm/compiled.py).
_PURPOSE_CHIPS = CompiledQueries()


def purpose_chips(*, owner) -> list[Purpose]:
    """``purposes_with_counts``, by its SQL kept per owner: the contact list and the plan show it every time."""
    sql, params = _PURPOSE_CHIPS.sql(owner.pk, lambda: purposes_with_counts(owner=owner))
    return compiled.instances("netcrm_purpose_chips", Purpose, sql, params)


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
            self.venue.pk,
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


# venues_with_return's SQL by owner: six correlated counts, costlier to compile than to run.
_VENUES_WITH_RETURN = CompiledQueries()


def venue_ranking(*, owner) -> VenueRanking:
    sql, params = _VENUES_WITH_RETURN.sql(owner.pk, lambda: venues_with_return(owner=owner))
    returns = [VenueReturn(venue) for venue in Venue.objects.raw(sql, params)]
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


# --- where you met a contact ------------------------------------------------------------------

# The "where you met" picker offers this many venues (by name) and recent events at most.
PLACES_TO_PICK = 30


def where_met(*, contact: Contact) -> MetAt | None:
    return MetAt.objects.select_related("venue", "event__venue").filter(contact=contact).first()


def places_to_pick(*, owner) -> tuple[list[Venue], list[Event]]:
    """The owner's venues (by name) and most recent events to pick where you met someone: one
    query on PostgreSQL (the contact page is the page opened most, and each query costs it about
    a millisecond), two on SQLite, which cannot cut the parts of a UNION apart."""
    venues, events = Venue.objects.for_user(owner), Event.objects.for_user(owner)
    if not connection.features.supports_slicing_ordering_in_compound:
        return list(venues.only("pk", "name")[:PLACES_TO_PICK]), list(
            events.only("pk", "name", "held_on")[:PLACES_TO_PICK]
        )
    venue_rows = venues.annotate(held=Value(None, output_field=DateField())).values_list("pk", "name", "held")
    event_rows = events.annotate(held=F("held_on")).values_list("pk", "name", "held")
    rows = venue_rows[:PLACES_TO_PICK].union(event_rows[:PLACES_TO_PICK], all=True)
    picked_venues, picked_events = [], []
    for pk, name, held_on in rows:
        if held_on is None:  # an event always has its date
            picked_venues.append(Venue(pk=pk, name=name, owner_id=owner.pk))
        else:
            picked_events.append(Event(pk=pk, name=name, held_on=held_on, owner_id=owner.pk))
    return in_picker_order(picked_venues, picked_events)


def in_picker_order(venues: list[Venue], events: list[Event]) -> tuple[list[Venue], list[Event]]:
    """The venues by name and the events newest first, as the picker lists them (each part was
    ordered and cut in SQL, but a UNION does not promise to keep that order)."""
    venues.sort(key=lambda venue: (venue.name, venue.pk))
    events.sort(key=lambda event: (event.held_on, event.pk), reverse=True)
    return venues, events
