"""What the weekly digest says: a plan for the week, built in a fixed number of queries.

The content is plain data (names, texts, absolute links), so it can be kept as a JSON snapshot
on the week's DigestLog: the scheduler builds the digests of everyone who shares a slot in a
handful of queries, and each send task only renders and sends its user's snapshot.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import zoneinfo
from itertools import groupby

from django.conf import settings
from django.core import signing
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from contacts.models import Interaction
from followups.dashboard import Day, week_plans
from followups.models import FollowupPreferences, Reminder
from followups.selectors import Board, BoardRow, followup_boards
from strategy.selectors import unfinished_plan_items

UNSUBSCRIBE_SALT = "netcrm.digest.unsubscribe"


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_token(owner_id: int) -> str:
    return signing.dumps(owner_id, salt=UNSUBSCRIBE_SALT)


def owner_id_from_unsubscribe_token(token: str) -> int:
    """The user id a token was made for; raises signing.BadSignature when it was tampered with."""
    return int(signing.loads(token, salt=UNSUBSCRIBE_SALT))


@functools.cache
def _url_pattern(name: str) -> str:
    """``reverse`` once per URL name, then format: a digest has ~20 rows x 3 links, 10,000 times."""
    return reverse(name, args=[_PLACEHOLDER]).replace(str(_PLACEHOLDER), "{}")


_PLACEHOLDER = 987654321


def absolute_url_for(name: str, pk: int) -> str:
    return settings.SITE_URL + _url_pattern(name).format(pk)


@dataclasses.dataclass
class DigestRow:
    """One person to reach out to, with what the email shows for them."""

    name: str
    company: str
    when: str
    days_overdue: int
    last_summary: str | None
    last_next_step: str | None
    open_url: str
    log_url: str
    snooze_url: str | None

    @classmethod
    def from_board_row(cls, row: BoardRow, zone) -> DigestRow:
        if row.days_overdue > 0:
            when = f"{row.days_overdue} day{'s' if row.days_overdue != 1 else ''} overdue"
        elif row.days_overdue == 0:
            when = "due today"
        else:
            when = f"due {date_format(timezone.localtime(row.due_at, zone), 'l')}"
        contact_pk = row.contact.pk
        return cls(
            name=row.contact.full_name,
            company=row.contact.company,
            when=when,
            days_overdue=row.days_overdue,
            last_summary=row.last_summary,
            last_next_step=row.last_next_step,
            open_url=absolute_url_for("contacts:detail", contact_pk),
            log_url=absolute_url_for("followups:log_interaction", contact_pk),
            snooze_url=absolute_url_for("followups:snooze_week", row.reminder.pk) if row.reminder else None,
        )


@dataclasses.dataclass
class ClassificationGroup:
    name: str
    guidance: str
    rows: list[DigestRow]


@dataclasses.dataclass
class PromiseDue:
    description: str
    contact_name: str
    contact_url: str
    due_on: datetime.date


@dataclasses.dataclass
class DigestContent:
    owner_id: int
    time_zone: str
    today: datetime.date
    groups: list[ClassificationGroup]
    promises_due: list[PromiseDue]
    given_this_week: int
    received_this_week: int
    # {"title", "items": [{"text", "url"}], "counts": whether its items alone make the week worth an email}
    extra_sections: list[dict] = dataclasses.field(default_factory=list)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def contacts_count(self) -> int:
        return sum(len(group.rows) for group in self.groups)

    @property
    def is_empty(self) -> bool:
        # A plan nudge alone does not make a week worth an email; people and promises do.
        return not (
            self.contacts_count or self.promises_due or any(s["items"] for s in self.extra_sections if s["counts"])
        )

    @property
    def subject(self) -> str:
        if self.contacts_count:
            people = f"{self.contacts_count} {'person' if self.contacts_count == 1 else 'people'}"
            return f"Your networking week: {people} to reach out to"
        return "Your networking week: nobody is due"

    def links(self) -> dict:
        return {
            "followups": absolute(reverse("followups:board")),
            "settings": absolute(reverse("followups:preferences")),
            "unsubscribe": unsubscribe_url(self.owner_id),
        }

    def to_snapshot(self) -> dict:
        """JSON-ready, for DigestLog.content."""
        snapshot = dataclasses.asdict(self)
        snapshot["today"] = self.today.isoformat()
        for promise in snapshot["promises_due"]:
            promise["due_on"] = promise["due_on"].isoformat()
        return snapshot

    @classmethod
    def from_snapshot(cls, snapshot: dict) -> DigestContent:
        fields = dict(snapshot)
        fields["today"] = datetime.date.fromisoformat(fields["today"])
        fields["groups"] = [
            ClassificationGroup(**{**group, "rows": [DigestRow(**row) for row in group["rows"]]})
            for group in fields["groups"]
        ]
        fields["promises_due"] = [
            PromiseDue(**{**promise, "due_on": datetime.date.fromisoformat(promise["due_on"])})
            for promise in fields["promises_due"]
        ]
        return cls(**fields)


def unsubscribe_url(owner_id: int) -> str:
    return absolute(reverse("followups:digest_unsubscribe", args=[unsubscribe_token(owner_id)]))


def _group_by_classification(rows: list[BoardRow], zone) -> list[ClassificationGroup]:
    """Group rows in the plan's order of classifications; unclassified contacts last."""

    def order(row):
        classification = row.contact.classification
        if classification is None:
            return (1, 0, "", 0)
        return (0, classification.display_order, classification.name, classification.pk)

    groups = []
    for _, grouped in groupby(sorted(rows, key=lambda row: (order(row), row.due_at, row.contact.pk)), key=order):
        grouped = list(grouped)
        classification = grouped[0].contact.classification
        groups.append(
            ClassificationGroup(
                name=classification.name if classification else "Not classified",
                guidance=classification.message_guidance if classification else "",
                rows=[DigestRow.from_board_row(row, zone) for row in grouped],
            )
        )
    return groups


def build_digest(*, owner, preferences: FollowupPreferences, now: datetime.datetime | None = None) -> DigestContent:
    """This week's digest for ``owner`` (the preview, and a send without a snapshot)."""
    zone = zoneinfo.ZoneInfo(preferences.time_zone)
    return build_digests(owner_ids=[owner.pk], zone=zone, now=now)[owner.pk]


def build_digests(*, owner_ids, zone, now: datetime.datetime | None = None) -> dict[int, DigestContent]:
    """This week's digest for every user in ``owner_ids`` (who share the time zone ``zone``):
    overdue and due contacts grouped by classification (in the plan's order), people met at
    events to follow up, promises due, contributions given and received in the last 7 days,
    and a nudge for unfinished plan items. Nine queries, whatever the number of users."""
    now = now or timezone.now()
    boards = followup_boards(owner_ids=owner_ids, zone=zone, now=now, include_snoozed=False)
    contributions = _contributions_by_owner(owner_ids, since=now - datetime.timedelta(days=7), until=now)
    planned = week_plans(owner_ids=owner_ids, day=Day.of(now, zone), zone=zone)
    unfinished = unfinished_plan_items(owner_ids=owner_ids)
    plan_url = absolute(reverse("strategy:plan"))
    return {
        owner_id: _digest(
            owner_id,
            zone,
            boards[owner_id],
            given_and_received=contributions.get(owner_id, {}),
            planned=planned.get(owner_id, []),
            plan_items=[{"text": f"Still empty or thin: {', '.join(unfinished[owner_id])}", "url": plan_url}]
            if unfinished[owner_id]
            else [],
        )
        for owner_id in owner_ids
    }


def _contributions_by_owner(owner_ids, *, since, until) -> dict[int, dict[str, int]]:
    counts = (
        Interaction.objects.filter(owner_id__in=owner_ids, occurred_at__gte=since, occurred_at__lte=until)
        .exclude(contribution_direction="")
        .order_by()
        .values_list("owner_id", "contribution_direction")
        .annotate(total=Count("pk"))
    )
    by_owner = {}
    for owner_id, direction, total in counts:
        by_owner.setdefault(owner_id, {})[direction] = total
    return by_owner


def _digest(owner_id, zone, board: Board, *, given_and_received, planned, plan_items) -> DigestContent:
    rows = board.overdue + board.due_today + board.this_week
    cadence_rows = [row for row in rows if row.reminder is None or row.reminder.kind == Reminder.Kind.CADENCE]
    event_rows = [row for row in rows if row.reminder and row.reminder.kind == Reminder.Kind.EVENT_FOLLOWUP]
    event_items = [
        {"text": f"{row.contact.full_name}: {row.guidance or 'say it was good to meet'}",
         "url": absolute_url_for("followups:log_interaction", row.contact.pk)}
        for row in event_rows
    ]  # fmt: skip
    week_items = [
        {"text": f"{'☑' if entry.done else '☐'} {entry.contact.full_name}",
         "url": absolute_url_for("contacts:detail", entry.contact_id)}
        for entry in planned
    ]  # fmt: skip
    week_end = board.today + datetime.timedelta(days=7)
    return DigestContent(
        owner_id=owner_id,
        time_zone=str(zone),
        today=board.today,
        groups=_group_by_classification(cadence_rows, zone),
        promises_due=[
            PromiseDue(
                description=promise.description,
                contact_name=promise.contact.full_name,
                contact_url=absolute_url_for("contacts:detail", promise.contact_id),
                due_on=promise.due_on,
            )
            for promise in board.promises
            if promise.due_on < week_end
        ],
        given_this_week=given_and_received.get("given", 0),
        received_this_week=given_and_received.get("received", 0),
        extra_sections=[
            {"title": "Your plan for this week", "items": week_items, "counts": True},
            {"title": "People you met at events", "items": event_items, "counts": True},
            {"title": "Your networking plan", "items": plan_items, "counts": False},
        ],
    )


def render_digest(content: DigestContent) -> tuple[str, str]:
    """The plain-text and HTML bodies, with absolute links."""
    context = {"digest": content, "links": content.links()}
    with timezone.override(content.zone):
        text = render_to_string("followups/digest/email.txt", context)
        html = render_to_string("followups/digest/email.html", context)
    return text, html
