"""What a digest holds (its groups of people, "and N more" lines, promises, other sections) and
its JSON snapshot, kept on the week's DigestLog from the claim to the send.

The snapshot holds what was read (ids, names, texts, day counts), not what is derived from it:
each row's links, its "due 3 days ago" and its band's label are made again from it by the same
``of`` constructors the build uses, so a snapshot renders the same email as the digest it was
taken from. People are stored as lists in ``ROW_FIELDS`` order: a 500-user batch writes, and
each send reads back, a snapshot of about 2 KB rather than 6 (every kilobyte of JSONB costs the
claim and the send's two updates).
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import operator
import zoneinfo

from contacts import bands

from ..selectors import due_in_words
from .links import absolute, absolute_url_for, board_url, path_of, unsubscribe_url

# A snapshot of another format (written before a deploy) is not read: that digest is built afresh.
SNAPSHOT_FORMAT = 2
BAND_LABELS = {band.value: band.label for band in (bands.Band.OVERDUE, bands.Band.DUE)}


@functools.lru_cache(maxsize=64)
def _when(days_overdue: int, today: datetime.date) -> str:
    """ "due 3 days ago", "due today", "due Friday" (cached: every row of a batch shares today).
    Whether that is overdue is the row's band (contacts.bands), said beside it."""
    return due_in_words(days_overdue, today - datetime.timedelta(days=days_overdue))


@dataclasses.dataclass(slots=True)
class DigestRow:
    """One person to reach out to: what was read (``ROW_FIELDS``), then what the email shows."""

    contact_id: int
    reminder_id: int | None  # their open cadence reminder, for "snooze a week"
    name: str
    company: str
    days_overdue: int
    band: str  # "overdue" or "due" (contacts.bands); "" when not due yet
    last_summary: str | None
    last_next_step: str | None
    when: str
    band_label: str
    open_url: str
    log_url: str
    snooze_url: str | None

    @classmethod
    def of(cls, contact_id, reminder_id, name, company, days_overdue, band, last_summary, last_next_step, *,
           today: datetime.date) -> DigestRow:  # fmt: skip
        return cls(
            contact_id, reminder_id, name, company, days_overdue, band, last_summary, last_next_step,
            when=_when(days_overdue, today),
            band_label=BAND_LABELS.get(band, ""),
            open_url=absolute_url_for("contacts:detail", contact_id),
            log_url=absolute_url_for("followups:log_interaction", contact_id),
            snooze_url=absolute_url_for("followups:snooze_week", reminder_id) if reminder_id else None,
        )  # fmt: skip


ROW_FIELDS = ("contact_id", "reminder_id", "name", "company", "days_overdue", "band", "last_summary",
              "last_next_step")  # fmt: skip
_row_fields = operator.attrgetter(*ROW_FIELDS)


@dataclasses.dataclass(slots=True)
class ClassificationGroup:
    name: str
    guidance: str
    rows: list[DigestRow]


@dataclasses.dataclass(slots=True)
class MoreDue:
    """One classification's people due this week whom the digest does not name."""

    text: str  # "and 23 more Clients are due"
    classification_id: int | None
    url: str  # the follow-ups page filtered by that classification

    @classmethod
    def of(cls, text: str, classification_id: int | None) -> MoreDue:
        return cls(text, classification_id, board_url(classification_id))


@dataclasses.dataclass(slots=True)
class PromiseDue:
    description: str
    contact_name: str
    contact_id: int
    due_on: datetime.date
    contact_url: str

    @classmethod
    def of(cls, description: str, contact_name: str, contact_id: int, due_on: datetime.date) -> PromiseDue:
        return cls(description, contact_name, contact_id, due_on, absolute_url_for("contacts:detail", contact_id))


@dataclasses.dataclass
class DigestContent:
    owner_id: int
    time_zone: str
    today: datetime.date
    groups: list[ClassificationGroup]
    more_due: list[MoreDue]
    due_total: int  # everyone due this week, named or counted
    promises_due: list[PromiseDue]
    promises_more: int  # promises due this week beyond those listed
    given_this_week: int
    received_this_week: int
    # {"title", "items": [{"text", "url"}], "more": items not listed, "more_url",
    #  "counts": whether its items alone make the week worth an email}
    extra_sections: list[dict] = dataclasses.field(default_factory=list)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def contacts_count(self) -> int:
        """The people the digest names (what its subject counts)."""
        return sum(len(group.rows) for group in self.groups)

    @property
    def is_empty(self) -> bool:
        # A plan nudge alone does not make a week worth an email; people and promises do.
        return not (self.due_total or self.promises_due or any(s["items"] for s in self.extra_sections if s["counts"]))

    @property
    def subject(self) -> str:
        if self.contacts_count:
            people = f"{self.contacts_count} {'person' if self.contacts_count == 1 else 'people'}"
            return f"Your networking week: {people} to reach out to"
        return "Your networking week: nobody is due"

    def links(self) -> dict:
        return {
            "followups": absolute(path_of("followups:board")),
            "settings": absolute(path_of("followups:preferences")),
            "unsubscribe": unsubscribe_url(self.owner_id),
        }

    def to_snapshot(self) -> dict:
        """JSON-ready, for DigestLog.content: what was read, in lists (see the module's docstring)."""
        return {
            "format": SNAPSHOT_FORMAT,
            "owner_id": self.owner_id,
            "time_zone": self.time_zone,
            "today": self.today.isoformat(),
            "groups": [[group.name, group.guidance, [_row_fields(row) for row in group.rows]] for group in self.groups],
            "more_due": [(line.text, line.classification_id) for line in self.more_due],
            "due_total": self.due_total,
            "promises_due": [
                (promise.description, promise.contact_name, promise.contact_id, promise.due_on.isoformat())
                for promise in self.promises_due
            ],
            "promises_more": self.promises_more,
            "given_this_week": self.given_this_week,
            "received_this_week": self.received_this_week,
            # a section without items shows nothing and counts for nothing
            "extra_sections": [section for section in self.extra_sections if section["items"]],
        }

    @classmethod
    def from_snapshot(cls, snapshot: dict) -> DigestContent:
        """The digest a snapshot was taken from; ValueError, KeyError or TypeError for a
        snapshot of another format."""
        if snapshot.get("format") != SNAPSHOT_FORMAT:
            raise ValueError(f"a digest snapshot of format {snapshot.get('format')!r}, not {SNAPSHOT_FORMAT}")
        today = datetime.date.fromisoformat(snapshot["today"])
        return cls(
            owner_id=snapshot["owner_id"],
            time_zone=snapshot["time_zone"],
            today=today,
            groups=[
                ClassificationGroup(name, guidance, [DigestRow.of(*row, today=today) for row in rows])
                for name, guidance, rows in snapshot["groups"]
            ],
            more_due=[MoreDue.of(*line) for line in snapshot["more_due"]],
            due_total=snapshot["due_total"],
            promises_due=[
                PromiseDue.of(description, name, contact_id, datetime.date.fromisoformat(due_on))
                for description, name, contact_id, due_on in snapshot["promises_due"]
            ],
            promises_more=snapshot["promises_more"],
            given_this_week=snapshot["given_this_week"],
            received_this_week=snapshot["received_this_week"],
            extra_sections=snapshot["extra_sections"],
        )
