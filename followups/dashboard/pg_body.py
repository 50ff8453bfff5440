"""The dashboard's body read in one statement on PostgreSQL.

Right after a write the body is rendered afresh, and its seven reads (pg_reads) cost more in
round trips than in PostgreSQL's work: each one a trip through the driver and, on a busy
machine, a wait for the database process to be scheduled and for the web process to be
scheduled again (bench/dashboard.py, ``BENCH_SHOW_PARTS=1``). Here the same statements,
unchanged, are the parts of one: each part's rows come back as one ``json_agg`` column, and
pg_reads' builders turn them into the same objects its one-statement-per-part functions
return (tests/test_dashboard_ranking.py compares the pages with the querysets' ones). The
statement is planned once per connection (netcrm/prepared.py).
"""

from __future__ import annotations

import dataclasses
import datetime

from contacts.models import Classification, Contact
from netcrm.pg_rows import json_list
from netcrm.prepared import PreparedStatement
from strategy.models import Event
from strategy.selectors import PlanState

from ..models import FollowupPreferences, Reminder, WeekPlanEntry
from ..selectors import Day
from . import pg_reads


def _part(name: str, sql: str) -> str:
    # A subquery with ORDER BY or LIMIT is never flattened into the aggregate above it, so
    # json_agg receives its rows in the part's order.
    return f"(SELECT json_agg(part) FROM ({sql}) AS part) AS {name}"


# The owner's preferences, or the defaults a first visit saves (the view saves them): the size
# of today's list is read here, not in a statement of its own before this one.
_PREFERENCES = """
preferences AS (
    SELECT COALESCE(p.outreach_list_size, %(default_list_size)s) AS outreach_list_size,
           COALESCE(p.date_reminder_days, %(default_date_reminder_days)s) AS date_reminder_days,
           p.id IS NOT NULL AS found
    FROM (SELECT 1) AS one LEFT JOIN followups_followuppreferences p ON p.owner_id = %(owner)s
),"""

BODY = (
    "WITH "
    + _PREFERENCES
    + pg_reads.FIGURES_CTES
    + "SELECT "
    + ",\n".join(
        _part(name, sql)
        for name, sql in (
            ("preferences", "SELECT * FROM preferences"),
            ("figures", pg_reads.CLASSIFICATIONS_WITH_COUNTS),
            ("today", pg_reads.TODAYS_OUTREACH.replace("%(size)s", "(SELECT outreach_list_size FROM preferences)")),
            ("week_plan", pg_reads.WEEK_PLAN),
            ("coming_up", pg_reads.DATES_COMING_UP),
            ("events", pg_reads.EVENTS),
            ("activity", pg_reads.WEEKLY_ACTIVITY),
            ("plan", pg_reads.PLAN),
        )
    )
)
BODY_STATEMENT = PreparedStatement("netcrm_dashboard_body", BODY)


@dataclasses.dataclass
class BodyRows:
    """What pg_reads' one-part functions return, for every part of the body, and the preferences
    read with them (``preferences_found`` false: the defaults, not yet saved)."""

    outreach_list_size: int
    date_reminder_days: int
    preferences_found: bool
    classifications: list[Classification]
    counts: dict
    today: list[Contact]
    week_plan: list[WeekPlanEntry]
    coming_up: tuple[list[Reminder], int]
    events: tuple[list[Event], list[Event]]
    activity: dict[int, tuple]
    plan: PlanState


def body(
    *,
    owner,
    day: Day,
    week_from_today: datetime.date,
    week_plan_since: datetime.datetime,
    dates_size: int,
    events_size: int,
    week_starts: list[datetime.datetime],
) -> BodyRows:
    params = {
        "owner": owner.pk,
        **pg_reads.figures_params(day, week_from_today),
        **pg_reads.todays_outreach_params(day, size=None),  # the size is the preferences'
        "default_list_size": FollowupPreferences._meta.get_field("outreach_list_size").default,
        "default_date_reminder_days": FollowupPreferences._meta.get_field("date_reminder_days").default,
        **pg_reads.week_plan_params(day, week_plan_since),
        **pg_reads.weekly_activity_params(week_starts, day.tomorrow_starts),
        "dates_size": dates_size,
        "events_size": events_size,
    }
    (row,) = BODY_STATEMENT.fetch(params)
    parts = {name: json_list(value) for name, value in row.items()}
    classifications, counts = pg_reads.classifications_and_counts_of(parts["figures"])
    (preferences,) = parts["preferences"]
    return BodyRows(
        outreach_list_size=preferences["outreach_list_size"],
        date_reminder_days=preferences["date_reminder_days"],
        preferences_found=preferences["found"],
        classifications=classifications,
        counts=counts,
        today=pg_reads.todays_outreach_of(parts["today"], classifications, from_json=True),
        week_plan=pg_reads.week_plan_of(parts["week_plan"], classifications, from_json=True),
        coming_up=pg_reads.dates_coming_up_of(parts["coming_up"], classifications, from_json=True),
        events=pg_reads.events_of(parts["events"], from_json=True),
        activity=pg_reads.weekly_activity_of(parts["activity"]),
        plan=pg_reads.plan_summary_of(parts["plan"][0], owner, classifications, from_json=True),
    )
