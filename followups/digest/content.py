"""What the weekly digest says: a plan for the week, built in a fixed number of queries."""

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
from followups.dashboard import Day, week_plan
from followups.models import Commitment, FollowupPreferences, Reminder
from followups.selectors import BoardRow, followup_board
from strategy.selectors import plan_state

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
    """A board row with what the email shows for it, worked out once for both parts."""

    row: BoardRow
    when: str
    open_url: str
    log_url: str
    snooze_url: str | None

    @classmethod
    def from_board_row(cls, row: BoardRow) -> DigestRow:
        if row.days_overdue > 0:
            when = f"{row.days_overdue} day{'s' if row.days_overdue != 1 else ''} overdue"
        elif row.days_overdue == 0:
            when = "due today"
        else:
            when = f"due {date_format(timezone.localtime(row.due_at), 'l')}"
        contact_pk = row.contact.pk
        return cls(
            row=row,
            when=when,
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
class DigestContent:
    owner: object
    zone: zoneinfo.ZoneInfo
    today: datetime.date
    groups: list[ClassificationGroup]
    promises_due: list[Commitment]
    given_this_week: int
    received_this_week: int
    extra_sections: list = dataclasses.field(default_factory=list)

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
            "unsubscribe": unsubscribe_url(self.owner.pk),
        }


def unsubscribe_url(owner_id: int) -> str:
    return absolute(reverse("followups:digest_unsubscribe", args=[unsubscribe_token(owner_id)]))


def _group_by_classification(rows: list[BoardRow]) -> list[ClassificationGroup]:
    """Group rows in the plan's order of classifications; unclassified contacts last."""

    def order(row):
        classification = row.contact.classification
        if classification is None:
            return (1, 0, "")
        return (0, classification.display_order, classification.name)

    groups = []
    for _, grouped in groupby(sorted(rows, key=lambda row: (order(row), row.due_at)), key=order):
        grouped = list(grouped)
        classification = grouped[0].contact.classification
        groups.append(
            ClassificationGroup(
                name=classification.name if classification else "Not classified",
                guidance=classification.message_guidance if classification else "",
                rows=[DigestRow.from_board_row(row) for row in grouped],
            )
        )
    return groups


def build_digest(*, owner, preferences: FollowupPreferences, now: datetime.datetime | None = None) -> DigestContent:
    """This week's digest for ``owner``: overdue and due contacts grouped by classification (in
    the plan's order), people met at events to follow up, promises due, contributions given
    and received in the last 7 days, and a nudge for unfinished plan items."""
    now = now or timezone.now()
    zone = zoneinfo.ZoneInfo(preferences.time_zone)
    board = followup_board(owner=owner, zone=zone, now=now, include_snoozed=False)
    week_end = board.today + datetime.timedelta(days=7)
    contributions = dict(
        Interaction.objects.for_user(owner)
        .filter(occurred_at__gte=now - datetime.timedelta(days=7), occurred_at__lte=now)
        .exclude(contribution_direction="")
        .values_list("contribution_direction")
        .annotate(total=Count("pk"))
        .values_list("contribution_direction", "total")
    )
    rows = board.overdue + board.due_today + board.this_week
    cadence_rows = [row for row in rows if row.reminder is None or row.reminder.kind == Reminder.Kind.CADENCE]
    event_rows = [row for row in rows if row.reminder and row.reminder.kind == Reminder.Kind.EVENT_FOLLOWUP]
    with timezone.override(zone):
        groups = _group_by_classification(cadence_rows)
        event_items = [
            {"text": f"{row.contact.full_name}: {row.guidance or 'say it was good to meet'}",
             "url": absolute_url_for("followups:log_interaction", row.contact.pk)}
            for row in event_rows
        ]  # fmt: skip
    planned = week_plan(owner=owner, day=Day.of(now, zone), zone=zone)
    week_items = [
        {"text": f"{'☑' if entry.done else '☐'} {entry.contact.full_name}",
         "url": absolute_url_for("contacts:detail", entry.contact_id)}
        for entry in planned
    ]  # fmt: skip
    unfinished = plan_state(owner=owner, with_figures=False).unfinished
    plan_items = (
        [{"text": f"Still empty or thin: {', '.join(unfinished)}", "url": absolute(reverse("strategy:plan"))}]
        if unfinished
        else []
    )
    return DigestContent(
        owner=owner,
        zone=zone,
        today=board.today,
        groups=groups,
        promises_due=[promise for promise in board.promises if promise.due_on < week_end],
        given_this_week=contributions.get("given", 0),
        received_this_week=contributions.get("received", 0),
        extra_sections=[
            {"title": "Your plan for this week", "items": week_items, "counts": True},
            {"title": "People you met at events", "items": event_items, "counts": True},
            {"title": "Your networking plan", "items": plan_items, "counts": False},
        ],
    )


def render_digest(content: DigestContent) -> tuple[str, str]:
    """The plain-text and HTML bodies, with absolute links."""
    context = {"digest": content, "links": content.links(), "site_url": settings.SITE_URL}
    with timezone.override(content.zone):
        text = render_to_string("followups/digest/email.txt", context)
        html = render_to_string("followups/digest/email.html", context)
    return text, html
