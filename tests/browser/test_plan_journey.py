"""A user writes a plan, goes to an event with a goal of 2, adds the 2 people met, sees the goal
met, and after the sweep sees an event follow-up for each of them on the follow-ups page."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from contacts.services import create_starter_classifications
from followups.models import Reminder

from ..factories import PASSWORD, UserFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_write_a_plan_meet_two_people_at_an_event_and_see_their_follow_ups(page, screenshot_dir):
    user = UserFactory(username="maria")
    create_starter_classifications(owner=user)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("maria")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("Your networking plan is not finished").wait_for()

    page.get_by_role("link", name="Plan", exact=True).click()
    page.get_by_role("link", name="Edit the plan").click()
    page.locator("#id_who_to_invite").fill("Founders of small software companies in Berlin, and old classmates.")
    page.locator("#id_how_to_maintain").fill("A coffee a month with clients, a short personal email each quarter.")
    page.get_by_label("Meeting / coffee").check()
    page.locator("#id_how_to_participate").fill("The monthly founders breakfast, as a regular; one conference a year.")
    page.locator("#id_what_to_contribute").fill("Introductions to designers and advice on pricing for early products.")
    page.get_by_label("Introduction").check()
    page.locator("#id_how_to_contribute").fill("One introduction every week, and articles I read that fit someone.")
    page.get_by_role("button", name="Save plan").click()
    page.get_by_text("Plan saved.").wait_for()
    assert "Founders of small software companies" in page.locator("#item-1").inner_text()
    assert "Inner circle" in page.locator("#item-2").inner_text()  # the live classifications
    page.screenshot(path=screenshot_dir / "plan-1280.png", full_page=True)
    page.emulate_media(media="print")  # the print stylesheet: the plan, without navigation or buttons
    assert not page.locator("nav.navbar").is_visible()
    assert not page.get_by_role("link", name="Edit the plan").is_visible()
    assert page.locator("#item-8").is_visible()
    page.screenshot(path=screenshot_dir / "plan-print.png", full_page=True)
    page.emulate_media(media="screen")

    held_on = timezone.localdate() - datetime.timedelta(days=3)
    page.get_by_role("link", name="Events").click()
    page.get_by_role("link", name="Add an event").first.click()
    page.get_by_label("Name").fill("Founders breakfast")
    page.get_by_label("Date").fill(held_on.isoformat())
    page.get_by_label("Goal: new people to meet").fill("2")
    page.get_by_role("button", name="Save event").click()
    page.get_by_role("heading", name="Founders breakfast").wait_for()

    for index, (first, last) in enumerate([("Grace", "Hopper"), ("Alan", "Kay")]):
        page.locator(f"#id_people-{index}-first_name").fill(first)
        page.locator(f"#id_people-{index}-last_name").fill(last)
        page.locator(f"#id_people-{index}-classification").select_option(label="Prospects")
    page.get_by_role("button", name="Add people met").click()
    page.get_by_text("Recorded 2 person(s) met").wait_for()
    assert "goal met" in page.locator("#goal-heading").inner_text()
    assert "2 met" in page.locator("#goal-progress").inner_text()
    page.screenshot(path=screenshot_dir / "event-1280.png", full_page=True)

    call_command("raise_reminders")
    assert Reminder.objects.filter(kind=Reminder.Kind.EVENT_FOLLOWUP, owner=user).count() == 2

    page.get_by_role("link", name="Follow-ups").click()
    board = page.locator("main")
    board.get_by_role("link", name="Grace Hopper").wait_for()
    text = board.inner_text()
    assert "Alan Kay" in text
    assert text.count("Follow up after an event") == 2
    assert "Send something useful to them; suggest a short call." in text  # the Prospects message
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=screenshot_dir / "followups-390.png", full_page=True)


def seed_network(user):
    from contacts.cadence import refresh_cadence
    from contacts.models import Classification, Contact

    from ..factories import ContactFactory, InteractionFactory
    from ..strategy_factories import EventFactory, PersonMetFactory, PurposeFactory, VenueFactory

    create_starter_classifications(owner=user)
    prospects = Classification.objects.get(owner=user, name="Prospects")
    customers = PurposeFactory(owner=user, name="Customers", is_main=True)
    PurposeFactory(owner=user, name="Learning about products, services and companies")
    club = VenueFactory(
        owner=user,
        name="Founders breakfast club",
        url="https://founders.example/breakfast-club-with-a-long-address",
        hours_spent=12,
        target_market_present="yes",
        interaction_quality=4,
    )
    VenueFactory(owner=user, name="LinkedIn", kind="social", hours_spent=30, spread_too_thin="yes")
    for week in range(3):
        event = EventFactory(
            owner=user, venue=club, name=f"Breakfast #{week + 1}", held_on=timezone.localdate().replace(day=1)
        )
        for _ in range(week + 1):
            person = ContactFactory(owner=user, classification=prospects)
            PersonMetFactory(event=event, contact=person)
            customers.contacts.add(person)
            InteractionFactory(contact=person, contribution_direction="given", contribution_kind="introduction")
    InteractionFactory(
        contact=person, contribution_direction="received", contribution_kind="referral", summary="Referred me"
    )
    refresh_cadence(Contact.objects.filter(owner=user))
    return person


PAGES = [
    ("plan", "/plan/"),
    ("plan-edit", "/plan/edit/"),
    ("purposes", "/plan/purposes/"),
    ("venues", "/plan/venues/"),
    ("events", "/plan/events/"),
    ("ledger", "/plan/ledger/"),
    ("home", "/"),
]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_strategy_pages_fit_a_phone_screen(page, screenshot_dir):
    user = UserFactory(username="maria")
    person = seed_network(user)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("maria")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Today's outreach").wait_for()
    from strategy.models import Event, Venue

    pages = [
        *PAGES,
        ("venue", f"/plan/venues/{Venue.objects.get(name='Founders breakfast club').pk}/"),
        ("event", f"/plan/events/{Event.objects.filter(owner=user).first().pk}/"),
        ("contact", person.get_absolute_url()),
        ("contacts-by-purpose", f"/plan/purposes/{user.purposes.get(is_main=True).pk}/contacts/"),
    ]
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for name, url in pages:
            response = page.goto(url)
            assert response.status == 200, url
            page.screenshot(path=screenshot_dir / f"{name}-{width}.png", full_page=True)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{url} scrolls sideways by {overflow}px at {width}px"
