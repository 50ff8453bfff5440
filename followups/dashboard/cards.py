"""Every card of the dashboard's body at once: one statement on PostgreSQL (pg_body), each
card's selector otherwise (SQLite, and the tests that compare the two)."""

from __future__ import annotations

import dataclasses
import datetime

from contacts.models import Classification, Contact
from netcrm.dates import start_of_local_day
from strategy.models import Event

from ..models import FollowupPreferences, WeekPlanEntry
from ..selectors import Day
from . import pg_body
from .selectors import (
    ACTIVITY_WEEKS,
    COMING_UP_SIZE,
    EVENTS_SHOWN,
    ComingUp,
    Counts,
    WeekActivity,
    activity_of,
    activity_weeks,
    coming_up_of,
    dashboard_figures,
    dates_coming_up,
    events_card,
    hand_written_sql,
    plan_card,
    todays_outreach,
    week_plan,
    weekly_activity,
)


@dataclasses.dataclass
class Cards:
    """Every card of the dashboard's body (the view adds what it derives from them), and the
    preferences they follow (``preferences_found`` false: the defaults, not saved yet)."""

    outreach_list_size: int
    date_reminder_days: int
    preferences_found: bool
    classifications: list[Classification]
    counts: Counts
    today: list[Contact]
    week_plan: list[WeekPlanEntry]
    coming_up: ComingUp
    upcoming_events: list[Event]
    events_to_follow_up: list[Event]
    activity: list[WeekActivity]
    plan: object  # strategy.selectors.PlanState


def dashboard_cards(*, owner, day: Day, zone) -> Cards:
    """Every card of the body, as many people today as the owner's preferences say: one
    statement on PostgreSQL (pg_body), the selectors above otherwise."""
    week_from_today = day.today + datetime.timedelta(days=7)
    if hand_written_sql():
        week_days = activity_weeks(day, ACTIVITY_WEEKS)
        rows = pg_body.body(
            owner=owner,
            day=day,
            week_from_today=week_from_today,
            week_plan_since=start_of_local_day(day.week_starting, zone),
            dates_size=COMING_UP_SIZE,
            events_size=EVENTS_SHOWN,
            week_starts=[start_of_local_day(week, zone) for week in week_days],
        )
        upcoming, to_follow_up = rows.events
        return Cards(
            outreach_list_size=rows.outreach_list_size,
            date_reminder_days=rows.date_reminder_days,
            preferences_found=rows.preferences_found,
            classifications=rows.classifications,
            counts=Counts(**rows.counts),
            today=rows.today,
            week_plan=rows.week_plan,
            coming_up=coming_up_of(*rows.coming_up, day),
            upcoming_events=upcoming,
            events_to_follow_up=to_follow_up,
            activity=activity_of(week_days, rows.activity),
            plan=rows.plan,
        )
    preferences = FollowupPreferences.objects.filter(owner=owner).first() or FollowupPreferences(owner=owner)
    size = preferences.outreach_list_size
    classifications, figures = dashboard_figures(owner=owner, day=day, size=size)
    upcoming, to_follow_up = events_card(owner=owner, day=day)
    return Cards(
        outreach_list_size=size,
        date_reminder_days=preferences.date_reminder_days,
        preferences_found=preferences.pk is not None,
        classifications=classifications,
        counts=figures,
        today=todays_outreach(owner=owner, day=day, size=size, classifications=classifications),
        week_plan=week_plan(owner=owner, day=day, zone=zone, classifications=classifications),
        coming_up=dates_coming_up(owner=owner, day=day, classifications=classifications),
        upcoming_events=upcoming,
        events_to_follow_up=to_follow_up,
        activity=weekly_activity(owner=owner, day=day, zone=zone),
        plan=plan_card(owner=owner, classifications=classifications),
    )
