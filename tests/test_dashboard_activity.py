"""The dashboard's weekly activity puts each interaction in the user's own local week, across a
change of clock, whether counted by the hand-written SQL PostgreSQL runs or by the querysets
SQLite runs (followups.dashboard.pg_reads)."""

import datetime
import zoneinfo

import pytest
import time_machine

from contacts.freshness import touch
from followups import services
from followups.dashboard import selectors as dashboard_selectors

from .factories import ContactFactory, InteractionFactory
from .test_dashboard import HOME

PARIS = zoneinfo.ZoneInfo("Europe/Paris")  # summer time ended on Sunday 25 October 2026
NOW = datetime.datetime(2026, 11, 4, 12, 0, tzinfo=datetime.UTC)  # a Wednesday


def local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


@pytest.mark.django_db
@pytest.mark.parametrize("hand_written_sql", [True, False], ids=["sql", "querysets"])
def test_each_interaction_counts_in_its_local_week_across_the_change_of_clock(
    owner_client, owner, hand_written_sql, monkeypatch
):
    monkeypatch.setattr(dashboard_selectors, "HAND_WRITTEN_SQL", hand_written_sql)
    preferences = services.preferences_for(owner)
    preferences.time_zone = "Europe/Paris"
    services.save_preferences(preferences=preferences)
    person = ContactFactory(owner=owner)
    for moment, direction in [
        (local(2026, 10, 18, 23, 59), ""),  # Sunday night: the week of 12 October
        (local(2026, 10, 19, 0, 0), "given"),  # Monday midnight, summer time: the week of 19 October
        (local(2026, 10, 25, 23, 30), ""),  # Sunday night after the clocks went back: still that week
        (local(2026, 10, 26, 0, 0), "received"),  # Monday midnight, winter time: the week of 26 October
        (local(2026, 11, 2, 0, 0), "given"),  # this week's Monday midnight
        (local(2026, 11, 5, 0, 30), ""),  # tomorrow (local): not yet counted
        (local(2026, 8, 16, 23, 0), ""),  # the Sunday before the first of the twelve weeks
    ]:
        InteractionFactory(contact=person, occurred_at=moment, contribution_direction=direction,
                           contribution_kind="advice" if direction else "")  # fmt: skip
    with time_machine.travel(NOW, tick=False):
        touch([owner.pk])
        weeks = owner_client.get(HOME).context["activity"]
    by_week = {week.week_starting: (week.interactions, week.given, week.received) for week in weeks}
    assert list(by_week)[0] == datetime.date(2026, 8, 17) and list(by_week)[-1] == datetime.date(2026, 11, 2)
    assert by_week[datetime.date(2026, 10, 12)] == (1, 0, 0)
    assert by_week[datetime.date(2026, 10, 19)] == (2, 1, 0)
    assert by_week[datetime.date(2026, 10, 26)] == (1, 0, 1)
    assert by_week[datetime.date(2026, 11, 2)] == (1, 1, 0)
    assert sum(interactions for interactions, _, _ in by_week.values()) == 5
