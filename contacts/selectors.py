"""Reads for the contacts pages: each returns an owner-scoped queryset with what its page shows."""

from __future__ import annotations

import dataclasses
import datetime

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Value, Window
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone

from netcrm import compiled
from netcrm.compiled import CompiledQueries
from netcrm.dates import start_of_local_day

from . import bands, page_statement
from .models import Classification, Contact, Interaction, Introduction, Tag
from .ownership import get_owned_or_404, id_from_query
from .page_rows import own_rows, remember_own_lists, with_own_lists
from .search import is_ranked


class Status(models.TextChoices):
    """Where a contact stands against its cadence: the bands of contacts.bands (overdue: past the
    maximum; due: past the ideal), then when the not yet due fall due. The dashboard's counts use
    the same cuts."""

    OVERDUE = "overdue", "Overdue"
    DUE = "due", "Due"
    DUE_THIS_WEEK = "due_this_week", "Due later this week"
    WITHIN_CADENCE = "within_cadence", "Within cadence"
    NO_CADENCE = "no_cadence", "No cadence"


@dataclasses.dataclass(frozen=True)
class StatusBounds:
    """The user's today, in UTC: ``today_starts`` and ``tomorrow_starts`` cut the bands; due later
    this week until ``week_ends`` (midnight seven local days on, as followups.selectors.Day cuts it)."""

    today_starts: datetime.datetime
    tomorrow_starts: datetime.datetime
    week_ends: datetime.datetime

    @classmethod
    def of(cls, now: datetime.datetime | None = None, zone=None) -> StatusBounds:
        zone = zone or timezone.get_current_timezone()
        today = timezone.localtime(now or timezone.now(), zone).date()
        return cls(
            today_starts=start_of_local_day(today, zone),
            tomorrow_starts=start_of_local_day(today + datetime.timedelta(days=1), zone),
            week_ends=start_of_local_day(today + datetime.timedelta(days=7), zone),
        )

    def condition(self, status: str) -> Q:
        return {
            Status.OVERDUE: bands.overdue(self),
            Status.DUE: bands.due(self),
            Status.DUE_THIS_WEEK: Q(next_due_at__gte=self.tomorrow_starts, next_due_at__lt=self.week_ends),
            Status.WITHIN_CADENCE: Q(next_due_at__gte=self.week_ends),
            Status.NO_CADENCE: Q(next_due_at__isnull=True),
        }.get(status, Q())


class Sort(models.TextChoices):
    NAME = "name", "Name A–Z"
    NAME_DESC = "-name", "Name Z–A"
    COMPANY = "company", "Company A–Z"
    COMPANY_DESC = "-company", "Company Z–A"
    LAST_CONTACT = "last_contact", "Last contact: longest ago"
    LAST_CONTACT_DESC = "-last_contact", "Last contact: most recent"
    NEXT_DUE = "next_due", "Next due: soonest"
    NEXT_DUE_DESC = "-next_due", "Next due: latest"
    RELEVANCE = "relevance", "Best match"


def _by_name(descending: bool = False) -> list:
    """Last name (the first name when there is none), then first name, any case; then the id."""
    keys = [Lower(Coalesce(NullIf("last_name", Value("")), "first_name")), Lower("first_name")]
    if descending:
        return [key.desc() for key in keys] + [F("pk").desc()]
    return [key.asc() for key in keys] + [F("pk").asc()]


def ordering(sort: str) -> list:
    """The ORDER BY of a sort; each ends in a unique tiebreak so pages never overlap. Empty
    companies, contacts never met and contacts without a cadence go last either way, except
    that "longest ago" starts with the never contacted."""
    company = NullIf(Lower("company"), Value(""))
    return {
        Sort.NAME: _by_name(),
        Sort.NAME_DESC: _by_name(descending=True),
        Sort.COMPANY: [company.asc(nulls_last=True), *_by_name()],
        Sort.COMPANY_DESC: [company.desc(nulls_last=True), *_by_name()],
        Sort.LAST_CONTACT: [F("last_interaction_at").asc(nulls_first=True), *_by_name()],
        Sort.LAST_CONTACT_DESC: [F("last_interaction_at").desc(nulls_last=True), *_by_name()],
        Sort.NEXT_DUE: [F("next_due_at").asc(nulls_last=True), *_by_name()],
        Sort.NEXT_DUE_DESC: [F("next_due_at").desc(nulls_last=True), *_by_name()],
        Sort.RELEVANCE: [F("search_rank").desc(), *_by_name()],
    }[sort]


def effective_sort(*, sort: str, search: str) -> str:
    """The sort a list is shown in: the one asked for, else the best match first while searching
    (where the database ranks), else by name. Best match without a search is by name."""
    searching = bool(search.split()) and is_ranked(Contact.objects.all())
    if sort == Sort.RELEVANCE or not sort:
        return Sort.RELEVANCE if searching else Sort.NAME
    return sort if sort in Sort.values else Sort.NAME


def contacts_matching(
    *,
    owner,
    search: str = "",
    classification_id: str = "",
    tag_id: str = "",
    status: str = "",
    bounds: StatusBounds | None = None,
) -> QuerySet[Contact]:
    """The owner's contacts a list's filters select (also what "select all N matching" acts on)."""
    contacts = Contact.objects.for_user(owner).search(search, owner=owner)
    if classification_id == "none":
        contacts = contacts.filter(classification__isnull=True)
    elif (pk := id_from_query(classification_id)) is not None:
        contacts = contacts.filter(classification_id=pk)
    if (pk := id_from_query(tag_id)) is not None:
        contacts = contacts.filter(tags__id=pk)
    if status in Status.values:
        contacts = contacts.filter((bounds or StatusBounds.of()).condition(status))
    return contacts


# What each row of the list shows besides the contact's own columns.
LIST_ROW_LISTS = ("tags", "emails")


def _listed(*, owner, sort: str, filters: dict) -> QuerySet[Contact]:
    contacts = contacts_matching(owner=owner, **filters)
    sort = effective_sort(sort=sort, search=filters.get("search", ""))
    return contacts.order_by(*ordering(sort)).select_related("classification")


def contacts_for_list(*, owner, sort: str = "", **filters) -> QuerySet[Contact]:
    """The list's rows: ``contacts_matching`` in the sort asked for, with what each row shows
    prefetched (a fixed number of queries whatever the row count)."""
    return _listed(owner=owner, sort=sort, filters=filters).prefetch_related(*LIST_ROW_LISTS)


def contacts_for_list_page(*, owner, sort: str = "", **filters) -> QuerySet[Contact]:
    """``contacts_for_list`` for the list page, whose rows' tags and emails come with them in
    one statement on PostgreSQL: read its page through ``list_rows``."""
    return with_own_lists(_listed(owner=owner, sort=sort, filters=filters), LIST_ROW_LISTS)


def list_rows(page: Page) -> Page:
    """``page`` with its rows read, each with ``listed_tags`` and ``listed_emails`` (a fixed
    number of queries whatever the row count: contacts.page_rows)."""
    rows = list(page.object_list)
    for contact in rows:
        for name in LIST_ROW_LISTS:
            setattr(contact, f"listed_{name}", own_rows(contact, name))
    page.object_list = rows
    return page


class _CountKnownPaginator(Paginator):
    """A paginator told its count and one page's rows, which it does not read again."""

    def __init__(self, object_list, per_page: int, *, count: int, number: int, rows: list):
        super().__init__(object_list, per_page)
        self.count = count  # takes the place of the cached property that would ask the database
        self._known_page = (number, rows)

    def page(self, number) -> Page:
        number = self.validate_number(number)
        known_number, rows = self._known_page
        return self._get_page(rows, number, self) if number == known_number else super().page(number)


def search_results_page(contacts: QuerySet[Contact], number, *, per_page: int) -> Page:
    """``Paginator(contacts, per_page).get_page(number)`` for search results, in one query: the
    page's rows carry the count of all matches (a window function), so the matches are not
    searched for a second time only to be counted (a search ranks every match anyway; a plain
    list is better counted apart, from an index). The count is asked apart only when the page
    has no rows: nothing matches, or the page is past the end (then the last page is shown)."""
    try:
        wanted = int(number)
    except (TypeError, ValueError):
        wanted = 1  # as Paginator.get_page: anything but a number is the first page
    if wanted < 1:
        return Paginator(contacts, per_page).get_page(number)
    start = (wanted - 1) * per_page
    rows = list(contacts.annotate(matching_count=Window(Count("*")))[start : start + per_page])
    if not rows:
        return Paginator(contacts, per_page).get_page(number)
    paginator = _CountKnownPaginator(contacts, per_page, count=rows[0].matching_count, number=wanted, rows=rows)
    return paginator.page(wanted)


# The list's filters count and name the whole network, whatever the search: the same SQL for a
# user all day, costlier for Django to build and compile than for PostgreSQL to run (netcrm/compiled.py).
_LIST_FILTERS = CompiledQueries()


def _status_counts_query(owner, bounds: StatusBounds) -> QuerySet:
    # One group, the owner's: an aggregate as a queryset, so that its SQL can be kept.
    return (
        Contact.objects.for_user(owner)
        .order_by()
        .values("owner_id")
        .annotate(all=Count("pk"), **{status: Count("pk", filter=bounds.condition(status)) for status in Status.values})
    )


def status_counts(*, owner, bounds: StatusBounds) -> dict[str, int]:
    """How many of the owner's contacts stand at each status, and under ``"all"`` how many
    there are (one query: an unfiltered list is counted from it, not by a second COUNT)."""
    sql, params = _LIST_FILTERS.sql(("status_counts", owner.pk, bounds), lambda: _status_counts_query(owner, bounds))
    names, rows = compiled.run("netcrm_list_counts", sql, params)
    counted = dict(zip(names, rows[0], strict=True)) if rows else {}
    return {name: counted.get(name, 0) for name in ("all", *Status.values)}


# The contact page shows this many of the newest interactions; fewer means it shows them all.
TIMELINE_LENGTH = 100


def contact_for_page(*, owner, pk, with_timeline: bool = False) -> Contact:
    """The owner's contact, else 404, with what its page shows: classification, introducer, tags,
    emails, phones and dates; ``introduced_anyone`` spares the page the query for the people they
    introduced you to when there are none (most people). On PostgreSQL one hand-written
    statement (contacts.page_statement), which ``with_timeline`` also reads the newest
    interactions in, for ``timeline``; on SQLite querysets and prefetches (contacts.page_rows)."""
    if page_statement.reads_page_in_one_statement():
        length = TIMELINE_LENGTH if with_timeline else 0
        return page_statement.contact_in_one_statement(owner=owner, pk=pk, newest_interactions=length)
    introduced = Contact.objects.filter(introduced_by=OuterRef("pk"))
    contact = get_owned_or_404(
        with_own_lists(Contact.objects.select_related("classification", "introduced_by")).annotate(
            introduced_anyone=Exists(introduced)
        ),
        owner,
        pk=pk,
    )
    return remember_own_lists(contact)


def timeline(*, contact: Contact, limit: int = TIMELINE_LENGTH) -> list[Interaction]:
    """The newest interactions, each introduction with both its people (one query, none when
    ``contact_for_page`` read them; one more only when one of them is an introduction). Joining
    the introductions into the first cost more to build and compile than to run, for the few
    interactions that are introductions."""
    newest = getattr(contact, "newest_interactions", None)
    if newest is not None and limit == TIMELINE_LENGTH:
        interactions = list(newest)
    else:
        interactions = list(contact.interactions.all()[:limit])
    introduction_ids = {interaction.introduction_id for interaction in interactions} - {None}
    if introduction_ids:
        introductions = Introduction.objects.select_related("introduced", "introduced_to").in_bulk(introduction_ids)
        for interaction in interactions:
            if interaction.introduction_id is not None:
                interaction.introduction = introductions[interaction.introduction_id]
    return interactions


# A contact's page lists this many of the people they introduced you to, then counts the rest.
INTRODUCED_SHOWN = 10


def introduced_by_contact(*, contact: Contact) -> tuple[list[Contact], int]:
    """The first people ``contact`` introduced you to, by name, and how many there are in all
    (one query: the total rides along on each row; none when ``contact_for_page`` found nobody)."""
    if not getattr(contact, "introduced_anyone", True):
        return [], 0
    introduced = (
        Contact.objects.filter(owner_id=contact.owner_id, introduced_by=contact)
        .annotate(introduced_total=models.Window(Count("pk")))
        .order_by("last_name", "first_name", "pk")
    )
    shown = list(introduced[:INTRODUCED_SHOWN])
    return shown, shown[0].introduced_total if shown else 0


# A picker shows at most this many matches; the person refines the search for others.
PICKER_MATCHES = 10


def contacts_to_pick(*, owner, search: str, excluding: Contact) -> list[Contact]:
    """Up to ``PICKER_MATCHES`` of the owner's contacts matching ``search``, without ``excluding``
    (you introduce someone to another person, not to themselves). Nothing for an empty search."""
    if not search.strip():
        return []
    matches = Contact.objects.for_user(owner).search(search, owner=owner).exclude(pk=excluding.pk)
    by_name = ("last_name", "first_name", "pk")
    matches = matches.order_by("-search_rank", *by_name) if is_ranked(matches) else matches.order_by(*by_name)
    return list(matches.select_related("classification")[:PICKER_MATCHES])


def classifications_with_counts(*, owner) -> QuerySet[Classification]:
    # Django leaves Meta.ordering out of a GROUP BY query: the plan's order is asked for.
    counted = Classification.objects.for_user(owner).annotate(contact_count=Count("contacts"))
    return counted.order_by(*Classification._meta.ordering)


def tags_for(*, owner) -> QuerySet[Tag]:
    return Tag.objects.for_user(owner)


def list_filter_choices(*, owner) -> tuple[list[Classification], list[Tag]]:
    """The list filters' classifications (with their counts) and tags, by their SQL kept per owner."""
    classifications = _LIST_FILTERS.sql(("classifications", owner.pk), lambda: classifications_with_counts(owner=owner))
    tags = _LIST_FILTERS.sql(("tags", owner.pk), lambda: tags_for(owner=owner))
    return (
        compiled.instances("netcrm_list_classifications", Classification, *classifications),
        compiled.instances("netcrm_list_tags", Tag, *tags),
    )
