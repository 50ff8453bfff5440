"""The givers-gain ledger: a view over contacts.Interaction, not a copy."""

from __future__ import annotations

import dataclasses
import datetime

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from contacts.models import (
    Contact,
    ContributionDirection,
    ContributionKind,
    Interaction,
    Introduction,
)
from contacts.selectors import TIMELINE_LENGTH
from netcrm.dates import start_of_local_day

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


def contact_ledger(*, contact: Contact, timeline: list[Interaction] | None = None) -> LedgerTotals:
    """The contact's givers-gain totals; counted from ``timeline`` (the contact page's newest
    interactions) when it holds all of them, which spares the page a query."""
    if timeline is None or len(timeline) >= TIMELINE_LENGTH:
        return _totals(Interaction.objects.filter(contact=contact))
    directions = [interaction.contribution_direction for interaction in timeline]
    return LedgerTotals(
        given=directions.count(ContributionDirection.GIVEN),
        received=directions.count(ContributionDirection.RECEIVED),
    )


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
    since = start_of_local_day(first, zone)
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


def totals_of_kinds(kinds: list[dict]) -> LedgerTotals:
    """The totals of ``ledger_by_kind``'s rows: every contribution has a kind (the database's
    constraint), so they are the overall totals, without asking again."""
    return LedgerTotals(given=sum(row["given"] for row in kinds), received=sum(row["received"] for row in kinds))


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


# --- introductions ----------------------------------------------------------------------------

TOP_INTRODUCERS = 5


@dataclasses.dataclass(frozen=True)
class IntroductionCounts:
    made: int  # "I introduced A to B", each counted once though it helped two people
    received: int  # contacts someone in your network introduced you to
    top_introducers: list[Contact]  # each annotated ``introduced_count``, most first

    @property
    def any(self) -> bool:
        return bool(self.made or self.received)


def introduction_counts(*, owner) -> IntroductionCounts:
    """Introductions made and received, and who introduced you to the most people. Three queries."""
    introducers = (
        Contact.objects.for_user(owner)
        .annotate(introduced_count=Count("introduced_contacts"))
        .filter(introduced_count__gt=0)
        .order_by("-introduced_count", "last_name", "first_name", "pk")
    )
    return IntroductionCounts(
        made=Introduction.objects.for_user(owner).count(),
        received=Contact.objects.for_user(owner).filter(introduced_by__isnull=False).count(),
        top_introducers=list(introducers[:TOP_INTRODUCERS]),
    )
