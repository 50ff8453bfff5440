"""Reminders, promises, who is due and today's outreach through the API: the follow-ups page's and
the dashboard's lists, and their actions, with errors naming the field."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from contacts.cadence import refresh_cadence
from contacts.models import Contact
from followups import services
from followups.models import Commitment, Reminder
from followups.sweep import run_sweep

from .api_helpers import token_client
from .factories import ClassificationFactory, ContactFactory, InteractionFactory
from .followup_factories import CommitmentFactory

NOW = datetime.datetime(2026, 6, 15, 16, 0, tzinfo=datetime.UTC)  # Monday, noon in New York
DUE = reverse("api:due")
REMINDERS = reverse("api:reminder-list")
PROMISES = reverse("api:promise-list")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def api(owner):
    services.set_time_zone(user=owner, time_zone="America/New_York")
    return token_client(owner)


def contact_due(owner, *, due_in_days, every_days=30, **fields):
    classification = ClassificationFactory(owner=owner, contact_every_days=every_days)
    contact = ContactFactory(owner=owner, classification=classification, **fields)
    Contact.objects.filter(pk=contact.pk).update(created_at=NOW + datetime.timedelta(days=due_in_days - every_days))
    refresh_cadence(Contact.objects.filter(pk=contact.pk))
    contact.refresh_from_db()
    return contact


def first_names(rows):
    return [row["contact"]["full_name"].split()[0] for row in rows]


@pytest.mark.django_db
class TestReminders:
    @pytest.fixture
    def reminders(self, owner, api):
        for name, days in [("Late", -3), ("Today", 0), ("Soon", 3)]:
            contact_due(owner, due_in_days=days, first_name=name)
        run_sweep()
        return {r.contact.first_name: r for r in Reminder.objects.select_related("contact")}

    def test_the_list_is_open_and_snoozed_earliest_first_cut_by_the_owners_day(self, api, reminders):
        services.snooze(reminder=reminders["Today"], until=NOW + datetime.timedelta(days=1))
        assert [row["contact_name"].split()[0] for row in api.get(REMINDERS).json()["results"]] == ["Late", "Today"]
        overdue = api.get(REMINDERS, {"due": "overdue"}).json()["results"]
        assert [row["contact_name"].split()[0] for row in overdue] == ["Late"]
        snoozed = api.get(REMINDERS, {"state": "snoozed"}).json()["results"]
        assert [row["id"] for row in snoozed] == [reminders["Today"].pk]

    def test_snooze_a_week_then_until_a_date_in_the_owners_zone(self, api, reminders):
        url = reverse("api:reminder-snooze", args=[reminders["Late"].pk])
        response = api.post(url, {"days": 7})
        assert response.status_code == 200 and response.json()["state"] == "snoozed"
        reminders["Late"].refresh_from_db()
        assert reminders["Late"].snoozed_until == NOW + datetime.timedelta(days=7)
        assert api.post(url, {"until": "2026-06-20"}).status_code == 200
        reminders["Late"].refresh_from_db()
        assert reminders["Late"].snoozed_until == datetime.datetime(2026, 6, 20, 4, 0, tzinfo=datetime.UTC)

    @pytest.mark.parametrize(
        "body, errors",
        [
            ({}, {"non_field_errors": ["Choose how long to snooze: 1 day, 1 week or a date."]}),
            ({"days": 3}, {"days": ['"3" is not a valid choice.']}),
            ({"until": "2026-06-15"}, {"until": ["Pick a date after today to snooze until."]}),
            ({"until": "someday"}, {"until": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}),
        ],
        ids=["nothing", "three days", "today", "not a date"],
    )
    def test_a_snooze_it_cannot_do_is_a_400_naming_the_field(self, api, reminders, body, errors):
        response = api.post(reverse("api:reminder-snooze", args=[reminders["Late"].pk]), body)
        assert response.status_code == 400 and response.json() == errors
        reminders["Late"].refresh_from_db()
        assert reminders["Late"].state == "open"

    def test_a_snooze_beyond_ten_years_is_refused(self, api, reminders):
        response = api.post(reverse("api:reminder-snooze", args=[reminders["Late"].pk]), {"until": "2040-01-01"})
        assert response.status_code == 400 and list(response.json()) == ["until"]

    def test_dismiss_is_not_raised_again_for_the_same_due_moment(self, api, reminders):
        response = api.post(reverse("api:reminder-dismiss", args=[reminders["Late"].pk]))
        assert response.status_code == 200 and response.json()["state"] == "dismissed"
        assert run_sweep().cadence_raised == 0

    def test_snoozing_a_handled_reminder_is_refused(self, api, reminders):
        services.dismiss(reminder=reminders["Late"])
        response = api.post(reverse("api:reminder-snooze", args=[reminders["Late"].pk]), {"days": 1})
        assert response.status_code == 400
        assert response.json() == {"non_field_errors": ["This reminder is already handled."]}


@pytest.mark.django_db
class TestPromises:
    def test_record_then_keep_closes_its_reminder(self, api, owner, frozen):
        contact = ContactFactory(owner=owner, first_name="Ada")
        response = api.post(PROMISES, {"contact": contact.pk, "description": "Send the deck", "due_on": "2026-06-17"})
        assert response.status_code == 201, response.json()
        promise = Commitment.objects.get()
        assert promise.due_at == datetime.datetime(2026, 6, 17, 4, 0, tzinfo=datetime.UTC)  # midnight in New York
        frozen.move_to(NOW + datetime.timedelta(days=2))
        run_sweep()
        assert Reminder.objects.get(commitment=promise).state == "open"
        kept = api.post(reverse("api:promise-keep", args=[promise.pk]))
        assert kept.status_code == 200 and kept.json()["state"] == "kept"
        assert Reminder.objects.get(commitment=promise).state == "done"

    def test_drop_dismisses_its_reminder(self, api, owner):
        promise = CommitmentFactory(contact=ContactFactory(owner=owner), due_on=NOW.date() - datetime.timedelta(days=1))
        run_sweep()
        assert api.post(reverse("api:promise-drop", args=[promise.pk])).json()["state"] == "dropped"
        assert Reminder.objects.get(commitment=promise).state == "dismissed"

    def test_a_promise_for_someone_elses_contact_or_a_past_date_is_refused(self, api, stranger):
        foreign = ContactFactory(owner=stranger)
        response = api.post(PROMISES, {"contact": foreign.pk, "description": "x", "due_on": "2026-06-01"})
        assert response.status_code == 400
        assert response.json() == {"contact": ["You have no contact with this id."]}
        mine = ContactFactory(owner=api.token.owner)
        response = api.post(PROMISES, {"contact": mine.pk, "description": "x", "due_on": "2026-06-01"})
        assert response.json() == {"due_on": ["That date has passed; when will you keep this promise?"]}
        assert not Commitment.objects.exists()

    def test_the_list_filters_by_state_and_due(self, api, owner):
        contact = ContactFactory(owner=owner)
        for description, days, state in [("late", -2, "open"), ("soon", 3, "open"), ("later", 20, "open"),
                                         ("done", -5, "kept")]:  # fmt: skip
            CommitmentFactory(contact=contact, description=description, due_on=NOW.date() + datetime.timedelta(days),
                              state=state)  # fmt: skip

        def listed(**params):
            return [row["description"] for row in api.get(PROMISES, params).json()["results"]]

        assert listed() == ["done", "late", "soon", "later"]
        assert listed(state="open", due="week") == ["late", "soon"]
        assert listed(state="open", due="overdue") == ["late"]
        assert api.get(PROMISES, {"due": "someday"}).json() == {"due": ['"someday" is not a valid choice.']}


@pytest.mark.django_db
class TestWhoIsDue:
    def test_the_sections_as_the_follow_ups_page_cuts_them(self, api, owner):
        contact_due(owner, due_in_days=-20, first_name="Overdue")  # past the maximum, 45 days for a 30-day frequency
        contact_due(owner, due_in_days=-3, first_name="Due")  # past the ideal, within the maximum
        contact_due(owner, due_in_days=0, first_name="Today")
        contact_due(owner, due_in_days=4, first_name="Friday")
        contact_due(owner, due_in_days=9, first_name="Later")
        run_sweep()
        overdue = api.get(DUE, {"section": "overdue"}).json()
        assert first_names(overdue["results"]) == ["Overdue"] and overdue["results"][0]["days_overdue"] == 20
        assert overdue["results"][0]["reminder"]["kind"] == "cadence"
        assert first_names(api.get(DUE, {"section": "today"}).json()["results"]) == ["Due", "Today"]
        week = api.get(DUE, {"section": "week"}).json()["results"]
        assert first_names(week) == ["Friday"] and week[0]["reminder"] is None  # not raised yet

    def test_a_row_says_what_to_say_and_where_you_left_off(self, api, owner):
        contact = contact_due(owner, due_in_days=-3, first_name="Grace")
        contact.classification.message_guidance = "Ask about the compiler."
        contact.classification.save()
        InteractionFactory(contact=contact, occurred_at=NOW - datetime.timedelta(days=60), summary="COBOL",
                           next_step="Send the paper")  # fmt: skip
        Contact.objects.filter(pk=contact.pk).update(next_due_at=NOW - datetime.timedelta(days=3))
        (row,) = api.get(DUE, {"section": "overdue"}).json()["results"]
        assert (row["guidance"], row["last_summary"], row["last_next_step"]) == (
            "Ask about the compiler.", "COBOL", "Send the paper")  # fmt: skip

    def test_25_at_a_time_with_a_next_link_to_the_rest(self, api, owner):
        for number in range(30):
            contact_due(owner, due_in_days=-16 - number, first_name=f"P{number:02d}")  # past the 45-day maximum
        first = api.get(DUE, {"section": "overdue"}).json()
        assert len(first["results"]) == 25 and first["remaining"] == 30
        rest = api.get(first["next"]).json()
        assert len(rest["results"]) == 5 and rest["remaining"] == 5 and rest["next"] is None
        shown = first_names(first["results"] + rest["results"])
        assert shown == [f"P{number:02d}" for number in range(29, -1, -1)]  # the most overdue first

    def test_a_classification_filter_and_errors_naming_the_parameter(self, api, owner, stranger):
        ada = contact_due(owner, due_in_days=-20, first_name="Ada")
        contact_due(owner, due_in_days=-20, first_name="Bob")
        params = {"section": "overdue", "classification": ada.classification_id}
        assert first_names(api.get(DUE, params).json()["results"]) == ["Ada"]
        foreign = ClassificationFactory(owner=stranger)
        assert api.get(DUE, {"section": "overdue", "classification": foreign.pk}).json() == {
            "classification": ["You have no classification with this id."]
        }
        assert list(api.get(DUE).json()) == ["section"]
        assert list(api.get(DUE, {"section": "overdue", "after": "garbage"}).json()) == ["after"]


@pytest.mark.django_db
class TestReachOutToday:
    def test_the_most_overdue_relative_to_frequency_first_with_what_to_say(self, api, owner):
        weekly = ClassificationFactory(owner=owner, name="Weekly", contact_every_days=7, message_guidance="Ask",
                                       preferred_channel="call")  # fmt: skip
        yearly = ClassificationFactory(owner=owner, name="Yearly", contact_every_days=365)
        for classification, days_ago, name in [(yearly, 375, "Yearly"), (weekly, 10, "Weekly"), (weekly, 3, "NotDue")]:
            contact = ContactFactory(owner=owner, classification=classification, first_name=name)
            InteractionFactory(contact=contact, occurred_at=NOW - datetime.timedelta(days=days_ago), summary="Lunch")
        body = api.get(reverse("api:outreach-today")).json()
        assert body["day"] == "2026-06-15"
        assert [row["full_name"].split()[0] for row in body["results"]] == ["Weekly", "Yearly"]
        first = body["results"][0]
        assert (first["days_overdue"], first["guidance"], first["preferred_channel"]) == (3, "Ask", "call")
        assert first["last_summary"] == "Lunch" and first["classification_name"] == "Weekly"
