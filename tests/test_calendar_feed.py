"""The calendar feed: a secret URL listing due follow-ups, promises and contacts coming due,
valid iCalendar that calendar apps (and the icalendar parser) read."""

import datetime
import secrets

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from contacts.models import Contact
from contacts.services import add_occasion
from followups import services
from followups.models import FollowupPreferences, Reminder
from followups.sweep import run_sweep

from .factories import ClassificationFactory, ContactFactory, InteractionFactory
from .followup_factories import CommitmentFactory, ReminderFactory, bulk_due_contacts

NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)  # a Monday
UTC = datetime.UTC


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def feed_url(user) -> str:
    token = services.regenerate_calendar_token(user=user).calendar_token
    return reverse("followups:calendar_feed", args=[token])


def set_zone(user, name):
    services.set_time_zone(user=user, time_zone=name)


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(calendar) -> dict[str, object]:
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def day_of(event) -> datetime.date:
    return event.decoded("dtstart")


def coming_due(contact, at: datetime.datetime) -> Contact:
    Contact.objects.filter(pk=contact.pk).update(next_due_at=at)
    contact.refresh_from_db()
    return contact


@pytest.fixture
def network(owner):
    """One of each kind of entry, with due moments chosen to fall on different local days
    in UTC+13 and UTC-10."""
    clients = ClassificationFactory(owner=owner, name="Clients", message_guidance="Ask about Q3; offer an intro")
    ada = ContactFactory(owner=owner, classification=clients, first_name="Ada", last_name="Lovelace")
    InteractionFactory(contact=ada, summary="Coffee about the launch", next_step="Send the deck")
    cadence = ReminderFactory(contact=ada, due_at=datetime.datetime(2026, 6, 14, 11, 0, tzinfo=UTC))
    grace = ContactFactory(owner=owner, classification=clients, first_name="Grace", last_name="Hopper")
    met = ReminderFactory(
        contact=grace,
        kind=Reminder.Kind.EVENT_FOLLOWUP,
        due_at=datetime.datetime(2026, 6, 12, 0, 0, tzinfo=UTC),
        state=Reminder.State.SNOOZED,
        snoozed_until=datetime.datetime(2026, 6, 17, 11, 30, tzinfo=UTC),
        message="Send a LinkedIn invitation",
    )
    promise = CommitmentFactory(contact=grace, description="Send the hiring article", due_on=datetime.date(2026, 6, 18))
    alan = ContactFactory(owner=owner, classification=clients, first_name="Alan", last_name="Turing")
    coming_due(alan, datetime.datetime(2026, 6, 20, 5, 0, tzinfo=UTC))
    return {"ada": ada, "cadence": cadence, "grace": grace, "met": met, "promise": promise, "alan": alan}


def cadence_uid(contact, due_at):
    return f"cadence-{contact.pk}-{due_at:%Y%m%dT%H%M%SZ}@netcrm"


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
class TestFeedContent:
    def test_the_feed_is_a_valid_calendar_without_logging_in(self, client, owner, network):
        calendar = parse(client.get(feed_url(owner)))
        assert calendar["VERSION"] == "2.0"
        assert "netcrm" in str(calendar["PRODID"])
        assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in calendar.to_ical()
        assert b"X-PUBLISHED-TTL:PT1H" in calendar.to_ical()
        for event in calendar.walk("VEVENT"):
            assert event.decoded("dtstamp") == NOW
            assert event.decoded("dtend") == day_of(event) + datetime.timedelta(days=1)
            assert str(event["transp"]) == "TRANSPARENT"

    def test_reminders_promises_and_contacts_coming_due_each_appear_once(self, client, owner, network):
        found = events(parse(client.get(feed_url(owner))))
        assert set(found) == {
            cadence_uid(network["ada"], network["cadence"].due_at),
            f"reminder-{network['met'].pk}@netcrm",
            f"promise-{network['promise'].pk}@netcrm",
            cadence_uid(network["alan"], network["alan"].next_due_at),
        }

    def test_a_reminder_says_who_what_to_say_and_where_we_left_off(self, client, owner, network):
        found = events(parse(client.get(feed_url(owner))))
        ada = found[cadence_uid(network["ada"], network["cadence"].due_at)]
        assert str(ada["summary"]) == "Reconnect with Ada Lovelace"
        description = str(ada["description"])
        assert "Ada Lovelace (Clients)" in description
        assert "What to say: Ask about Q3; offer an intro" in description
        assert "Last time: Coffee about the launch" in description
        assert "Next step: Send the deck" in description
        assert str(ada["url"]) == f"http://testserver-site{network['ada'].get_absolute_url()}"

    def test_a_promise_is_listed_by_its_due_date(self, client, owner, network):
        found = events(parse(client.get(feed_url(owner))))
        promise = found[f"promise-{network['promise'].pk}@netcrm"]
        assert str(promise["summary"]) == "Promise to Grace Hopper: Send the hiring article"
        assert day_of(promise) == datetime.date(2026, 6, 18)

    def test_a_promise_with_a_raised_reminder_is_not_listed_twice(self, client, owner, network):
        ReminderFactory(contact=network["grace"], kind=Reminder.Kind.PROMISE, commitment=network["promise"], due_at=NOW)
        found = events(parse(client.get(feed_url(owner))))
        assert [uid for uid in found if uid.startswith("promise-")] == [f"promise-{network['promise'].pk}@netcrm"]
        assert not [
            uid for uid in found if uid.startswith("reminder-") and uid != f"reminder-{network['met'].pk}@netcrm"
        ]

    def test_handled_reminders_and_kept_promises_are_not_listed(self, client, owner, network):
        Reminder.objects.filter(pk=network["cadence"].pk).update(state=Reminder.State.DONE)
        services.keep_commitment(commitment=network["promise"])
        found = events(parse(client.get(feed_url(owner))))
        assert cadence_uid(network["ada"], network["cadence"].due_at) not in found
        assert f"promise-{network['promise'].pk}@netcrm" not in found

    def test_only_the_next_60_days_are_listed(self, client, owner, network):
        within = coming_due(ContactFactory(owner=owner, first_name="Within"), NOW + datetime.timedelta(days=59))
        later = coming_due(ContactFactory(owner=owner, first_name="Later"), NOW + datetime.timedelta(days=61))
        far_promise = CommitmentFactory(contact=within, description="Far off", due_on=datetime.date(2026, 9, 1))
        found = events(parse(client.get(feed_url(owner))))
        assert cadence_uid(within, within.next_due_at) in found
        assert not [uid for uid in found if uid.startswith(f"cadence-{later.pk}-")]
        assert f"promise-{far_promise.pk}@netcrm" not in found

    def test_text_is_escaped_and_survives_a_round_trip(self, client, owner):
        tricky = ContactFactory(owner=owner, first_name="Jo, the; \\boss", last_name="O'Neil")
        InteractionFactory(contact=tricky, summary="Lunch", next_step="Line one\nline two, with; marks")
        ReminderFactory(contact=tricky)
        response = client.get(feed_url(owner))
        assert b"Jo\\, the\\; \\\\boss" in response.content
        (event,) = parse(response).walk("VEVENT")
        assert str(event["summary"]) == "Reconnect with Jo, the; \\boss O'Neil"
        assert "Next step: Line one\nline two, with; marks" in str(event["description"])


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
@pytest.mark.parametrize(
    "zone, cadence_day, snoozed_day, coming_day",
    [
        ("Pacific/Tongatapu", datetime.date(2026, 6, 15), datetime.date(2026, 6, 18), datetime.date(2026, 6, 20)),
        ("Pacific/Honolulu", datetime.date(2026, 6, 14), datetime.date(2026, 6, 17), datetime.date(2026, 6, 19)),
    ],
    ids=["utc+13", "utc-10"],
)
def test_entries_fall_on_the_users_local_day(client, owner, network, zone, cadence_day, snoozed_day, coming_day):
    set_zone(owner, zone)
    calendar = parse(client.get(feed_url(owner)))
    found = events(calendar)
    assert str(calendar["X-WR-TIMEZONE"]) == zone
    assert day_of(found[cadence_uid(network["ada"], network["cadence"].due_at)]) == cadence_day
    # A snoozed reminder is on the day it wakes up.
    assert day_of(found[f"reminder-{network['met'].pk}@netcrm"]) == snoozed_day
    assert day_of(found[cadence_uid(network["alan"], network["alan"].next_due_at)]) == coming_day
    # A promise's date is already the user's own day.
    assert day_of(found[f"promise-{network['promise'].pk}@netcrm"]) == datetime.date(2026, 6, 18)


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
def test_the_uid_of_a_contact_coming_due_is_kept_when_the_sweep_raises_its_reminder(client, owner):
    from followups.sweep import run_sweep

    contact = ContactFactory(owner=owner)
    coming_due(contact, NOW - datetime.timedelta(hours=1))
    url = feed_url(owner)
    before = set(events(parse(client.get(url))))
    run_sweep()
    assert Reminder.objects.filter(contact=contact, state="open").exists()
    assert set(events(parse(client.get(url)))) == before == {cadence_uid(contact, contact.next_due_at)}


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
class TestFeedAccess:
    def test_another_users_data_never_appears(self, client, owner, stranger, network):
        theirs = ContactFactory(owner=stranger, first_name="Stranger", last_name="Danger")
        ReminderFactory(contact=theirs)
        CommitmentFactory(contact=theirs, description="Their promise")
        coming_due(ContactFactory(owner=stranger, first_name="Stranger2"), NOW + datetime.timedelta(days=2))
        body = client.get(feed_url(owner)).content.decode()
        assert "Stranger" not in body and "Their promise" not in body
        stranger_body = client.get(feed_url(stranger)).content.decode()
        assert "Lovelace" not in stranger_body and "Hopper" not in stranger_body and "Turing" not in stranger_body

    def test_a_regenerated_token_makes_the_old_url_404_at_once(self, client, owner, network):
        old_url = feed_url(owner)
        assert client.get(old_url).status_code == 200
        new_url = feed_url(owner)
        assert new_url != old_url
        assert client.get(old_url).status_code == 404
        assert client.get(new_url).status_code == 200

    def test_turning_the_feed_off_makes_its_url_404(self, client, owner):
        url = feed_url(owner)
        services.turn_off_calendar_feed(user=owner)
        assert client.get(url).status_code == 404

    @pytest.mark.parametrize(
        "path",
        [
            "/calendar/nope.ics",
            f"/calendar/{secrets.token_urlsafe(32)}.ics",
            f"/calendar/{'A' * 64}.ics",
            f"/calendar/{'A' * 500}.ics",
            "/calendar/%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00.ics",
            "/calendar/.ics",
            "/calendar/../settings/.ics",
        ],
    )
    def test_an_unknown_token_is_a_404(self, client, owner, path):
        feed_url(owner)
        assert client.get(path).status_code == 404

    def test_an_unknown_token_is_a_404_for_a_logged_in_user_too(self, owner_client, owner):
        feed_url(owner)
        assert owner_client.get(f"/calendar/{secrets.token_urlsafe(32)}.ics").status_code == 404

    def test_a_deactivated_users_feed_is_a_404(self, client, owner):
        url = feed_url(owner)
        owner.is_active = False
        owner.save()
        assert client.get(url).status_code == 404

    def test_the_feed_only_answers_get_and_head(self, client, owner):
        url = feed_url(owner)
        assert client.head(url).status_code == 200
        assert client.post(url).status_code == 405

    def test_tokens_are_long_random_and_unique_per_user(self, owner, stranger):
        tokens = {services.regenerate_calendar_token(user=user).calendar_token for user in (owner, stranger)}
        assert len(tokens) == 2
        assert all(len(token) >= 43 for token in tokens)


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
@pytest.mark.parametrize("size", [5, 50])
def test_the_feed_runs_the_same_queries_whatever_the_number_of_reminders(
    client, owner, size, django_assert_num_queries
):
    classification = ClassificationFactory(owner=owner)
    for number in range(size):
        contact = ContactFactory(
            owner=owner, classification=classification, first_name=f"Person{number}", birthday=datetime.date(1990, 7, 1)
        )
        InteractionFactory(contact=contact)
        ReminderFactory(contact=contact)
        CommitmentFactory(contact=contact)
        add_occasion(contact=contact, kind="work_anniversary", on=datetime.date(2020, 6, 20))
        coming_due(ContactFactory(owner=owner, classification=classification), NOW + datetime.timedelta(days=3))
    url = feed_url(owner)
    # The token, the reminders, the promises, the birthdays, the other dates, the contacts coming due.
    with django_assert_num_queries(6):
        calendar = parse(client.get(url))
    assert len(calendar.walk("VEVENT")) == 5 * size


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
def test_with_2000_people_due_the_feed_holds_500_entries_the_most_pressing_first(
    client, owner, django_assert_num_queries
):
    clients = ClassificationFactory(owner=owner, contact_every_days=30)
    overdue = bulk_due_contacts(
        owner, classification=clients, first_name="Late", due_at=[NOW - datetime.timedelta(days=1)] * 1000
    )
    run_sweep()  # 1,000 reminders
    bulk_due_contacts(
        owner, classification=clients, first_name="Soon",
        due_at=[NOW + datetime.timedelta(days=1 + index % 70) for index in range(1000)],
    )  # fmt: skip
    promise = CommitmentFactory(contact=overdue[0], description="Send the deck", due_on=datetime.date(2026, 6, 30))
    url = feed_url(owner)
    with django_assert_num_queries(6):
        found = events(parse(client.get(url)))
    assert len(found) == 500
    assert f"promise-{promise.pk}@netcrm" in found  # a promise is never crowded out by reminders
    assert all(day_of(event) < datetime.date(2026, 8, 14) for event in found.values())  # within 60 days
    assert sum(uid.startswith("cadence-") for uid in found) == 499  # the reminders, earliest first


@pytest.mark.django_db
class TestSettingsCard:
    def test_the_settings_page_offers_to_create_a_feed(self, owner_client):
        response = owner_client.get(reverse("followups:preferences"))
        assert "Create my calendar feed URL" in response.content.decode()
        assert response.context["preferences"].calendar_feed_url is None

    def test_creating_then_regenerating_shows_the_absolute_url(self, owner_client, owner):
        owner_client.post(reverse("followups:regenerate_calendar_feed"))
        first = FollowupPreferences.objects.get(owner=owner).calendar_token
        response = owner_client.get(reverse("followups:preferences"))
        assert response.context["preferences"].calendar_feed_url == f"http://testserver-site/calendar/{first}.ics"
        assert f'value="http://testserver-site/calendar/{first}.ics"' in response.content.decode()
        response = owner_client.post(reverse("followups:regenerate_calendar_feed"), follow=True)
        second = FollowupPreferences.objects.get(owner=owner).calendar_token
        assert second != first
        assert "the old one no longer works" in response.content.decode()

    def test_regenerating_needs_a_post(self, owner_client):
        assert owner_client.get(reverse("followups:regenerate_calendar_feed")).status_code == 405

    def test_regenerating_needs_a_login(self, client, owner):
        response = client.post(reverse("followups:regenerate_calendar_feed"))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
        assert FollowupPreferences.objects.filter(owner=owner, calendar_token__isnull=False).count() == 0

    def test_turning_off_forgets_the_token(self, owner_client, owner):
        owner_client.post(reverse("followups:regenerate_calendar_feed"))
        owner_client.post(reverse("followups:turn_off_calendar_feed"))
        assert FollowupPreferences.objects.get(owner=owner).calendar_token is None


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver-site"


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
class TestImportantDates:
    def test_a_birthday_is_an_all_day_event_on_its_day_with_what_to_say(self, client, owner):
        classification = ClassificationFactory(owner=owner, message_guidance="Wish them well.")
        ada = ContactFactory(owner=owner, classification=classification, first_name="Ada", last_name="L",
                             birthday=datetime.date(1985, 6, 20))  # fmt: skip
        found = events(parse(client.get(feed_url(owner))))
        event = found[f"birthday-{ada.pk}-2026@netcrm"]
        assert day_of(event) == datetime.date(2026, 6, 20)
        assert event.decoded("dtend") == datetime.date(2026, 6, 21)
        assert str(event["summary"]) == "Birthday: Ada L"
        assert "What to say: Wish them well." in str(event["description"])

    def test_the_uid_stays_when_the_sweep_raises_and_the_user_dismisses_the_reminder(self, client, owner):
        ada = ContactFactory(owner=owner, birthday=datetime.date(1985, 6, 20))
        before = set(events(parse(client.get(feed_url(owner)))))
        run_sweep()
        services.dismiss(reminder=Reminder.objects.get(kind="date"))
        after = set(events(parse(client.get(feed_url(owner)))))
        assert before == after == {f"birthday-{ada.pk}-2026@netcrm"}

    def test_an_occasion_shows_its_label_and_a_leap_day_falls_on_28_february(self, client, owner):
        contact = ContactFactory(owner=owner, first_name="Bo", last_name="K", birthday=datetime.date(2000, 2, 29))
        wedding = add_occasion(contact=contact, label="Wedding day", on=datetime.date(2010, 7, 4))
        found = events(parse(client.get(feed_url(owner))))
        assert str(found[f"occasion-{wedding.pk}-2026@netcrm"]["summary"]) == "Wedding day: Bo K"
        with time_machine.travel(datetime.datetime(2027, 2, 1, 12, tzinfo=datetime.UTC), tick=False):
            later = events(parse(client.get(feed_url(owner))))
        assert day_of(later[f"birthday-{contact.pk}-2027@netcrm"]) == datetime.date(2027, 2, 28)

    def test_only_dates_in_the_next_60_days_are_listed(self, client, owner):
        ContactFactory(owner=owner, birthday=datetime.date(1985, 8, 13))  # the 59th day ahead
        ContactFactory(owner=owner, birthday=datetime.date(1985, 8, 14))  # the 60th: beyond
        ContactFactory(owner=owner, birthday=datetime.date(1985, 6, 14))  # yesterday: next year
        found = events(parse(client.get(feed_url(owner))))
        assert [day_of(event) for event in found.values()] == [datetime.date(2026, 8, 13)]
