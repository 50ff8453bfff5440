"""The API and the pages give the same due dates and reminders for the same actions.

Two people with the same network, in the same time zone, at the same frozen moment: one acts
through the pages (a browser session posting their forms), the other through the API (a
token). Afterwards every due moment, reminder and promise of the one equals the other's; and
what each person's API lists equals what their own pages show.
"""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from contacts.cadence import refresh_cadence
from contacts.models import Contact
from followups import services
from followups.models import Commitment, Reminder
from followups.sweep import run_sweep

from .api_helpers import token_client
from .factories import ClassificationFactory, ContactFactory, InteractionFactory, UserFactory
from .followup_factories import CommitmentFactory

NOW = datetime.datetime(2026, 6, 15, 16, 0, tzinfo=datetime.UTC)  # Monday, noon in New York
ZONE = "America/New_York"
# first name -> days until due (negative: overdue) with a 14-day cadence; "Never" has none.
NETWORK = {"Ada": -9, "Tim": -6, "Grace": -4, "Alan": -2, "Linus": 0, "Donald": 0, "Frances": 2, "Katherine": 3,
           "Barbara": 5, "Edsger": 12}  # fmt: skip


def build(user) -> dict[str, Contact]:
    services.set_time_zone(user=user, time_zone=ZONE)
    fortnightly = ClassificationFactory(owner=user, name="Fortnightly", contact_every_days=14,
                                        message_guidance="Ask about the project.")  # fmt: skip
    people = {}
    for name, due_in_days in NETWORK.items():
        people[name] = ContactFactory(owner=user, first_name=name, last_name="Twin", classification=fortnightly)
        Contact.objects.filter(pk=people[name].pk).update(created_at=NOW - datetime.timedelta(days=100))
        last_met = NOW + datetime.timedelta(days=due_in_days - 14)
        InteractionFactory(contact=people[name], occurred_at=last_met, summary=f"Met {name}")
    people["Never"] = ContactFactory(owner=user, first_name="Never", last_name="Twin", classification=None)
    refresh_cadence(Contact.objects.filter(owner=user))
    CommitmentFactory(contact=people["Ada"], description="Send the deck", due_on=datetime.date(2026, 6, 14))
    CommitmentFactory(contact=people["Grace"], description="Introduce Linus", due_on=datetime.date(2026, 6, 13))
    return people


def state_of(user) -> dict:
    """Everything the actions could move, by name (not by id): due moments, reminders, promises."""
    contacts = {c.first_name: (c.last_interaction_at, c.next_due_at) for c in Contact.objects.filter(owner=user)}
    reminders = sorted(
        (r.contact.first_name, r.kind, r.state, r.due_at, r.snoozed_until, r.resolved_at,
         r.resolved_by.summary if r.resolved_by else None, r.commitment.description if r.commitment else None)
        for r in Reminder.objects.filter(owner=user).select_related("contact", "resolved_by", "commitment")
    )  # fmt: skip
    promises = sorted(
        (p.contact.first_name, p.description, p.due_on, p.due_at, p.state, p.kept_at)
        for p in Commitment.objects.filter(owner=user).select_related("contact")
    )
    return {"contacts": contacts, "reminders": reminders, "promises": promises}


@pytest.fixture
def twins(db):
    with time_machine.travel(NOW, tick=False) as traveller:
        by_page, by_api = UserFactory(username="pages"), UserFactory(username="api")
        people = {"pages": build(by_page), "api": build(by_api)}
        run_sweep()
        browser = Client()
        browser.force_login(by_page)
        yield {"browser": browser, "api": token_client(by_api), "people": people, "users": (by_page, by_api),
               "traveller": traveller}  # fmt: skip


def open_reminder(person: Contact) -> Reminder:
    return Reminder.objects.get(contact=person, state__in=("open", "snoozed"), commitment=None)


def do_through_both(twins):
    """The same day's work, once on the pages and once through the API."""
    browser, api, people = twins["browser"], twins["api"], twins["people"]
    page, program = people["pages"], people["api"]
    interaction = {"occurred_at": "2026-06-15T09:30", "kind": "call", "summary": "Caught up", "next_step": "Deck"}
    # Log an interaction with Ada (overdue, with a reminder) and with Barbara (not due yet).
    for name in ("Ada", "Barbara"):
        assert browser.post(reverse("followups:log_interaction", args=[page[name].pk]), interaction).status_code == 302
        logged = api.post(reverse("api:contact-interactions", args=[program[name].pk]), interaction)
        assert logged.status_code == 201, logged.json()
    # Snooze Grace's reminder a week, Alan's until Saturday; dismiss Linus's.
    for name, body in [("Grace", {"days": "7"}), ("Alan", {"until": "2026-06-20"})]:
        browser.post(reverse("followups:snooze", args=[open_reminder(page[name]).pk]), body)
        assert api.post(reverse("api:reminder-snooze", args=[open_reminder(program[name]).pk]), body).status_code == 200
    browser.post(reverse("followups:dismiss", args=[open_reminder(page["Linus"]).pk]))
    assert api.post(reverse("api:reminder-dismiss", args=[open_reminder(program["Linus"]).pk])).status_code == 200
    # Keep one promise, drop the other, make a new one for Thursday.
    for description, action in [("Send the deck", "keep"), ("Introduce Linus", "drop")]:
        page_promise = Commitment.objects.get(contact__owner=page["Ada"].owner, description=description)
        api_promise = Commitment.objects.get(contact__owner=program["Ada"].owner, description=description)
        browser.post(reverse(f"followups:{action}_commitment", args=[page_promise.pk]))
        assert api.post(reverse(f"api:promise-{action}", args=[api_promise.pk])).status_code == 200
    promise = {"description": "Send the article", "due_on": "2026-06-18"}
    browser.post(reverse("followups:add_commitment", args=[page["Katherine"].pk]), promise)
    assert api.post(reverse("api:promise-list"), {"contact": program["Katherine"].pk, **promise}).status_code == 201


def test_the_same_actions_leave_the_same_due_dates_reminders_and_promises(twins):
    by_page, by_api = twins["users"]
    assert state_of(by_page) == state_of(by_api)  # the same start
    with time_machine.travel(NOW, tick=False):
        do_through_both(twins)
    after_today = state_of(by_page)
    assert after_today == state_of(by_api)
    ada_due = after_today["contacts"]["Ada"][1]
    assert ada_due == datetime.datetime(2026, 6, 29, 13, 30, tzinfo=datetime.UTC)  # 09:30 New York + 14 days
    # Three days on, the sweep wakes what was snoozed and raises the promise: still the same.
    with time_machine.travel(NOW + datetime.timedelta(days=3), tick=False):
        run_sweep()
    assert state_of(by_page) == state_of(by_api)
    with time_machine.travel(NOW + datetime.timedelta(days=8), tick=False):
        run_sweep()
        later = state_of(by_page)
    assert later == state_of(by_api)
    assert ("Katherine", "promise", "open") in {reminder[:3] for reminder in later["reminders"]}


def board_sections(browser) -> dict[str, list[tuple[str, int]]]:
    board = browser.get(reverse("followups:board")).context["board"]
    return {
        key: [(row.contact.first_name, row.days_overdue) for row in board.section(key).rows]
        for key in ("overdue", "today", "week", "snoozed")
    }


def api_sections(api) -> dict[str, list[tuple[str, int]]]:
    return {
        key: [(row["contact"]["full_name"].split()[0], row["days_overdue"])
              for row in api.get(reverse("api:due"), {"section": key}).json()["results"]]
        for key in ("overdue", "today", "week", "snoozed")
    }  # fmt: skip


def dashboard_names(browser) -> list[str]:
    html = browser.get(reverse("home")).content.decode()
    pks = [int(pk) for pk in re.findall(r'id="outreach-(\d+)"', html)]
    names = dict(Contact.objects.filter(pk__in=pks).values_list("pk", "first_name"))
    return [names[pk] for pk in pks]


def test_each_persons_api_lists_what_their_pages_show(twins):
    by_page, _ = twins["users"]
    own_api = token_client(by_page)
    for moment in (NOW, NOW + datetime.timedelta(days=3)):
        with time_machine.travel(moment, tick=False):
            if moment == NOW:
                do_through_both(twins)
            else:
                run_sweep()
            sections = board_sections(twins["browser"])
            assert api_sections(own_api) == sections
            assert api_sections(twins["api"]) == sections  # and the twin's, who acted through the API
            outreach = [
                row["full_name"].split()[0] for row in own_api.get(reverse("api:outreach-today")).json()["results"]
            ]
            assert outreach == dashboard_names(twins["browser"])
            promises = own_api.get(reverse("api:promise-list"), {"state": "open"}).json()["results"]
            page_promises = twins["browser"].get(reverse("followups:board")).context["board"].section("promises").rows
            assert [p["description"] for p in promises] == [p.description for p in page_promises]
    # On Thursday both snoozes still hold, Alan's (to Saturday) before Grace's (to next Monday).
    assert [name for name, _ in sections["snoozed"]] == ["Alan", "Grace"]
