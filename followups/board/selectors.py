"""The follow-ups page (/followups/): every section's count and first rows, "show more",
the classification filter, in a fixed number of queries whatever the network's size.

The rows of all sections are one UNION ALL (open reminders, contacts the sweep has not reminded
yet, open promises) ranked and cut per section by window functions in SQL, so a network with
50,000 people due reads 25 rows per section, not 50,000.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import dateformat, timezone

from contacts import bands
from contacts.models import Classification, Contact
from netcrm import compiled
from netcrm.compiled import CompiledQueries

from ..models import Commitment, Reminder
from ..selectors import Day, days_between, due_in_words
from ..sweep import reminded_for_current_due_moment
from . import shown_rows


@dataclasses.dataclass
class BoardRow:
    contact: Contact
    due_at: datetime.datetime
    days_overdue: int
    last_summary: str | None
    last_next_step: str | None
    reminder: Reminder | None = None
    band: bands.Band | None = None  # shown when "due" or "overdue" (cadence rows only)

    @property
    def guidance(self) -> str:
        if self.reminder is not None and self.reminder.message:
            return self.reminder.message
        classification = self.contact.classification
        return classification.message_guidance if classification else ""

    @property
    def is_late(self) -> bool:
        """Shown in red: past its band's maximum, or (no band) past its day; a date never is."""
        if self.reminder is not None and self.reminder.kind == Reminder.Kind.DATE:
            return False
        return self.band == bands.Band.OVERDUE if self.band else self.days_overdue > 0

    @property
    def when(self) -> str:
        """When it is due, in words (the page renders 25 rows a section: said here, not in tags)."""
        reminder = self.reminder
        if reminder is not None and reminder.state == Reminder.State.SNOOZED:
            return f"snoozed until {dateformat.format(timezone.localtime(reminder.snoozed_until), 'D j M, H:i')}"
        if reminder is not None and reminder.kind == Reminder.Kind.DATE:
            return "coming up"
        return due_in_words(self.days_overdue, timezone.localtime(self.due_at).date())

    @property
    def dom_id(self) -> str:
        return f"reminder-{self.reminder.pk}" if self.reminder else f"contact-{self.contact.pk}"

    @property
    def key(self) -> RowKey:
        if self.reminder is None:
            return RowKey(self.contact.next_due_at, self.contact.pk, "c", self.contact.pk)
        reminder = self.reminder
        sort_at = reminder.snoozed_until if reminder.state == Reminder.State.SNOOZED else reminder.due_at
        return RowKey(sort_at, self.contact.pk, "r", reminder.pk)


BOARD_PAGE_SIZE = 25
# The page's sections, in the order it shows them: (key, title, what it says when empty).
# "Overdue" and "Due" are the bands (contacts.bands): past the maximum, past the ideal by tonight.
SECTIONS = (
    ("overdue", "Overdue", "Nobody is overdue. Nice."),
    ("today", "Due", "Nobody else is due today."),
    ("week", "Due this week", "Nobody else is due this week."),
    ("snoozed", "Snoozed", "Nothing snoozed."),
    ("promises", "Promises", "No open promises."),
)
SECTION_KEYS = tuple(key for key, _, _ in SECTIONS)
_TOKEN = re.compile(r"^(-?\d{1,17})\.(\d{1,18})\.([cpr])(\d{1,18})$")  # ids within a bigint


@dataclasses.dataclass(frozen=True)
class RowKey:
    """Where a row sits in its section: sections are ordered by (moment, contact, source, row),
    and "show more" continues after the last row shown (so acting on rows above does not make
    the next ones skip a place). ``source`` is "r" (reminder), "c" (contact not reminded yet)
    or "p" (promise)."""

    sort_at: datetime.datetime
    contact_id: int
    source: str
    row_id: int

    @property
    def token(self) -> str:
        micros = (self.sort_at - _EPOCH) // datetime.timedelta(microseconds=1)
        return f"{micros}.{self.contact_id}.{self.source}{self.row_id}"

    @classmethod
    def from_token(cls, token: str) -> RowKey | None:
        """None for anything that is not a token this page made."""
        match = _TOKEN.match(token or "")
        if not match:
            return None
        micros, contact_id, source, row_id = match.groups()
        try:
            sort_at = _EPOCH + datetime.timedelta(microseconds=int(micros))
        except OverflowError:
            return None
        return cls(sort_at, int(contact_id), source, int(row_id))


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


@dataclasses.dataclass(frozen=True)
class BoardQuery:
    """What the follow-ups page was asked for: a classification (or "not classified"), and
    one section continued after a row. Anything it cannot use is ignored, never an error."""

    classification: Classification | None = None
    unclassified: bool = False
    section: str | None = None
    after: RowKey | None = None

    @classmethod
    def from_params(cls, params, *, classifications) -> BoardQuery:
        """From a query string; ``classifications`` are the user's own (another user's id,
        or one that does not exist, is ignored)."""
        chosen, unclassified = None, False
        wanted = params.get("classification", "")
        if wanted == "none":
            unclassified = True
        elif wanted.isdigit():
            chosen = next((c for c in classifications if c.pk == int(wanted)), None)
        section = params.get("section")
        section = section if section in SECTION_KEYS else None
        after = RowKey.from_token(params.get("after", "")) if section else None
        return cls(classification=chosen, unclassified=unclassified, section=section, after=after)

    @property
    def filter_params(self) -> dict[str, str]:
        if self.unclassified:
            return {"classification": "none"}
        return {"classification": str(self.classification.pk)} if self.classification else {}

    @property
    def is_filtered(self) -> bool:
        return bool(self.filter_params)

    def url(self, **params) -> str:
        """The board's URL with this filter (and ``params``)."""
        query = urlencode({**self.filter_params, **params})
        return reverse("followups:board") + (f"?{query}" if query else "")

    def contact_filter(self, path: str) -> Q:
        if self.unclassified:
            return Q(**{f"{path}classification__isnull": True})
        if self.classification is not None:
            return Q(**{f"{path}classification_id": self.classification.pk})
        return Q()


@dataclasses.dataclass
class Section:
    key: str
    title: str
    empty_text: str
    today: datetime.date
    total: int
    rows: list  # BoardRow, or Commitment in "promises"
    # Rows from the first one shown to the end of the section (the total on a first page).
    remaining: int
    query: BoardQuery

    @property
    def first_position(self) -> int:
        return self.total - self.remaining + 1

    @property
    def last_position(self) -> int:
        return self.first_position + len(self.rows) - 1

    @property
    def is_continued(self) -> bool:
        return self.first_position > 1

    @property
    def more_count(self) -> int:
        return min(BOARD_PAGE_SIZE, self.remaining - len(self.rows))

    @property
    def more_url(self) -> str | None:
        if self.more_count <= 0 or not self.rows:
            return None
        last = self.rows[-1]
        key = last.key if isinstance(last, BoardRow) else _promise_key(last)
        return self.query.url(section=self.key, after=key.token)


@dataclasses.dataclass
class Board:
    today: datetime.date
    sections: list[Section]
    query: BoardQuery
    classifications: list[Classification]

    def section(self, key: str) -> Section:
        return next(section for section in self.sections if section.key == key)

    @property
    def counts(self) -> dict[str, int]:
        return {section.key: section.total for section in self.sections}

    @property
    def is_empty(self) -> bool:
        return not any(section.total for section in self.sections)


def board_classifications(*, owner) -> list[Classification]:
    """What the page can be filtered by (one query)."""
    return list(Classification.objects.for_user(owner))


def followup_board(
    *, owner, zone, now: datetime.datetime | None = None, query: BoardQuery | None = None, classifications=None
) -> Board:
    """The follow-ups page for ``owner`` in their zone: overdue, due today, due this week,
    snoozed and promises, each with its count and its first BOARD_PAGE_SIZE rows (or, for
    ``query.section``, the rows after ``query.after``). Classifications (unless given), one
    query for every section's rows and counts, one per kind of row shown (reminders, contacts,
    promises), and one more for the counts when a section is continued: whatever the number of rows."""
    query = query or BoardQuery()
    day = Day.of(now or timezone.now(), zone)
    if classifications is None:
        classifications = board_classifications(owner=owner)
    pages = _section_pages(owner, day, query, zone)
    totals = board_counts(owner=owner, day=day, query=query) if query.after else None
    sections = []
    for key, title, empty_text in SECTIONS:
        rows, remaining = pages.get(key, ([], 0))
        total = totals.get(key, 0) if totals is not None else remaining
        sections.append(Section(key, title, empty_text, day.today, max(total, remaining), rows, remaining, query))
    return Board(today=day.today, sections=sections, query=query, classifications=list(classifications))


def board_section(*, owner, zone, query: BoardQuery, now: datetime.datetime | None = None) -> Section:
    """The next rows of ``query.section`` after ``query.after`` ("show more"), two queries."""
    day = Day.of(now or timezone.now(), zone)
    key, title, empty_text = next(section for section in SECTIONS if section[0] == query.section)
    rows, remaining = _section_pages(owner, day, query, zone).get(key, ([], 0))
    return Section(key, title, empty_text, day.today, remaining, rows, remaining, query)


def board_counts(*, owner, day: Day, query: BoardQuery) -> dict[str, int]:
    """Rows per section (one query): what the page's counts show, and update after an action."""
    union_sql, params = _board_rows_sql(owner, day, query)
    sql = f"SELECT section, COUNT(*) FROM ({union_sql}) board_rows GROUP BY section"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counts = dict(cursor.fetchall())
    return {key: counts.get(key, 0) for key in SECTION_KEYS}


_COLUMNS = ("section", "source", "row_id", "row_contact_id", "sort_at")


def _board_rows(owner, day: Day, query: BoardQuery):
    """Every row of the page as (section, source, row id, contact id, moment): open reminders due
    by tonight and snoozed ones, contacts due this week the sweep has not reminded yet (lapsed
    ones too, should it be late), and open promises, in one UNION ALL."""
    in_section = {
        "snoozed": When(state=Reminder.State.SNOOZED, then=Value("snoozed")),
        # A birthday raised days ahead is not late: it stays among today's until its day.
        "date": When(kind=Reminder.Kind.DATE, occasion_on__gte=day.today, then=Value("today")),
        # A cadence reminder is overdue with its contact's band; a promise's or an event's, when its day has passed.
        "overdue": When(
            Q(kind=Reminder.Kind.CADENCE) & bands.overdue(day, "contact__")
            | ~Q(kind=Reminder.Kind.CADENCE) & Q(due_at__lt=day.today_starts),
            then=Value("overdue"),
        ),
    }
    reminders = (
        Reminder.objects.filter(owner=owner)
        .filter(Q(state=Reminder.State.OPEN, due_at__lt=day.tomorrow_starts) | Q(state=Reminder.State.SNOOZED))
        .filter(query.contact_filter("contact__"))
        .annotate(
            section=Case(in_section["snoozed"], in_section["date"], in_section["overdue"], default=Value("today")),
            source=Value("r"),
            row_id=F("pk"),
            row_contact_id=F("contact_id"),
            sort_at=Case(When(state=Reminder.State.SNOOZED, then=F("snoozed_until")), default=F("due_at")),
        )
    )
    contacts = (
        Contact.objects.filter(owner=owner, next_due_at__lt=day.week_ends)
        .filter(~reminded_for_current_due_moment())
        .filter(query.contact_filter(""))
        .annotate(
            section=Case(
                When(bands.overdue(day), then=Value("overdue")),
                When(next_due_at__lt=day.tomorrow_starts, then=Value("today")),
                default=Value("week"),
            ),
            source=Value("c"),
            row_id=F("pk"),
            row_contact_id=F("pk"),
            sort_at=F("next_due_at"),
        )
    )
    promises = (
        Commitment.objects.filter(owner=owner, state=Commitment.State.OPEN)
        .filter(query.contact_filter("contact__"))
        .annotate(
            section=Value("promises"),
            source=Value("p"),
            row_id=F("pk"),
            row_contact_id=F("contact_id"),
            sort_at=F("due_at"),
        )
    )
    sources = {"r": reminders, "c": contacts, "p": promises}
    if query.section:  # only the sources that can have rows in it
        wanted = {"overdue": "rc", "today": "rc", "week": "c", "snoozed": "r", "promises": "p"}[query.section]
        sources = {source: rows for source, rows in sources.items() if source in wanted}
    first, *others = [rows.order_by().values_list(*_COLUMNS) for rows in sources.values()]
    return first.union(*others, all=True) if others else first


# _board_rows compiled, by what it is built from (netcrm.compiled).
_BOARD_ROWS = CompiledQueries()


def _board_rows_sql(owner, day: Day, query: BoardQuery) -> tuple[str, tuple]:
    """``_board_rows`` as SQL and parameters, which follow from its arguments alone; building
    and compiling the three-part UNION was most of the page's time in Python (bench/load)."""
    key = (
        owner.pk,
        day.today,
        day.today_starts,
        day.tomorrow_starts,
        day.week_ends,
        query.section,
        query.unclassified,
        query.classification.pk if query.classification else None,
    )
    return _BOARD_ROWS.sql(key, lambda: _board_rows(owner, day, query))


def _section_pages(owner, day: Day, query: BoardQuery, zone) -> dict[str, tuple[list, int]]:
    """Each section's first BOARD_PAGE_SIZE rows (``query.section``: those after ``query.after``)
    and how many rows it has from there on, cut in SQL with window functions (one query), then
    the rows shown read with what they display (one query per kind of row)."""
    union_sql, params = _board_rows_sql(owner, day, query)
    where, where_params = "", []
    if query.section:
        where, where_params = "WHERE section = %s", [query.section]
        if query.after:
            after = query.after
            where += " AND (sort_at, row_contact_id, source, row_id) > (%s, %s, %s, %s)"
            where_params += [connection.ops.adapt_datetimefield_value(after.sort_at), after.contact_id,
                             after.source, after.row_id]  # fmt: skip
    sql = (
        "SELECT section, source, row_id, remaining FROM ("
        " SELECT section, source, row_id, COUNT(*) OVER (PARTITION BY section) AS remaining,"
        " ROW_NUMBER() OVER (PARTITION BY section ORDER BY sort_at, row_contact_id, source, row_id) AS position"
        f" FROM ({union_sql}) board_rows {where}"
        ") ranked WHERE position <= %s ORDER BY section, position"
    )
    # Prepared on PostgreSQL: planning the UNION cost more than running it.
    _, picked = compiled.run("netcrm_board", sql, (*params, *where_params, BOARD_PAGE_SIZE))
    ids = {source: [row_id for _, row_source, row_id, _ in picked if row_source == source] for source in "rcp"}
    shown = _rows_shown(owner, ids, day, zone)
    pages = {}
    for section, source, row_id, remaining in picked:
        rows, _ = pages.get(section, ([], 0))
        rows.append(shown[source, row_id])
        pages[section] = (rows, remaining)
    return pages


def _rows_shown(owner, ids: dict[str, list[int]], day: Day, zone) -> dict[tuple[str, int], object]:
    """The rows picked, read with what they show: one query per kind of row (by hand on
    PostgreSQL, board/shown_rows.py says why)."""
    reads = shown_rows.for_this_database()
    shown = {}
    if ids["r"]:
        shown.update((("r", r.pk), _reminder_row(r, day, zone)) for r in reads.reminders(owner=owner, ids=ids["r"]))
    if ids["c"]:
        shown.update((("c", c.pk), _contact_row(c, day, zone)) for c in reads.contacts(owner=owner, ids=ids["c"]))
    if ids["p"]:
        shown.update((("p", p.pk), p) for p in reads.promises(owner=owner, ids=ids["p"]))
    return shown


def _promise_key(promise: Commitment) -> RowKey:
    return RowKey(promise.due_at, promise.contact_id, "p", promise.pk)


def _shown_band(contact: Contact, day: Day) -> bands.Band | None:
    band = bands.band_of(next_due_at=contact.next_due_at, overdue_at=contact.overdue_at, day=day)
    return band if band in (bands.Band.OVERDUE, bands.Band.DUE) else None


def _reminder_row(reminder: Reminder, day: Day, zone) -> BoardRow:
    return BoardRow(
        contact=reminder.contact,
        due_at=reminder.due_at,
        days_overdue=days_between(reminder.due_at, day.today, zone),
        band=_shown_band(reminder.contact, day) if reminder.kind == Reminder.Kind.CADENCE else None,
        last_summary=reminder.last_summary,
        last_next_step=reminder.last_next_step,
        reminder=reminder,
    )


def _contact_row(contact: Contact, day: Day, zone) -> BoardRow:
    return BoardRow(
        contact=contact,
        due_at=contact.next_due_at,
        days_overdue=days_between(contact.next_due_at, day.today, zone),
        band=_shown_band(contact, day),
        last_summary=contact.last_summary,
        last_next_step=contact.last_next_step,
    )
