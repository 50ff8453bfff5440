"""axe-core (the pinned npm package, injected by Playwright) finds no serious or critical
accessibility violation on the main pages, filled with a realistic network."""

import datetime
import json
from pathlib import Path

import pytest
from django.utils import timezone

from api.tokens import create_token
from contacts.cadence import refresh_cadence
from contacts.models import Contact
from contacts.services import log_interaction
from followups import services as followup_services
from followups.models import Reminder
from followups.sweep import run_sweep
from strategy import services as strategy_services
from strategy.models import Event, Venue

from ..factories import ClassificationFactory, ContactEmailFactory, ContactFactory, TagFactory, UserFactory
from ..followup_factories import CommitmentFactory
from ..strategy_factories import EventFactory, PersonMetFactory, VenueFactory
from .test_followups_in_place import log_in

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
WIDTHS = (1280, 390)


def build_network(user) -> dict[str, object]:
    """A user a few months in: classifications, contacts with history and contributions, reminders
    raised by the sweep (overdue, snoozed, promise, event follow-up), a plan, a venue and events."""
    clients = ClassificationFactory(
        owner=user, name="Clients", contact_every_days=30, message_guidance="Ask about Q3; offer an intro."
    )
    friends = ClassificationFactory(
        owner=user, name="Friends", contact_every_days=90, is_business=False, message_guidance="Just catch up."
    )
    founders = TagFactory(owner=user, name="founders")
    people = []
    for first, last, classification in [
        ("Ada", "Lovelace", clients),
        ("Grace", "Hopper", clients),
        ("Alan", "Turing", clients),
        ("Katherine", "Johnson", friends),
        ("Linus", "Pauling", friends),
    ]:
        contact = ContactFactory(
            owner=user, classification=classification, first_name=first, last_name=last, job_title="Engineer"
        )
        contact.tags.add(founders)
        ContactEmailFactory(contact=contact)
        people.append(contact)
    ada, grace, alan, katherine, linus = people
    long_ago = timezone.now() - datetime.timedelta(days=100)
    Contact.objects.filter(owner=user).update(created_at=long_ago)
    log_interaction(
        contact=ada,
        occurred_at=long_ago,
        kind="meeting",
        summary="Coffee about the product launch",
        next_step="Send the deck",
        contribution_direction="given",
        contribution_kind="introduction",
    )
    log_interaction(
        contact=katherine,
        occurred_at=timezone.now() - datetime.timedelta(days=10),
        kind="call",
        summary="Called about her new team",
        next_step="Invite her to the meetup",
        contribution_direction="received",
        contribution_kind="advice",
    )
    refresh_cadence(Contact.objects.filter(owner=user))
    CommitmentFactory(contact=grace, description="Send the hiring article", due_on=timezone.localdate())
    CommitmentFactory(contact=ada, description="Introduce her to Linus")

    plan = strategy_services.plan_for(owner=user)
    plan.who_to_invite = "Founders of small software companies in Berlin, and old classmates."
    plan.how_to_maintain = "A coffee a month with clients; a short personal email each quarter."
    plan.maintain_channels = ["meeting", "email"]
    plan.how_to_participate = "The monthly founders breakfast, as a regular."
    plan.what_to_contribute = "Introductions to designers; advice on pricing."
    plan.contribution_kinds = ["introduction", "advice"]
    plan.how_to_contribute = "One introduction a week."
    strategy_services.save_plan(plan=plan)
    customers, _ = strategy_services.add_purposes(owner=user, names=["New customers", "Learning"])
    strategy_services.set_contact_purposes(contact=ada, purposes=[customers])

    venue = VenueFactory(
        owner=user,
        name="Founders breakfast",
        kind=Venue.Kind.MEETUP,
        url="https://example.org/breakfast",
        target_market_present="yes",
        interaction_quality=4,
        hours_spent=6,
        spread_too_thin="no",
    )
    met_at = EventFactory(owner=user, venue=venue, name="June breakfast", goal_people=2, goal_note="Two founders")
    for contact in (alan, linus):
        PersonMetFactory(event=met_at, contact=contact)
    EventFactory(
        owner=user,
        venue=venue,
        name="July breakfast",
        held_on=timezone.localdate() + datetime.timedelta(days=10),
        attended=False,
    )
    run_sweep()
    snoozed = Reminder.objects.filter(owner=user, contact=grace, kind=Reminder.Kind.CADENCE).first()
    if snoozed is not None:
        followup_services.snooze(reminder=snoozed, until=timezone.now() + datetime.timedelta(days=3))
    followup_services.regenerate_calendar_token(user=user)
    create_token(owner=user, name="phone", scope="read")  # Settings lists it
    return {"contact": ada, "venue": venue, "event": Event.objects.get(owner=user, name="June breakfast")}


def load_axe(page) -> None:
    """Into every document the page opens: an init script runs despite the Content-Security-Policy,
    which (rightly) refuses the inline <script> that add_script_tag would insert."""
    assert AXE.exists(), f"{AXE} is missing; run npm install (./scripts/test.sh does)"
    page.add_init_script(path=str(AXE))


def blocking_violations(page) -> list[dict]:
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [violation for violation in results["violations"] if violation["impact"] in BLOCKING]


def describe(url: str, width: int, violation: dict) -> str:
    targets = "; ".join(
        f"{json.dumps(node['target'])} {node.get('failureSummary', '').splitlines()[-1].strip()}"
        for node in violation["nodes"][:8]
    )
    return f"{url} @{width}px [{violation['impact']}] {violation['id']}: {violation['help']} — {targets}"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_main_pages_have_no_serious_or_critical_axe_violations(page, screenshot_dir):
    load_axe(page)
    user = UserFactory(username="networker")
    UserFactory(username="someone-else")  # a second user, so nothing passes by being alone
    objects = build_network(user)
    assert Reminder.objects.filter(owner=user, state="open").exists()
    pages = {
        "home": "/",
        "contacts": "/contacts/",
        "contact": objects["contact"].get_absolute_url(),
        "plan": "/plan/",
        "followups": "/followups/",
        "venues": "/plan/venues/",
        "venue": objects["venue"].get_absolute_url(),
        "events": "/plan/events/",
        "event": f"/plan/events/{objects['event'].pk}/",
        "classifications": "/contacts/classifications/",
        "settings": "/settings/",
    }
    log_in(page, "networker")
    problems = check_pages(page, pages, screenshot_dir)
    # The follow-ups page with a row's log form opened in place (htmx).
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/followups/")
    page.locator("main").get_by_role("link", name="Done…").first.click()
    page.locator("main").get_by_label("Summary").wait_for()
    problems += [describe("/followups/ (log form open)", 1280, v) for v in blocking_violations(page)]
    assert not problems, "axe found serious or critical violations:\n" + "\n".join(problems)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_new_users_empty_pages_have_no_serious_or_critical_axe_violations(page, screenshot_dir):
    load_axe(page)
    UserFactory(username="newcomer")
    pages = {
        "home": "/",
        "contacts": "/contacts/",
        "plan": "/plan/",
        "followups": "/followups/",
        "venues": "/plan/venues/",
        "events": "/plan/events/",
        "classifications": "/contacts/classifications/",
        "settings": "/settings/",
    }
    log_in(page, "newcomer")
    problems = check_pages(page, pages, screenshot_dir)
    assert not problems, "axe found serious or critical violations:\n" + "\n".join(problems)


def check_pages(page, pages: dict[str, str], screenshot_dir) -> list[str]:
    """Run axe on each page at each width; a screenshot of each goes to the test's folder."""
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, url in pages.items():
            response = page.goto(url)
            assert response.status == 200, f"{url} answered {response.status}"
            problems += [describe(url, width, violation) for violation in blocking_violations(page)]
            page.screenshot(path=screenshot_dir / f"{name}-{width}.png", full_page=True)
    return problems
