"""The follow-ups page: sections, what each row says, and acting on it with or without htmx."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from contacts.cadence import refresh_cadence
from contacts.models import Contact
from followups import services
from followups.models import Commitment, Reminder
from followups.sweep import run_sweep

from .factories import ClassificationFactory, ContactFactory, InteractionFactory
from .followup_factories import CommitmentFactory, ReminderFactory

NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)  # a Monday
BOARD = reverse("followups:board")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def contact_due(owner, *, due_in_days, every_days=30, at_most_days=None, **fields):
    classification = ClassificationFactory(
        owner=owner,
        contact_every_days=every_days,
        contact_at_most_days=at_most_days,
        message_guidance="Ask about their project; offer an intro.",
    )
    contact = ContactFactory(owner=owner, classification=classification, **fields)
    created = NOW + datetime.timedelta(days=due_in_days - every_days)
    Contact.objects.filter(pk=contact.pk).update(created_at=created)
    refresh_cadence(Contact.objects.filter(pk=contact.pk))
    return contact


def section_names(response, section):
    return [row.contact.first_name for row in response.context["board"].section(section).rows]


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
class TestBoard:
    def test_sections_sort_contacts_by_when_they_are_due(self, owner_client, owner):
        contact_due(owner, due_in_days=-3, at_most_days=30, first_name="Overdue")  # 3 days past its maximum
        contact_due(owner, due_in_days=-3, first_name="Late")  # 3 days past its ideal, 12 before its maximum
        contact_due(owner, due_in_days=0, first_name="Today")
        contact_due(owner, due_in_days=4, first_name="Friday")
        contact_due(owner, due_in_days=9, first_name="Later")
        run_sweep()
        response = owner_client.get(BOARD)
        assert section_names(response, "overdue") == ["Overdue"]
        assert section_names(response, "today") == ["Late", "Today"]
        assert section_names(response, "week") == ["Friday"]
        assert "Later" not in response.content.decode()

    def test_a_row_shows_days_overdue_guidance_and_where_we_left_off(self, owner_client, owner):
        contact = contact_due(owner, due_in_days=-3, first_name="Grace")
        InteractionFactory(
            contact=contact,
            occurred_at=NOW - datetime.timedelta(days=60),
            summary="Talked about the compiler",
            next_step="Send the COBOL paper",
        )
        Contact.objects.filter(pk=contact.pk).update(next_due_at=NOW - datetime.timedelta(days=3))
        run_sweep()
        html = owner_client.get(BOARD).content.decode()
        assert "due 3 days ago" in html
        assert "Ask about their project; offer an intro." in html
        assert "Talked about the compiler" in html
        assert "Send the COBOL paper" in html

    def test_snoozed_and_promises_have_their_own_sections(self, owner_client, owner):
        contact = contact_due(owner, due_in_days=-1, first_name="Sleepy")
        run_sweep()
        services.snooze(reminder=Reminder.objects.get(), until=NOW + datetime.timedelta(days=7))
        CommitmentFactory(contact=contact, description="Send the deck")
        response = owner_client.get(BOARD)
        assert section_names(response, "snoozed") == ["Sleepy"]
        assert section_names(response, "overdue") == []
        assert [p.description for p in response.context["board"].section("promises").rows] == ["Send the deck"]

    def test_a_new_user_sees_an_empty_state(self, owner_client):
        assert "Nothing to follow up" in owner_client.get(BOARD).content.decode()


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
class TestActions:
    @pytest.fixture
    def reminder(self, owner):
        contact_due(owner, due_in_days=-2, first_name="Ada")
        run_sweep()
        return Reminder.objects.get()

    def test_snooze_a_day_with_a_plain_form(self, owner_client, reminder):
        response = owner_client.post(reverse("followups:snooze", args=[reminder.pk]), {"days": "1"})
        assert response["Location"] == BOARD
        reminder.refresh_from_db()
        assert (reminder.state, reminder.snoozed_until) == ("snoozed", NOW + datetime.timedelta(days=1))

    def test_snooze_a_week_with_htmx_replaces_the_row(self, owner_client, reminder):
        response = owner_client.post(reverse("followups:snooze", args=[reminder.pk]), {"days": "7"}, **HTMX)
        assert response.status_code == 200
        assert "Snoozed Ada" in response.content.decode()
        assert "<html" not in response.content.decode()
        reminder.refresh_from_db()
        assert reminder.snoozed_until == NOW + datetime.timedelta(days=7)

    def test_snooze_until_a_chosen_date_starts_that_day_in_the_users_zone(self, owner_client, owner, reminder):
        services.set_time_zone(user=owner, time_zone="Pacific/Honolulu")
        owner_client.post(reverse("followups:snooze", args=[reminder.pk]), {"until": "2026-06-20"})
        reminder.refresh_from_db()
        assert reminder.snoozed_until == datetime.datetime(2026, 6, 20, 10, 0, tzinfo=datetime.UTC)

    def test_a_snooze_date_in_the_past_is_refused_with_a_message(self, owner_client, reminder):
        response = owner_client.post(
            reverse("followups:snooze", args=[reminder.pk]), {"until": "2026-06-01"}, follow=True
        )
        assert "Pick a date after today" in response.content.decode()
        reminder.refresh_from_db()
        assert reminder.state == "open"
        htmx = owner_client.post(reverse("followups:snooze", args=[reminder.pk]), {"until": "garbage"}, **HTMX)
        assert htmx.status_code == 422
        assert "Enter a valid date" in htmx.content.decode()

    def test_the_button_clicked_wins_over_a_date_typed_in_the_rows_one_form(self, owner_client, reminder):
        """A row's snoozes and dismissal share one form, so "1 day" also sends the date box."""
        response = owner_client.post(
            reverse("followups:snooze", args=[reminder.pk]), {"days": "1", "until": "2026-06-01"}, **HTMX
        )
        assert response.status_code == 200
        reminder.refresh_from_db()
        assert reminder.snoozed_until == NOW + datetime.timedelta(days=1)

    def test_a_rows_buttons_post_where_they_say_without_javascript(self, owner_client, reminder):
        html = owner_client.get(BOARD).content.decode()
        row = html[html.index(f'id="until-{reminder.pk}"') - 2000 :]
        form = row[row.rindex("<form", 0, 2000) : row.index("</form>")]
        snooze, dismiss = (reverse(name, args=[reminder.pk]) for name in ("followups:snooze", "followups:dismiss"))
        assert f'action="{snooze}"' in form and f'formaction="{dismiss}"' in form
        assert form.count('name="csrfmiddlewaretoken"') == 1

    def test_dismiss(self, owner_client, reminder):
        owner_client.post(reverse("followups:dismiss", args=[reminder.pk]), **HTMX)
        reminder.refresh_from_db()
        assert reminder.state == "dismissed"
        assert run_sweep().cadence_raised == 0

    def test_done_opens_the_log_form_prefilled_and_logging_resolves(self, owner_client, owner, reminder):
        reminder.contact.classification.preferred_channel = "call"
        reminder.contact.classification.save()
        url = reverse("followups:log_interaction", args=[reminder.contact.pk])
        form = owner_client.get(url, **HTMX)
        assert form.context["form"].initial["kind"] == "call"
        assert "<html" not in form.content.decode()
        response = owner_client.post(
            url, {"occurred_at": "2026-06-15T11:00", "kind": "call", "summary": "Caught up", "next": BOARD}
        )
        assert response["Location"] == BOARD
        reminder.refresh_from_db()
        assert reminder.state == "done"
        assert reminder.resolved_by.summary == "Caught up"

    def test_another_users_reminder_is_404_and_untouched(self, stranger_client, reminder):
        for name in ("followups:snooze", "followups:dismiss"):
            assert stranger_client.post(reverse(name, args=[reminder.pk]), {"days": "1"}).status_code == 404
        reminder.refresh_from_db()
        assert reminder.state == "open"
        log_url = reverse("followups:log_interaction", args=[reminder.contact.pk])
        assert stranger_client.get(log_url).status_code == 404


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen")
class TestPromises:
    def test_record_a_promise_on_the_contact_page_and_keep_it(self, owner_client, contact):
        owner_client.post(
            reverse("followups:add_commitment", args=[contact.pk]),
            {"description": "Send the trajectory paper", "due_on": "2026-06-19"},
        )
        promise = Commitment.objects.get()
        assert "Send the trajectory paper" in owner_client.get(contact.get_absolute_url()).content.decode()
        owner_client.post(reverse("followups:keep_commitment", args=[promise.pk]))
        promise.refresh_from_db()
        assert promise.state == "kept"

    def test_a_promise_without_a_date_is_refused(self, owner_client, contact):
        response = owner_client.post(
            reverse("followups:add_commitment", args=[contact.pk]), {"description": "Someday"}, follow=True
        )
        assert "A promise needs a due date." in response.content.decode()
        assert not Commitment.objects.exists()

    def test_another_users_promise_is_404(self, stranger_client, contact):
        promise = CommitmentFactory(contact=contact)
        assert stranger_client.post(reverse("followups:keep_commitment", args=[promise.pk])).status_code == 404
        assert stranger_client.post(reverse("followups:add_commitment", args=[contact.pk])).status_code == 404
        promise.refresh_from_db()
        assert promise.state == "open"


@pytest.mark.django_db
class TestTimeZones:
    """Days overdue and 'due today' follow the user's calendar, wherever they live."""

    @pytest.mark.parametrize(
        ("zone", "section"),
        [
            # due 15 June 10:30 UTC = 15 June 23:30 in Tonga (UTC+13), 15 June 00:30 in Honolulu (UTC-10);
            # seen at 15 June 11:00 UTC = 16 June 00:00 in Tonga, 15 June 01:00 in Honolulu
            ("Pacific/Tongatapu", "overdue"),
            ("Pacific/Honolulu", "today"),
        ],
    )
    def test_due_today_is_the_users_local_today(self, owner_client, owner, zone, section):
        services.set_time_zone(user=owner, time_zone=zone)
        contact = ContactFactory(owner=owner)
        due = datetime.datetime(2026, 6, 15, 10, 30, tzinfo=datetime.UTC)
        Contact.objects.filter(pk=contact.pk).update(next_due_at=due, overdue_at=due)  # no gap beyond the ideal
        ReminderFactory(contact=contact, due_at=due)
        with time_machine.travel(datetime.datetime(2026, 6, 15, 11, 0, tzinfo=datetime.UTC), tick=False):
            response = owner_client.get(BOARD)
        assert section_names(response, section) == [contact.first_name]

    def test_days_overdue_count_calendar_days_across_a_daylight_saving_change(self, owner_client, owner):
        services.set_time_zone(user=owner, time_zone="Europe/Berlin")
        contact = ContactFactory(owner=owner)
        # due Saturday 28 March 2026, 10:00 Berlin (CET); clocks go forward on 29 March
        ReminderFactory(contact=contact, due_at=datetime.datetime(2026, 3, 28, 9, 0, tzinfo=datetime.UTC))
        with time_machine.travel(datetime.datetime(2026, 3, 30, 22, 30, tzinfo=datetime.UTC), tick=False):
            # 31 March 00:30 in Berlin (CEST): three calendar days after the due date
            html = owner_client.get(BOARD).content.decode()
        assert "due 3 days ago" in html

    def test_cadence_adds_whole_days_across_a_daylight_saving_change(self, owner):
        classification = ClassificationFactory(owner=owner, contact_every_days=14)
        contact = ContactFactory(owner=owner, classification=classification)
        start = datetime.datetime(2026, 3, 20, 9, 0, tzinfo=datetime.UTC)  # 10:00 CET
        with time_machine.travel(start, tick=False):
            services.log_interaction(contact=contact, occurred_at=start, summary="Coffee")
        contact.refresh_from_db()
        assert contact.next_due_at == datetime.datetime(2026, 4, 3, 9, 0, tzinfo=datetime.UTC)  # 11:00 CEST, 3 April

    def test_times_on_pages_are_shown_in_the_users_zone(self, owner_client, owner, contact):
        services.set_time_zone(user=owner, time_zone="Pacific/Tongatapu")
        InteractionFactory(contact=contact, occurred_at=datetime.datetime(2026, 6, 15, 11, 30, tzinfo=datetime.UTC))
        html = owner_client.get(contact.get_absolute_url()).content.decode()
        assert "16 Jun 2026, 00:30" in html

    def test_the_time_zone_setting_refuses_an_unknown_zone(self, owner_client, owner):
        form = {"digest_enabled": "on", "digest_weekday": 0, "digest_hour": 8, "outreach_list_size": 5}
        form["digest_size"] = 10
        form["date_reminder_days"] = 7
        response = owner_client.post(reverse("followups:preferences"), {**form, "time_zone": "Mars/Olympus"})
        assert "Select a valid choice" in response.content.decode()
        owner_client.post(reverse("followups:preferences"), {**form, "time_zone": "Asia/Tokyo"})
        assert services.preferences_for(owner).time_zone == "Asia/Tokyo"
