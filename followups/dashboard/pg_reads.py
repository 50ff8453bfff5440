"""The dashboard's hottest reads written out in SQL, for PostgreSQL.

Why not the ORM: right after a write the dashboard is rendered afresh, and at 10,000 contacts
Django spent more time building and compiling these querysets (correlated subqueries, OR-ed
candidate lists, annotations) than PostgreSQL spent running them (bench/dashboard.py,
``BENCH_SHOW_PARTS=1``). These statements say the same rules as the querysets in
``selectors`` (contacts.bands for the bands, ``selectors._putting_aside`` for what puts a
contact aside), are parameterised and owner-scoped, and are compared with those querysets on
random networks (tests/test_dashboard_ranking.py). SQLite, the embedded default, runs the
querysets.
"""

from __future__ import annotations

import datetime

from django.db import connection

from contacts.models import Classification, Contact
from contacts.occasions import Occasion
from netcrm.pg_rows import fetch, instance, json_list
from strategy.models import Event, Plan, Purpose, Venue
from strategy.selectors import PlanState, plan_state_of

from ..models import Reminder, WeekPlanEntry
from ..selectors import Day

# What puts a contact's due moment aside (selectors._putting_aside): a snooze of its cadence
# reminder, or a dismissal of that due moment; or a skip today. ``c`` is the contact.
_NOT_PUT_ASIDE = """
    NOT EXISTS (
        SELECT 1 FROM followups_reminder r
        WHERE r.owner_id = %(owner)s AND r.contact_id = c.id AND r.kind = 'cadence'
          AND (r.state = 'snoozed' OR (r.state = 'dismissed' AND r.due_at >= c.next_due_at))
    )
    AND NOT EXISTS (SELECT 1 FROM followups_outreachskip s WHERE s.contact_id = c.id AND s.skipped_on = %(today)s)
"""

# Candidates: contacts with a frequency or a maximum of their own (few: a partial index holds
# them), all those due by tonight; and per classification, the first ``size`` of its followers
# due by tonight (selectors.outreach_classifications says why no one later can make the list),
# read from the index on (classification, next due moment): the classification is the owner's,
# and an owner filter there would lead the planner to the index on (owner, next due moment),
# which holds every classification; the owner is checked on the few rows found. Then the
# selectors' order (the overdue first, the most overdue relative to their frequency, the
# classifications' order), cut, and only then where we left off with the chosen few. Each step
# reads rows it already has, so the plan stays a few index lookups even when it is made without
# the parameters' values (netcrm/prepared.py's generic plan cannot see how short the list is).
TODAYS_OUTREACH = f"""
SELECT chosen.*, i.summary AS last_summary, i.next_step AS last_next_step
FROM (
    SELECT c.*, k.display_order AS classification_order,
           EXTRACT(EPOCH FROM (%(now)s::timestamptz - c.next_due_at))
             / (86400.0 * COALESCE(c.contact_every_days_override, k.contact_every_days)) AS overdue_share
    FROM (
        SELECT c.* FROM contacts_contact c
        WHERE c.owner_id = %(owner)s AND c.next_due_at < %(tomorrow)s
          AND (c.contact_every_days_override IS NOT NULL OR c.contact_at_most_days_override IS NOT NULL)
          AND {_NOT_PUT_ASIDE}
        UNION ALL
        SELECT followers.* FROM contacts_classification k CROSS JOIN LATERAL (
            SELECT c.* FROM contacts_contact c
            WHERE c.classification_id = k.id AND c.next_due_at < %(tomorrow)s
              AND c.contact_every_days_override IS NULL AND c.contact_at_most_days_override IS NULL
              AND {_NOT_PUT_ASIDE}
            ORDER BY c.next_due_at, c.id
            LIMIT %(size)s
        ) followers
        WHERE k.owner_id = %(owner)s
    ) c
    LEFT JOIN contacts_classification k ON k.id = c.classification_id
    WHERE c.owner_id = %(owner)s
    ORDER BY CASE WHEN c.overdue_at < %(today_starts)s THEN 0 ELSE 1 END,
             overdue_share DESC, k.display_order ASC NULLS LAST, c.id
    LIMIT %(size)s
) chosen
LEFT JOIN contacts_interaction i ON i.id = chosen.last_interaction_id
ORDER BY CASE WHEN chosen.overdue_at < %(today_starts)s THEN 0 ELSE 1 END,
         chosen.overdue_share DESC, chosen.classification_order ASC NULLS LAST, chosen.id
"""


def todays_outreach(*, owner, day: Day, size: int, classifications: list[Classification]) -> list[Contact]:
    """selectors.todays_outreach in one statement, each contact with its classification (from
    ``classifications``, the owner's), ``overdue_share``, ``last_summary`` and ``last_next_step``."""
    params = {"owner": owner.pk, **todays_outreach_params(day, size)}
    return todays_outreach_of(fetch(TODAYS_OUTREACH, params), classifications)


def todays_outreach_params(day: Day, size: int | None) -> dict:
    params = {"now": day.now, "today": day.today, "today_starts": day.today_starts, "tomorrow": day.tomorrow_starts}
    return params if size is None else {**params, "size": size}


def todays_outreach_of(rows: list[dict], classifications: list[Classification], *, from_json=False) -> list[Contact]:
    by_pk = {classification.pk: classification for classification in classifications}
    chosen = []
    for row in rows:
        contact = instance(Contact, row, from_json=from_json)
        contact.overdue_share = row["overdue_share"]
        contact.last_summary, contact.last_next_step = row["last_summary"], row["last_next_step"]
        contact.classification = by_pk.get(contact.classification_id)
        chosen.append(contact)
    return chosen


# The figures (the counts at the top, the "kept warm" shares) in one pass over the owner's
# contacts rather than one index range per figure: right after a write the index-only ranges
# lose their edge (every page the write touched must be read until the next VACUUM), and at
# 10,000 contacts the ranges together read the network two or three times over. The pass reads
# the index holding just the four columns it needs (contact_owner_figures_idx), not the wide
# rows, except on the pages written since the last VACUUM. The bands are
# contacts.bands': overdue past the maximum, due this week the rest due before the week is out.
# The contacts a snooze or a dismissal puts aside are few: counted from their reminders and
# subtracted, rather than each due contact looked up among the reminders.
FIGURES_CTES = """
by_classification AS (
    SELECT c.classification_id,
           COUNT(c.next_due_at) AS cadence_count,
           COUNT(*) FILTER (WHERE c.next_due_at > %(now)s) AS within_cadence_count,
           COUNT(*) FILTER (WHERE c.overdue_at < %(today_starts)s) AS overdue,
           COUNT(*) FILTER (WHERE c.next_due_at < %(week_ends)s AND c.overdue_at >= %(today_starts)s) AS due_this_week
    FROM contacts_contact c
    WHERE c.owner_id = %(owner)s
    GROUP BY c.classification_id
),
put_aside AS (
    SELECT COUNT(DISTINCT r.contact_id) FILTER (WHERE c.overdue_at < %(today_starts)s) AS overdue,
           COUNT(DISTINCT r.contact_id) FILTER (
               WHERE c.next_due_at < %(week_ends)s AND c.overdue_at >= %(today_starts)s) AS due_this_week
    FROM followups_reminder r JOIN contacts_contact c ON c.id = r.contact_id
    WHERE r.owner_id = %(owner)s AND r.kind = 'cadence'
      AND (r.state = 'snoozed' OR (r.state = 'dismissed' AND r.due_at >= c.next_due_at))
),
counts AS (
    SELECT (SELECT COALESCE(SUM(f.overdue), 0) FROM by_classification f) - put_aside.overdue AS count_overdue,
           (SELECT COALESCE(SUM(f.due_this_week), 0) FROM by_classification f)
             - put_aside.due_this_week AS count_due_this_week,
           (SELECT COUNT(*) FROM followups_reminder r
             WHERE r.owner_id = %(owner)s AND r.state = 'snoozed') AS count_snoozed,
           (SELECT COUNT(*) FROM followups_commitment p
             WHERE p.owner_id = %(owner)s AND p.state = 'open' AND p.due_on < %(week_from_today)s)
             AS count_promises_due,
           EXISTS (SELECT 1 FROM by_classification) AS count_has_contacts
    FROM put_aside
)
"""
FIGURES = "WITH " + FIGURES_CTES

_COUNTS = FIGURES + "SELECT * FROM counts"

# One row per classification of the owner with its figures, each carrying the counts too (and
# one row of counts alone, classification NULL, when the owner has none).
CLASSIFICATIONS_WITH_COUNTS = """
SELECT counts.*, k.*, COALESCE(f.cadence_count, 0) AS cadence_count,
       COALESCE(f.within_cadence_count, 0) AS within_cadence_count
FROM counts
LEFT JOIN (contacts_classification k LEFT JOIN by_classification f ON f.classification_id = k.id)
  ON k.owner_id = %(owner)s
ORDER BY k.display_order, k.name, k.id
"""
_CLASSIFICATIONS_AND_COUNTS = FIGURES + CLASSIFICATIONS_WITH_COUNTS

COUNT_COLUMNS = ("overdue", "due_this_week", "snoozed", "promises_due", "has_contacts")


def figures_params(day: Day, week_from_today: datetime.date) -> dict:
    return {
        "now": day.now,
        "today_starts": day.today_starts,
        "week_ends": day.week_ends,
        "week_from_today": week_from_today,
    }


def counts(*, owner, day: Day, week_from_today: datetime.date) -> dict:
    """selectors.counts' figures by name (``COUNT_COLUMNS``)."""
    (row,) = fetch(_COUNTS, {"owner": owner.pk, **figures_params(day, week_from_today)})
    return {name: row[f"count_{name}"] for name in COUNT_COLUMNS}


def classifications_and_counts(*, owner, day: Day, week_from_today: datetime.date) -> tuple[list[Classification], dict]:
    """The owner's classifications with ``cadence_count`` and ``within_cadence_count``
    (strategy.selectors.classifications_with_cadence_counts), and ``counts``, in one statement."""
    rows = fetch(_CLASSIFICATIONS_AND_COUNTS, {"owner": owner.pk, **figures_params(day, week_from_today)})
    return classifications_and_counts_of(rows)


def classifications_and_counts_of(rows: list[dict]) -> tuple[list[Classification], dict]:
    classifications = []
    for row in rows:
        if row["id"] is None:
            continue
        classification = instance(Classification, row)
        classification.cadence_count = row["cadence_count"]
        classification.within_cadence_count = row["within_cadence_count"]
        classifications.append(classification)
    return classifications, {name: rows[0][f"count_{name}"] for name in COUNT_COLUMNS}


WEEK_PLAN = """
SELECT e.*, c.first_name AS "contact.first_name", c.last_name AS "contact.last_name",
       c.classification_id AS "contact.classification_id",
       EXISTS (SELECT 1 FROM contacts_interaction i
                WHERE i.contact_id = e.contact_id AND i.occurred_at >= %(week_plan_since)s) AS done
FROM followups_weekplanentry e JOIN contacts_contact c ON c.id = e.contact_id
WHERE e.owner_id = %(owner)s AND e.week_starting = %(week_starting)s AND c.owner_id = %(owner)s
ORDER BY done, e.created_at, e.id
"""


def week_plan(*, owner, day: Day, since: datetime.datetime, classifications: list[Classification]):
    """selectors.week_plan: each entry's contact with its name and classification (from
    ``classifications``, the owner's; its other fields are read only if asked for)."""
    rows = fetch(WEEK_PLAN, {"owner": owner.pk, **week_plan_params(day, since)})
    return week_plan_of(rows, classifications)


def week_plan_params(day: Day, since: datetime.datetime) -> dict:
    return {"week_starting": day.week_starting, "week_plan_since": since}


def week_plan_of(rows: list[dict], classifications: list[Classification], *, from_json=False) -> list[WeekPlanEntry]:
    by_pk = {classification.pk: classification for classification in classifications}
    entries = []
    for row in rows:
        entry = instance(WeekPlanEntry, row, from_json=from_json)
        row["contact.id"], row["contact.owner_id"] = entry.contact_id, entry.owner_id
        entry.contact = instance(Contact, row, "contact.", from_json=from_json)
        entry.contact.classification = by_pk.get(entry.contact.classification_id)
        entry.done = row["done"]
        entries.append(entry)
    return entries


DATES_COMING_UP = """
SELECT r.*, c.id AS "contact.id", c.owner_id AS "contact.owner_id", c.first_name AS "contact.first_name",
       c.last_name AS "contact.last_name", c.birthday AS "contact.birthday",
       c.classification_id AS "contact.classification_id",
       o.id AS "occasion.id", o.owner_id AS "occasion.owner_id", o.contact_id AS "occasion.contact_id",
       o.kind AS "occasion.kind", o.label AS "occasion.label", o."on" AS "occasion.on",
       o.is_yearly AS "occasion.is_yearly",
       i.summary AS last_summary, i.next_step AS last_next_step,
       (SELECT COUNT(*) FROM followups_reminder open_date
         WHERE open_date.owner_id = %(owner)s AND open_date.kind = 'date' AND open_date.state = 'open') AS total
FROM followups_reminder r
JOIN contacts_contact c ON c.id = r.contact_id
LEFT JOIN contacts_occasion o ON o.id = r.occasion_id
LEFT JOIN contacts_interaction i ON i.id = c.last_interaction_id
WHERE r.owner_id = %(owner)s AND r.kind = 'date' AND r.state = 'open'
ORDER BY r.occasion_on, r.id
LIMIT %(dates_size)s
"""


def dates_coming_up(*, owner, size: int, classifications: list[Classification]) -> tuple[list[Reminder], int]:
    """selectors.dates_coming_up's reminders (each with its contact, occasion, classification and
    where you left off) and how many date reminders are open in all."""
    return dates_coming_up_of(fetch(DATES_COMING_UP, {"owner": owner.pk, "dates_size": size}), classifications)


def dates_coming_up_of(
    rows: list[dict], classifications: list[Classification], *, from_json=False
) -> tuple[list[Reminder], int]:
    by_pk = {classification.pk: classification for classification in classifications}
    reminders = []
    for row in rows:
        reminder = instance(Reminder, row, from_json=from_json)
        reminder.contact = instance(Contact, row, "contact.", from_json=from_json)
        reminder.contact.classification = by_pk.get(reminder.contact.classification_id)
        reminder.occasion = instance(Occasion, row, "occasion.", from_json=from_json) if row["occasion.id"] else None
        reminder.last_summary, reminder.last_next_step = row["last_summary"], row["last_next_step"]
        reminders.append(reminder)
    return reminders, rows[0]["total"] if rows else 0


# Both lists of the events card in one statement: the next events (with how many people are
# recorded as met), and recent events with someone met whose follow-up is still open.
EVENTS = """
(SELECT 'upcoming' AS list, e.*, NULL::bigint AS to_follow_up,
        (SELECT COUNT(*) FROM strategy_personmet m WHERE m.event_id = e.id) AS people_count
 FROM strategy_event e
 WHERE e.owner_id = %(owner)s AND e.held_on >= %(today)s
 ORDER BY e.held_on, e.id
 LIMIT %(events_size)s)
UNION ALL
(SELECT 'to_follow_up', e.*, COUNT(DISTINCT m.id), NULL
 FROM strategy_event e JOIN strategy_personmet m ON m.event_id = e.id
 WHERE e.owner_id = %(owner)s AND m.contact_id IN (
     SELECT r.contact_id FROM followups_reminder r
     WHERE r.owner_id = %(owner)s AND r.kind = 'event_followup' AND r.state IN ('open', 'snoozed'))
 GROUP BY e.id
 ORDER BY e.held_on DESC, e.id DESC
 LIMIT %(events_size)s)
"""


def events(*, owner, day: Day, size: int) -> tuple[list[Event], list[Event]]:
    """(selectors.upcoming_events, selectors.events_needing_followup), in one statement."""
    return events_of(fetch(EVENTS, {"owner": owner.pk, "today": day.today, "events_size": size}))


def events_of(rows: list[dict], *, from_json=False) -> tuple[list[Event], list[Event]]:
    lists = {"upcoming": [], "to_follow_up": []}
    for row in rows:
        event = instance(Event, row, from_json=from_json)
        if row["list"] == "upcoming":
            event.people_count = row["people_count"]
        else:
            event.to_follow_up = row["to_follow_up"]
        lists[row["list"]].append(event)
    return lists["upcoming"], lists["to_follow_up"]


# Each week counted apart, from the index on (owner, moment, direction): twelve short ranges,
# each up to the next week's start (the last one up to tonight). Half the time of one range
# whose rows are each put in their week (width_bucket) and grouped by it.
WEEKLY_ACTIVITY = """
SELECT w.week, f.total, f.given, f.received
FROM unnest(%(week_starts)s::timestamptz[]) WITH ORDINALITY AS w(starts, week)
CROSS JOIN LATERAL (
    SELECT COUNT(*) AS total,
           COUNT(*) FILTER (WHERE i.contribution_direction = 'given') AS given,
           COUNT(*) FILTER (WHERE i.contribution_direction = 'received') AS received
    FROM contacts_interaction i
    WHERE i.owner_id = %(owner)s AND i.occurred_at >= w.starts
      AND i.occurred_at < (%(week_starts)s::timestamptz[] || %(activity_until)s::timestamptz)[w.week + 1]
) f
"""


def weekly_activity(*, owner, week_starts: list[datetime.datetime], until: datetime.datetime) -> dict[int, tuple]:
    """(interactions, given, received) by the index of the week in ``week_starts`` (0 = the first)."""
    return weekly_activity_of(fetch(WEEKLY_ACTIVITY, {"owner": owner.pk, **weekly_activity_params(week_starts, until)}))


def weekly_activity_params(week_starts: list[datetime.datetime], until: datetime.datetime) -> dict:
    return {"week_starts": week_starts, "activity_until": until}


def weekly_activity_of(rows: list[dict]) -> dict[int, tuple]:
    return {row["week"] - 1: (row["total"], row["given"], row["received"]) for row in rows}


# The plan card and nudge (strategy.selectors.plan_summary): the plan, if written, with the
# purposes and the venues, in their models' orders, in one statement.
PLAN = """
SELECT p.*,
       (SELECT json_agg(json_build_object('id', u.id, 'name', u.name, 'is_main', u.is_main)
                        ORDER BY u.is_main DESC, u.name, u.id)
          FROM strategy_purpose u WHERE u.owner_id = %(owner)s) AS purposes,
       (SELECT json_agg(json_build_object('id', v.id, 'name', v.name, 'kind', v.kind) ORDER BY v.name, v.id)
          FROM strategy_venue v WHERE v.owner_id = %(owner)s) AS venues
FROM (SELECT 1) AS one LEFT JOIN strategy_plan p ON p.owner_id = %(owner)s
"""


def plan_summary(*, owner, classifications: list[Classification]) -> PlanState:
    (row,) = fetch(PLAN, {"owner": owner.pk})
    return plan_summary_of(row, owner, classifications)


def plan_summary_of(row: dict, owner, classifications: list[Classification], *, from_json=False) -> PlanState:
    plan = instance(Plan, row, from_json=from_json) if row["id"] is not None else Plan(owner=owner)
    purposes = [
        Purpose.from_db(
            connection.alias, ["id", "owner_id", "name", "is_main"], [p["id"], owner.pk, p["name"], p["is_main"]]
        )
        for p in json_list(row["purposes"])
    ]
    venues = [
        Venue.from_db(connection.alias, ["id", "name", "kind"], [v["id"], v["name"], v["kind"]])
        for v in json_list(row["venues"])
    ]
    return plan_state_of(plan=plan, purposes=purposes, venues=venues, classifications=classifications)
