"""The demo the run command seeds shows every part of netcrm filled on the first run, and seeding
it again is safe: each page's part, asserted on the page itself."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact, Interaction, Introduction
from followups.demo import seed_demo
from followups.models import Commitment, Reminder, WeekPlanEntry
from strategy.models import Event, MetAt, Purpose, Venue
from strategy.selectors import plan_state

pytestmark = pytest.mark.django_db
PASSWORD = "demo-network-2026"


@pytest.fixture
def demo(client):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)  # what ./scripts/run.sh runs
    assert f"Demo login: username=demo password={PASSWORD}" in out.getvalue()
    user = Contact.objects.first().owner
    response = client.post(reverse("login"), {"username": "demo", "password": PASSWORD})
    assert response.status_code == 302  # the printed login works
    return user


def page(client, name, *args) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_plan_page_has_a_main_objective_and_all_eight_items_written(client, demo):
    state = plan_state(owner=demo)
    assert state.is_complete, state.unfinished
    assert state.main_purpose.name == "New business or career opportunities"
    plan = text_of(page(client, "strategy:plan"))
    assert "Founders and product leads at small data companies" in plan
    assert "One introduction a week on Friday mornings" in plan
    assert "empty" not in re.findall(r"plan-status\">(\w+)", page(client, "strategy:plan"))
    assert Purpose.objects.filter(owner=demo).count() == 4


def test_the_venues_page_has_one_venue_to_focus_on_one_to_reconsider_and_one_too_early_to_judge(client, demo):
    venues = text_of(page(client, "strategy:venue_list"))
    assert "Focus on Lisbon Data Meetup : it brings you the most people for your time." in venues
    forum = venues[venues.index("Founders Forum online") :]
    assert forum.index("Reconsider: your target market is not there") < forum.index("Product Guild")
    guild = venues[venues.index("Product Guild") :]
    assert "not judged yet 1 more attendance to go" in guild


def test_the_events_have_goals_and_people_met_and_one_is_still_to_follow_up(client, demo):
    events = text_of(page(client, "strategy:event_list"))
    assert "Data Meetup: November" in events and "Product Guild autumn social" in events
    november = Event.objects.get(owner=demo, name="Data Meetup: November")
    detail = text_of(page(client, "strategy:event_detail", november.pk))
    assert "Meet 2 new people: 2 met" in detail and "Rui Matos" in detail and "Sofia Reis" in detail
    social = Event.objects.get(owner=demo, name="Product Guild autumn social")
    assert "Meet 3 new people: 3 met" in text_of(page(client, "strategy:event_detail", social.pk))

    to_follow_up = Reminder.objects.filter(owner=demo, kind=Reminder.Kind.EVENT_FOLLOWUP, state=Reminder.State.OPEN)
    assert {r.contact.full_name for r in to_follow_up} == {"Rui Matos", "Sofia Reis"}
    assert MetAt.objects.get(contact__first_name="Rui", contact__owner=demo).event == november
    dashboard = text_of(page(client, "home"))
    assert "Data Meetup: November" in dashboard and "2 people to follow up" in dashboard
    assert "Data Meetup: December" in dashboard  # coming up, with its goal


def test_the_ledger_has_help_in_both_directions_and_introductions_made_and_received(client, demo):
    ledger = page(client, "strategy:ledger")
    given = int(re.search(r'id="ledger-given">(\d+)<', ledger)[1])
    received = int(re.search(r'id="ledger-received">(\d+)<', ledger)[1])
    assert given > 0 and received > 0
    assert re.search(r'id="introductions-made">3<', ledger)
    assert re.search(r'id="introductions-received">5<', ledger)

    introduction = Introduction.objects.filter(owner=demo).order_by("made_at").first()
    contact_page = page(client, "contacts:detail", introduction.introduced_id)
    assert f'to <a href="{introduction.introduced_to.get_absolute_url()}">' in contact_page
    introducer = Contact.objects.filter(owner=demo, introduced_contacts__isnull=False).distinct().first()
    assert f"People {introducer.first_name} introduced you to" in page(client, "contacts:detail", introducer.pk)


def test_the_followups_page_has_people_overdue_and_open_promises(client, demo):
    board = page(client, "followups:board")
    for promise in ("Send the pricing template", "Share two designer profiles", "Introduce to someone at Kestrel"):
        assert promise in board
    overdue = int(re.search(r'id="overdue-count">(\d+)<', board)[1])
    assert overdue > 0
    assert Commitment.objects.filter(owner=demo, state=Commitment.State.OPEN).count() == 3


def test_the_dashboard_has_a_week_plan_and_a_complete_plan_and_birthdays_are_coming(client, demo):
    dashboard = text_of(page(client, "home"))
    entries = WeekPlanEntry.objects.filter(owner=demo).select_related("contact")
    assert entries.count() == 4
    for entry in entries:
        assert entry.contact.full_name in dashboard
    assert "8 of 8 strategy items written · main objective: New business or career opportunities." in dashboard

    today = timezone.localdate()
    coming = [today + datetime.timedelta(days=n) for n in range(14)]
    birthdays = Contact.objects.filter(owner=demo, birthday__isnull=False).values_list("birthday", flat=True)
    assert sum((b.month, b.day) in {(d.month, d.day) for d in coming} for b in birthdays) == 3


def test_seeding_twice_adds_nothing_and_changes_no_part(demo):
    def counts():
        return {
            model.__name__: model.objects.count()
            for model in (
                Contact,
                Interaction,
                Introduction,
                Venue,
                Event,
                Purpose,
                Commitment,
                WeekPlanEntry,
                Reminder,
            )
        } | {"birthdays": Contact.objects.filter(birthday__isnull=False).count()}

    before = counts()
    again = seed_demo(username="demo", password=PASSWORD)
    assert again == demo
    assert counts() == before
