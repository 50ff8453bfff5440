"""Bounds on what a person (or a crafted URL) can send: dates within ten years of today, query
ids that are not ASCII digits ignored, files with too many columns refused at upload, a double
snooze answered like the first, and dashboard forms that survive a new CSRF cookie."""

import datetime
import re
import threading

import pytest
import time_machine
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contacts.models import ImportJob
from followups import services
from followups.models import Commitment, Reminder
from strategy.models import Event

from .factories import ContactFactory, InteractionFactory, TagFactory
from .followup_factories import CommitmentFactory, ReminderFactory
from .import_helpers import upload
from .strategy_factories import PurposeFactory, VenueFactory

TODAY = datetime.date(2026, 6, 15)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.mark.django_db
class TestDatesWithinTenYears:
    @pytest.mark.parametrize("due_on", ["2036-06-16", "9999-12-31"])
    def test_a_promise_further_than_ten_years_is_refused_with_a_message(self, owner_client, contact, due_on):
        url = reverse("followups:add_commitment", args=[contact.pk])
        page = owner_client.post(url, {"description": "Send the deck", "due_on": due_on}, follow=True)
        assert "That is more than 10 years away; check the year." in page.content.decode()
        assert not Commitment.objects.exists()

    def test_a_promise_ten_years_ahead_is_kept(self, owner_client, contact):
        url = reverse("followups:add_commitment", args=[contact.pk])
        owner_client.post(url, {"description": "Send the deck", "due_on": "2036-06-15"})
        assert Commitment.objects.get().due_on == datetime.date(2036, 6, 15)

    def test_snoozing_until_a_date_further_than_ten_years_is_refused_in_place(self, owner_client, contact):
        reminder = ReminderFactory(contact=contact)
        url = reverse("followups:snooze", args=[reminder.pk])
        response = owner_client.post(url, {"until": "9999-12-31"}, **HTMX)
        assert response.status_code == 422 and "more than 10 years away" in response.content.decode()
        assert Reminder.objects.get().state == "open"

    @pytest.mark.parametrize(
        "held_on, message",
        [("9999-12-31", "more than 10 years away"), ("0001-01-01", "more than 10 years ago")],
    )
    def test_an_event_date_further_than_ten_years_is_a_field_error(self, owner_client, held_on, message):
        response = owner_client.post(
            reverse("strategy:event_create"), {"name": "Meetup", "held_on": held_on, "goal_people": "2"}
        )
        assert response.status_code == 200
        assert message in str(response.context["form"].errors["held_on"])
        assert not Event.objects.exists()

    def test_a_feed_with_an_extreme_date_stored_before_the_bounds_still_answers(self, client, owner, contact):
        preferences = services.preferences_for(owner)
        preferences.time_zone = "Pacific/Kiritimati"  # UTC+14: the end of time overflows here first
        preferences.save()
        CommitmentFactory(contact=contact, description="Someday", due_on=datetime.date.max)
        reminder = ReminderFactory(contact=ContactFactory(owner=owner, first_name="Grace"))
        Reminder.objects.filter(pk=reminder.pk).update(
            state="snoozed", snoozed_until=datetime.datetime(9999, 12, 31, 23, 0, tzinfo=datetime.UTC)
        )
        CommitmentFactory(contact=contact, description="Send the paper", due_on=timezone.localdate())
        token = services.regenerate_calendar_token(user=owner).calendar_token
        feed = client.get(reverse("followups:calendar_feed", args=[token]))
        assert feed.status_code == 200
        body = feed.content.decode()
        # The feed holds the next 60 days: the far dates are left out, the rest is listed.
        assert "Send the paper" in body
        assert "Someday" not in body and "99991231" not in body


@pytest.mark.django_db
class TestIdsInQueryStrings:
    @pytest.mark.parametrize("value", ["%C2%B2", "%D9%A1", "1" * 30, "-1", "1e3"])
    def test_a_value_that_is_no_id_is_ignored(self, owner_client, owner, contact, value):
        TagFactory(owner=owner)
        purpose = PurposeFactory(owner=owner)
        purpose.contacts.add(contact)
        VenueFactory(owner=owner)
        for path in ("/contacts/", f"/plan/purposes/{purpose.pk}/contacts/"):
            for name in ("classification", "tag"):
                response = owner_client.get(f"{path}?{name}={value}")
                assert response.status_code == 200, f"{path}?{name}={value}"
                assert "Lovelace" in response.content.decode()  # the filter is ignored, not applied
        assert owner_client.get(f"/plan/events/new/?venue={value}").status_code == 200

    def test_a_real_id_still_filters(self, owner_client, owner, contact):
        other = ContactFactory(owner=owner, first_name="Grace", last_name="Hopper")
        tag = TagFactory(owner=owner)
        other.tags.add(tag)
        page = owner_client.get(f"/contacts/?tag={tag.pk}").content.decode()
        assert "Hopper" in page and "Lovelace" not in page


def csv_with_columns(count: int) -> bytes:
    header = ",".join(["First Name", *(f"c{n}" for n in range(2, count + 1))])
    row = ",".join(["Ada", *("x" for _ in range(2, count + 1))])
    return f"{header}\n{row}\n".encode()


@pytest.mark.django_db
class TestColumnCap:
    def test_a_csv_with_more_than_1000_columns_is_refused_at_upload(self, owner_client):
        response, job = upload(owner_client, csv_with_columns(1001), file_format="csv")
        assert response.status_code == 400
        assert "The file has 1,001 columns; netcrm reads at most 1,000." in response.content.decode()
        assert job is None and not ImportJob.objects.exists()

    def test_a_csv_with_1000_columns_can_be_mapped_in_one_post(self, owner_client):
        response, job = upload(owner_client, csv_with_columns(1000), file_format="csv")
        assert response["Location"] == reverse("transfer:import_mapping", args=[job.pk])
        # what the browser posts: every column's choice, and the CSRF token
        form = {f"column_{n}": "" for n in range(1000)} | {"column_0": "first_name", "csrfmiddlewaretoken": "x"}
        mapped = owner_client.post(reverse("transfer:import_mapping", args=[job.pk]), form)
        assert mapped.status_code == 302
        job.refresh_from_db()
        assert job.status == ImportJob.Status.PREVIEWED


@pytest.mark.django_db(transaction=True)
def test_a_double_snooze_racing_the_first_answers_like_it(owner, classification):
    """The second submit reads no reminder (the first's is not committed yet), so its INSERT waits
    on the unique index and fails when the first commits: it must read that one back."""
    assert connection.vendor == "postgresql", "the race needs PostgreSQL's unique index wait"
    contact = ContactFactory(owner=owner, classification=classification)
    InteractionFactory(contact=contact, occurred_at=datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC))
    from contacts.cadence import refresh_cadence
    from contacts.models import Contact

    refresh_cadence(Contact.objects.filter(pk=contact.pk))
    contact.refresh_from_db()
    second = {}

    def second_submit():
        try:
            browser = Client()
            browser.force_login(owner)
            second["response"] = browser.post(reverse("followups:outreach_snooze", args=[contact.pk]), {"days": "7"})
        except Exception as error:  # a 500 in the test client raises
            second["error"] = error
        finally:
            connections.close_all()

    with transaction.atomic():
        first = services.snooze_contact(contact=contact, until=datetime.datetime(2026, 6, 22, 10, tzinfo=datetime.UTC))
        thread = threading.Thread(target=second_submit)
        thread.start()
        _wait_until_blocked_on_a_lock()
    thread.join(timeout=30)
    assert "error" not in second, second.get("error")
    assert second["response"].status_code == 302
    reminders = list(Reminder.objects.filter(contact=contact))
    assert [r.pk for r in reminders] == [first.pk]
    assert reminders[0].state == "snoozed"


def _wait_until_blocked_on_a_lock(seconds: float = 10):
    """Until another session waits on a lock (the second submit's INSERT on the unique index)."""
    import time

    deadline = time.monotonic() + seconds
    with connections["default"].cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # statistics are cached per transaction
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    pytest.fail("the second submit never waited on the first one's reminder")


@pytest.mark.django_db
def test_dashboard_forms_work_after_the_csrf_cookie_changes(owner, contact):
    from contacts.cadence import refresh_cadence
    from contacts.models import Contact

    InteractionFactory(contact=contact, occurred_at=datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC))
    refresh_cadence(Contact.objects.filter(pk=contact.pk))  # due: on today's list, with its skip form
    skip = reverse("followups:outreach_skip", args=[contact.pk])
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner)

    def token_of_the_skip_form():
        html = browser.get("/").content.decode()
        form = re.search(rf'action="{skip}"[^>]*><input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"', html)
        return form.group(1)

    token_of_the_skip_form()  # the body is now cached for this session
    browser.cookies["csrftoken"] = "N" * 32  # a cookie cleaner, or another tab, replaced it
    response = browser.post(skip, {"csrfmiddlewaretoken": token_of_the_skip_form()})
    assert response.status_code == 302  # not 403
