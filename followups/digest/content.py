"""What the weekly digest says: a plan for the week, built in a fixed number of queries.

A plan, not a dump: the user's most pressing people (their digest size, ranked as the
dashboard ranks them), grouped by classification, each with what to say and what was said
last time; then one line per classification counting everyone else due, with a link to the
follow-ups page filtered by it; promises, event follow-ups and the week plan each up to a cap
with "and N more". Every list is cut in SQL (followups.digest.plan), so a user with 50,000
people due gets the same small email as one with 20.

The content is plain data (followups.digest.snapshot), so it can be kept as a JSON snapshot on
the week's DigestLog: the scheduler builds the digests of everyone who shares a slot in a
handful of queries, and the send task of their batch only renders and sends each snapshot.
"""

from __future__ import annotations

import datetime
import functools
import zoneinfo
from types import SimpleNamespace

from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format

from contacts import bands
from contacts.models import Contact, Interaction
from followups.models import FollowupPreferences
from followups.selectors import Day, days_between
from netcrm.dates import start_of_local_day
from netcrm.sql import any_of
from strategy.selectors import unfinished_plan_items

from . import plan
from .links import absolute, absolute_url_for, path_of
from .snapshot import ClassificationGroup, DigestContent, DigestRow, MoreDue, PromiseDue

# Caps on the lists other than the people named (each with "and N more" and a link).
PROMISES_SHOWN = 50
EVENT_FOLLOWUPS_SHOWN = 25
DATES_SHOWN = 25
WEEK_PLAN_SHOWN = 25
# Free texts are cut in the email (the page has them whole): the digest stays a small email.
TEXT_CHARS = 160
NAME_CHARS = 80


def _short(text: str | None, limit: int = TEXT_CHARS) -> str | None:
    return text if not text or len(text) <= limit else text[: limit - 1].rstrip() + "…"


@functools.lru_cache(maxsize=64)
def _bounds(today: datetime.date, zone) -> SimpleNamespace:
    """Where the user's today starts and ends, for the band (cached: a batch shares today)."""
    return SimpleNamespace(
        today_starts=start_of_local_day(today, zone),
        tomorrow_starts=start_of_local_day(today + datetime.timedelta(days=1), zone),
    )


def _digest_row(row: dict, today: datetime.date, zone) -> DigestRow:
    """From a row of ``plan.top_contacts``."""
    band = bands.band_of(next_due_at=row["next_due_at"], overdue_at=row["overdue_at"], day=_bounds(today, zone))
    return DigestRow.of(
        row["pk"],
        row["open_reminder_id"],
        _short(f"{row['first_name']} {row['last_name']}".strip(), NAME_CHARS),
        _short(row["company"], NAME_CHARS),
        days_between(row["next_due_at"], today, zone),
        band.value if band in (bands.Band.OVERDUE, bands.Band.DUE) else "",
        _short(row["last_summary"]),
        _short(row["last_next_step"]),
        today=today,
    )


def _plan_order(classification_id: int | None, classifications: dict[int, dict]) -> tuple:
    """The plan's order of classifications (display order, name), "not classified" last."""
    if classification_id is None:
        return (1, 0, "", 0)
    classification = classifications[classification_id]
    return (0, classification["display_order"], classification["name"], classification_id)


def _groups_and_counts(rows: list[dict], due: list[dict], classifications: dict[int, dict], today, zone):
    """The named people grouped by classification in the plan's order (ranked within each), and
    one "and N more" line per classification with people due whom the digest does not name."""
    groups: dict[int | None, ClassificationGroup] = {}
    for row in rows:
        key = row["classification_id"]
        if key not in groups:
            classification = classifications.get(key)
            groups[key] = ClassificationGroup(
                name=classification["name"] if classification else "Not classified",
                guidance=_short(classification["message_guidance"] if classification else "", 2 * TEXT_CHARS),
                rows=[],
            )
        groups[key].rows.append(_digest_row(row, today, zone))
    more = []
    for count in sorted(due, key=lambda count: _plan_order(count["classification_id"], classifications)):
        key = count["classification_id"]
        named = len(groups[key].rows) if key in groups else 0
        rest = count["due"] - named
        if rest <= 0:
            continue
        who = classifications[key]["name"] if key is not None else "people without a classification"
        verb = "is" if rest == 1 else "are"
        text = f"and {rest:,} more {who} {verb} due" if named else f"{rest:,} {who} {verb} due"
        more.append(MoreDue.of(text, key))
    ordered = [groups[key] for key in sorted(groups, key=lambda key: _plan_order(key, classifications))]
    return ordered, more


def build_digest(*, owner, preferences: FollowupPreferences, now: datetime.datetime | None = None) -> DigestContent:
    """This week's digest for ``owner`` (the preview, and a send without a snapshot)."""
    zone = zoneinfo.ZoneInfo(preferences.time_zone)
    return build_digests(owner_ids=[owner.pk], zone=zone, now=now)[owner.pk]


def build_digests(*, owner_ids, zone, now: datetime.datetime | None = None) -> dict[int, DigestContent]:
    """This week's digest for every user in ``owner_ids`` (who share the time zone ``zone``):
    the people to reach (named and counted), promises due, people met at events to follow up,
    the week plan, birthdays and other dates coming up, contributions given and received in the
    last 7 days, and a nudge for unfinished plan items. Fifteen queries, whatever the number of
    users or of people due."""
    now = now or timezone.now()
    day = Day.of(now, zone)
    reads = {
        "classifications": plan.classifications(owner_ids=owner_ids),
        "contacts": plan.top_contacts(owner_ids=owner_ids, day=day),
        "due": plan.due_counts(owner_ids=owner_ids, day=day),
        "promises": plan.promises_due(owner_ids=owner_ids, day=day, limit=PROMISES_SHOWN),
        "events": plan.event_followups(owner_ids=owner_ids, day=day, limit=EVENT_FOLLOWUPS_SHOWN),
        "week": plan.week_plan_entries(owner_ids=owner_ids, day=day, zone=zone, limit=WEEK_PLAN_SHOWN),
        "dates": plan.dates_coming_up(owner_ids=owner_ids, day=day, limit=DATES_SHOWN),
        "contributions": _contributions_by_owner(owner_ids, since=now - datetime.timedelta(days=7), until=now),
    }
    unfinished = unfinished_plan_items(owner_ids=owner_ids)
    return {owner_id: _digest(owner_id, zone, day, reads, unfinished[owner_id]) for owner_id in owner_ids}


def _contributions_by_owner(owner_ids, *, since, until) -> dict[int, dict[str, int]]:
    counts = (
        Interaction.objects.filter(any_of("owner_id", owner_ids), occurred_at__gte=since, occurred_at__lte=until)
        .exclude(contribution_direction="")
        .order_by()
        .values_list("owner_id", "contribution_direction")
        .annotate(total=Count("pk"))
    )
    by_owner = {}
    for owner_id, direction, total in counts:
        by_owner.setdefault(owner_id, {})[direction] = total
    return by_owner


def _digest(owner_id, zone, day: Day, reads: dict, unfinished: list[str]) -> DigestContent:
    due = reads["due"].get(owner_id, [])
    groups, more_due = _groups_and_counts(
        reads["contacts"].get(owner_id, []), due, reads["classifications"], day.today, zone
    )
    promises, promises_total = reads["promises"].get(owner_id, ([], 0))
    events, events_total = reads["events"].get(owner_id, ([], 0))
    planned, planned_total = reads["week"].get(owner_id, ([], 0))
    dates, dates_total = reads["dates"].get(owner_id, ([], 0))
    given_and_received = reads["contributions"].get(owner_id, {})
    event_items = [
        {"text": _short(f"{r.contact.full_name}: {r.message or _guidance(r.contact) or 'say it was good to meet'}"),
         "url": absolute_url_for("followups:log_interaction", r.contact_id)}
        for r in events
    ]  # fmt: skip
    week_items = [
        {"text": _short(f"{'☑' if entry.done else '☐'} {entry.contact.full_name}"),
         "url": absolute_url_for("contacts:detail", entry.contact_id)}
        for entry in planned
    ]  # fmt: skip
    date_items = [_date_item(item, day.today) for item in dates]
    plan_items = (
        [{"text": f"Still empty or thin: {', '.join(unfinished)}", "url": absolute(path_of("strategy:plan"))}]
        if unfinished
        else []
    )
    return DigestContent(
        owner_id=owner_id,
        time_zone=str(zone),
        today=day.today,
        groups=groups,
        more_due=more_due,
        due_total=sum(count["due"] for count in due),
        promises_due=[
            PromiseDue.of(
                _short(promise.description),
                _short(promise.contact.full_name, NAME_CHARS),
                promise.contact_id,
                promise.due_on,
            )
            for promise in promises
        ],
        promises_more=promises_total - len(promises),
        given_this_week=given_and_received.get("given", 0),
        received_this_week=given_and_received.get("received", 0),
        extra_sections=[
            _section("Your plan for this week", week_items, planned_total, path_of("followups:plan_week"), counts=True),
            _section("People you met at events", event_items, events_total, path_of("followups:board"), counts=True),
            _section("Coming up: birthdays and other dates", date_items, dates_total, path_of("home"), counts=True),
            _section("Your networking plan", plan_items, len(plan_items), path_of("strategy:plan"), counts=False),
        ],
    )


def _date_item(item, today: datetime.date) -> dict:
    """“Sun 6 Dec (in 5 days): Ada Lovelace's birthday — Wish them well”, linking to the log
    form (a greeting logged settles the date's reminder)."""
    contact = item if isinstance(item, Contact) else item.contact
    title = "birthday" if item is contact else item.title.lower()
    days = (item.occurs_on - today).days
    when = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
    guidance = _guidance(contact)
    text = f"{date_format(item.occurs_on, 'D j M')} ({when}): {contact.full_name}'s {title}"
    return {
        "text": _short(f"{text} — {guidance}" if guidance else text, 2 * TEXT_CHARS),
        "url": absolute_url_for("followups:log_interaction", contact.pk),
    }


def _guidance(contact: Contact) -> str:
    return contact.classification.message_guidance if contact.classification else ""


def _section(title: str, items: list[dict], total: int, more_path: str, *, counts: bool) -> dict:
    return {"title": title, "items": items, "more": total - len(items), "more_url": absolute(more_path),
            "counts": counts}  # fmt: skip


def render_digest(content: DigestContent, *, links: dict | None = None) -> tuple[str, str]:
    """The plain-text and HTML bodies, with absolute links (``links``: ``content.links()``,
    when the caller has them already)."""
    context = {"digest": content, "links": links or content.links()}
    with timezone.override(content.zone):
        text = render_to_string("followups/digest/email.txt", context)
        html = render_to_string("followups/digest/email.html", context)
    return text, html
