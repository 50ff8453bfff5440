"""Contacts, classifications, tags and interactions through the API: the contacts page's list
(search, filters, sort) and its rules for every write, with errors naming the field."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from contacts.cadence import refresh_cadence
from contacts.models import Contact, Tag
from contacts.services import log_interaction
from followups import services as followup_services
from followups.models import Reminder

from .api_helpers import token_client
from .factories import ClassificationFactory, ContactFactory, InteractionFactory, TagFactory
from .followup_factories import ReminderFactory

CONTACTS = reverse("api:contact-list")
PAGE = reverse("contacts:list")


def contact_url(contact) -> str:
    return reverse("api:contact-detail", args=[contact.pk])


@pytest.fixture
def api(owner):
    return token_client(owner)


@pytest.fixture
def network(owner):
    """30 contacts: two classifications, a tag on some, interactions that say things, due moments
    spread from long overdue to months ahead, some without a cadence."""
    monthly = ClassificationFactory(owner=owner, name="Clients", contact_every_days=30)
    yearly = ClassificationFactory(owner=owner, name="Friends", contact_every_days=365)
    investors = TagFactory(owner=owner, name="investors")
    now = timezone.now()
    for number in range(30):
        classification = [monthly, yearly, None][number % 3]
        contact = ContactFactory(
            owner=owner,
            first_name=f"Person{number:02d}",
            last_name=["Lovelace", "hopper", "Turing", ""][number % 4],
            company=["Engines", "", "Acme"][number % 3],
            classification=classification,
            notes="Met at the founders breakfast" if number % 5 == 0 else "",
        )
        if number % 4 == 0:
            contact.tags.add(investors)
        Contact.objects.filter(pk=contact.pk).update(created_at=now - datetime.timedelta(days=number * 7))
        if number % 2:
            log_interaction(
                contact=contact,
                occurred_at=now - datetime.timedelta(days=number * 3),
                summary="Talked about the seed round" if number % 3 == 1 else "Coffee",
            )
    refresh_cadence(Contact.objects.filter(owner=owner))
    return {"monthly": monthly, "yearly": yearly, "investors": investors}


def page_ids(client, params) -> list[int]:
    response = client.get(PAGE, params)
    assert response.status_code == 200
    return [contact.pk for contact in response.context["page"].object_list]


def api_ids(api, params) -> list[int]:
    response = api.get(CONTACTS, params)
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.django_db
class TestTheList:
    @pytest.mark.parametrize(
        "params",
        [
            {},
            {"page": "2"},
            {"q": "seed"},
            {"q": "founders break"},
            {"q": "lov"},
            {"status": "overdue"},
            {"status": "due_this_week"},
            {"status": "within_cadence", "sort": "-next_due"},
            {"status": "no_cadence", "sort": "company"},
            {"classification": "none", "sort": "-name"},
            {"sort": "last_contact"},
            {"sort": "-last_contact", "page": "2"},
            {"sort": "next_due"},
            {"sort": "-company"},
            {"q": "coffee", "sort": "relevance"},
        ],
        ids=lambda params: "&".join(f"{k}={v}" for k, v in params.items()) or "default",
    )
    def test_it_is_the_contacts_page_list(self, owner_client, api, network, params):
        assert api_ids(api, params) == page_ids(owner_client, params)

    def test_by_classification_and_tag_as_the_page(self, owner_client, api, network):
        params = {"classification": str(network["monthly"].pk), "tag": str(network["investors"].pk)}
        ids = api_ids(api, params)
        assert ids and ids == page_ids(owner_client, params)

    def test_it_is_paginated_with_a_count_and_links(self, api, network):
        first = api.get(CONTACTS).json()
        assert first["count"] == 30 and len(first["results"]) == 25 and first["previous"] is None
        second = api.get(first["next"]).json()
        assert len(second["results"]) == 5 and second["next"] is None
        assert len(api.get(CONTACTS, {"page_size": "100"}).json()["results"]) == 30

    def test_a_parameter_it_cannot_use_is_a_400_naming_it(self, api, network):
        response = api.get(CONTACTS, {"status": "late", "tag": "x"})
        assert response.status_code == 400
        assert set(response.json()) == {"status", "tag"}

    def test_a_page_past_the_end_is_a_404_in_json(self, api, network):
        response = api.get(CONTACTS, {"page": "9"})
        assert response.status_code == 404 and response.json() == {"detail": "Invalid page."}

    def test_status_is_cut_in_the_owners_time_zone_for_a_token_too(self, owner):
        followup_services.set_time_zone(user=owner, time_zone="Pacific/Auckland")
        weekly = ClassificationFactory(owner=owner, contact_every_days=7)
        now = datetime.datetime(2026, 12, 1, 20, 0, tzinfo=datetime.UTC)  # 09:00 on 2 December in Auckland
        with time_machine.travel(now, tick=False):
            today_there = ContactFactory(owner=owner, first_name="Today", classification=weekly)
            # Due 18:00 on 2 December in Auckland: today there, although tomorrow in UTC.
            due_at = datetime.datetime(2026, 12, 2, 5, 0, tzinfo=datetime.UTC)
            Contact.objects.filter(pk=today_there.pk).update(created_at=due_at - datetime.timedelta(days=7))
            refresh_cadence(Contact.objects.filter(pk=today_there.pk))
            api = token_client(owner)
            due = api.get(CONTACTS, {"status": "due"}).json()
            later_this_week = api.get(CONTACTS, {"status": "due_this_week"}).json()
        assert [row["first_name"] for row in due["results"]] == ["Today"]
        assert later_this_week["results"] == []
        assert due["results"][0]["next_due_at"] == "2026-12-02T18:00:00+13:00"  # shown in the owner's zone
        assert due["results"][0]["band"] == "due"  # in Auckland's calendar, as the status filter cut it

    def test_each_contact_says_its_band_as_the_contacts_page_filters_it(self, owner_client, api, owner):
        monthly = ClassificationFactory(owner=owner, contact_every_days=30)  # at most 45 days
        now = timezone.now()
        for name, days_ago in [("Overdue", 60), ("Due", 35), ("Fine", 3)]:
            contact = ContactFactory(owner=owner, first_name=name, classification=monthly)
            Contact.objects.filter(pk=contact.pk).update(created_at=now - datetime.timedelta(days=days_ago))
        ContactFactory(owner=owner, first_name="Unsorted", classification=None)
        refresh_cadence(Contact.objects.filter(owner=owner))
        rows = {row["first_name"]: row for row in api.get(CONTACTS).json()["results"]}
        assert {name: row["band"] for name, row in rows.items()} == {
            "Overdue": "overdue", "Due": "due", "Fine": "not_due", "Unsorted": "no_cadence"}  # fmt: skip
        assert rows["Overdue"]["overdue_at"] is not None and rows["Unsorted"]["overdue_at"] is None
        for band, status in [("overdue", "overdue"), ("due", "due")]:
            on_the_page = page_ids(owner_client, {"status": status})
            assert on_the_page == [row["id"] for row in rows.values() if row["band"] == band]


@pytest.mark.django_db
class TestContactWrites:
    def test_create_with_emails_phones_and_tags_in_one_write(self, api, owner, classification):
        TagFactory(owner=owner, name="Investors")
        response = api.post(
            CONTACTS,
            {
                "first_name": "Grace",
                "last_name": "Hopper",
                "classification": classification.pk,
                "emails": ["grace@example.com", "g@navy.example"],
                "phones": ["+1 555 0100"],
                "tags": ["investors", "navy"],
                "website_url": "https://grace.example",
            },
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["full_name"] == "Grace Hopper" and body["contact_every_days"] == 30
        assert body["emails"] == ["grace@example.com", "g@navy.example"] and body["phones"] == ["+1 555 0100"]
        assert sorted(body["tags"]) == ["Investors", "navy"]  # the existing tag, whatever its case
        contact = Contact.objects.get(pk=body["id"])
        assert contact.owner == owner and contact.next_due_at == contact.created_at + datetime.timedelta(days=30)
        assert Tag.objects.filter(owner=owner).count() == 2

    def test_a_tag_matched_in_any_case_the_database_folds_is_that_tag(self, api, owner):
        # Found by Schemathesis: Python lowercases "Â", PostgreSQL's C collation does not, so a lookup
        # by Python's lowercase missed the tag the unique constraint then found (a 500).
        TagFactory(owner=owner, name="wÂ")
        response = api.post(CONTACTS, {"first_name": "Ada", "tags": ["WÂ"]})
        assert response.status_code == 201, response.content
        assert response.json()["tags"] == ["wÂ"] and Tag.objects.filter(owner=owner).count() == 1

    def test_errors_name_the_field_and_nothing_is_written(self, api, owner):
        response = api.post(
            CONTACTS,
            {
                "first_name": "",
                "emails": ["ok@example.com", "not-an-address"],
                "contact_every_days_override": 0,
                "tags": ["a,b"],
            },
        )
        assert response.status_code == 400
        errors = response.json()
        # The JSON's types and lengths are checked first; the page form's rules (below) once those pass.
        assert set(errors) == {"first_name", "emails", "contact_every_days_override", "tags"}
        assert errors["emails"] == {"1": ["Enter a valid email address."]}
        assert errors["tags"] == {"0": ["A tag name cannot contain a comma."]}
        assert not Contact.objects.exists()

    def test_the_pages_own_rules_apply(self, api, owner, stranger):
        foreign = ClassificationFactory(owner=stranger)
        response = api.post(CONTACTS, {"first_name": "Ada", "phones": ["call me"], "classification": foreign.pk})
        assert response.status_code == 400
        assert response.json() == {
            "classification": ["Select a valid choice. That choice is not one of the available choices."],
            "phones": ["Line 1: “call me” has no digits; is it a phone number?"],
        }

    def test_a_partial_update_changes_only_what_it_names(self, api, contact):
        contact.tags.add(TagFactory(owner=contact.owner, name="vip"))
        response = api.patch(contact_url(contact), {"company": "Analytical Engines", "contact_every_days_override": 7})
        assert response.status_code == 200, response.json()
        contact.refresh_from_db()
        assert contact.company == "Analytical Engines" and contact.first_name == "Ada"
        assert [tag.name for tag in contact.tags.all()] == ["vip"]
        assert contact.next_due_at == contact.created_at + datetime.timedelta(days=7)  # the cadence moved
        assert response.json()["next_due_at"] is not None

    def test_a_full_update_needs_the_first_name(self, api, contact):
        response = api.put(contact_url(contact), {"company": "X"})
        assert response.status_code == 400 and response.json() == {"first_name": ["This field is required."]}

    def test_delete_takes_the_contacts_history_with_it(self, api, contact):
        InteractionFactory(contact=contact)
        ReminderFactory(contact=contact)
        assert api.delete(contact_url(contact)).status_code == 204
        assert not Contact.objects.exists() and not Reminder.objects.exists()

    def test_a_malformed_body_is_a_400_in_json(self, api):
        response = api.generic("POST", CONTACTS, "{not json", content_type="application/json")
        assert response.status_code == 400 and "JSON parse error" in response.json()["detail"]


@pytest.mark.django_db
class TestClassificationsAndTags:
    def test_a_new_classification_goes_last_with_its_count(self, api, owner, classification):
        response = api.post(reverse("api:classification-list"), {"name": "Prospects", "contact_every_days": 21})
        assert response.status_code == 201, response.json()
        assert response.json()["display_order"] == 1 and response.json()["contact_count"] == 0
        listed = api.get(reverse("api:classification-list")).json()
        assert [row["name"] for row in listed] == ["Clients", "Prospects"]

    def test_classifications_and_purposes_with_their_counts_come_in_the_users_order(self, api, owner, owner_client):
        """Counting groups the rows, and PostgreSQL then returns them in any order it likes
        unless asked: the order the user set is asked for, on the API, the list and the plan."""
        from strategy.models import Purpose

        names = ["Emeritus", "Dormant", "Clients", "Board", "Allies"]  # created last-to-first in the plan
        for position, name in enumerate(names):
            ClassificationFactory(owner=owner, name=name, display_order=len(names) - position)
        listed = [row["name"] for row in api.get(reverse("api:classification-list")).json()]
        assert listed == list(reversed(names))
        for name in ("Zeta hiring", "Alpha sales"):
            Purpose.objects.create(owner=owner, name=name)
        html = owner_client.get(reverse("contacts:list")).content.decode()
        assert html.index("Alpha sales") < html.index("Zeta hiring")
        assert html.index(">Allies (0)<") < html.index(">Board (0)<") < html.index(">Emeritus (0)<")

    def test_a_taken_name_is_refused_in_any_case(self, api, classification):
        response = api.post(reverse("api:classification-list"), {"name": "clients"})
        assert response.status_code == 400
        assert response.json() == {"name": ["You already have a classification called “clients”."]}

    def test_a_new_frequency_moves_its_contacts_due_moments(self, api, contact, classification):
        url = reverse("api:classification-detail", args=[classification.pk])
        assert api.patch(url, {"contact_every_days": 10}).status_code == 200
        contact.refresh_from_db()
        assert contact.next_due_at == contact.created_at + datetime.timedelta(days=10)

    def test_deleting_one_moves_its_contacts_where_asked(self, api, owner, contact, classification):
        elsewhere = ClassificationFactory(owner=owner, name="Elsewhere", contact_every_days=7)
        url = reverse("api:classification-detail", args=[classification.pk])
        assert api.delete(f"{url}?move_contacts_to={elsewhere.pk}").status_code == 204
        contact.refresh_from_db()
        assert contact.classification == elsewhere

    def test_moving_its_contacts_to_someone_elses_classification_is_refused(self, api, stranger, contact):
        foreign = ClassificationFactory(owner=stranger)
        url = reverse("api:classification-detail", args=[contact.classification_id])
        response = api.delete(f"{url}?move_contacts_to={foreign.pk}")
        assert response.status_code == 400 and list(response.json()) == ["move_contacts_to"]
        contact.refresh_from_db()
        assert contact.classification_id is not None

    def test_a_tag_named_as_an_existing_one_is_that_tag(self, api, owner):
        first = api.post(reverse("api:tag-list"), {"name": "Investors"})
        again = api.post(reverse("api:tag-list"), {"name": "investors"})
        assert (first.status_code, again.status_code) == (201, 200)
        assert first.json()["id"] == again.json()["id"] and Tag.objects.count() == 1

    def test_renaming_a_tag_to_a_taken_name_is_refused(self, api, owner):
        TagFactory(owner=owner, name="vip")
        other = TagFactory(owner=owner, name="friends")
        response = api.patch(reverse("api:tag-detail", args=[other.pk]), {"name": "VIP"})
        assert response.status_code == 400 and response.json() == {"name": ["You already have a tag called “VIP”."]}

    def test_deleting_a_tag_keeps_its_contacts(self, api, contact):
        tag = TagFactory(owner=contact.owner, name="vip")
        contact.tags.add(tag)
        assert api.get(reverse("api:tag-list")).json()["results"][0]["contact_count"] == 1
        assert api.delete(reverse("api:tag-detail", args=[tag.pk])).status_code == 204
        assert Contact.objects.filter(pk=contact.pk).exists() and not contact.tags.exists()


@pytest.mark.django_db
class TestInteractions:
    def test_logging_one_settles_the_open_reminder_and_moves_the_cadence(self, api, contact):
        reminder = ReminderFactory(contact=contact)
        response = api.post(
            reverse("api:contact-interactions", args=[contact.pk]),
            {"kind": "call", "summary": "Caught up on the launch", "next_step": "Send the deck"},
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        reminder.refresh_from_db()
        contact.refresh_from_db()
        assert reminder.state == Reminder.State.DONE and reminder.resolved_by_id == body["id"]
        assert body["settled_reminders"] == [reminder.pk]
        assert contact.next_due_at == contact.last_interaction_at + datetime.timedelta(days=30)
        assert datetime.datetime.fromisoformat(body["contact"]["next_due_at"]) == contact.next_due_at

    def test_without_a_kind_it_is_the_classifications_channel_as_the_page_prefills(self, api, owner):
        by_email = ContactFactory(
            owner=owner, classification=ClassificationFactory(owner=owner, preferred_channel="email")
        )
        unclassified = ContactFactory(owner=owner, classification=None)
        for contact, kind in [(by_email, "email"), (unclassified, "meeting")]:
            response = api.post(reverse("api:contact-interactions", args=[contact.pk]), {"summary": "Hello"})
            assert response.status_code == 201 and response.json()["kind"] == kind

    def test_one_a_day_ahead_or_more_is_refused_naming_the_field(self, api, contact):
        tomorrow = (timezone.now() + datetime.timedelta(days=2)).isoformat()
        response = api.post(
            reverse("api:contact-interactions", args=[contact.pk]), {"summary": "Plan", "occurred_at": tomorrow}
        )
        assert response.status_code == 400
        assert response.json() == {
            "occurred_at": ["An interaction cannot be in the future; plan it as a promise instead."]
        }
        assert not contact.interactions.exists()

    def test_a_half_told_contribution_is_refused(self, api, contact):
        response = api.post(
            reverse("api:contact-interactions", args=[contact.pk]),
            {"summary": "Intro", "contribution_direction": "given"},
        )
        assert response.status_code == 400
        assert response.json() == {"contribution_kind": ["Say what kind of contribution this was."]}

    def test_the_list_is_the_contacts_newest_first(self, api, contact):
        now = timezone.now()
        for days_ago, summary in [(30, "Old"), (1, "New"), (10, "Middle")]:
            log_interaction(contact=contact, occurred_at=now - datetime.timedelta(days=days_ago), summary=summary)
        InteractionFactory(summary="Someone else's")
        rows = api.get(reverse("api:contact-interactions", args=[contact.pk])).json()["results"]
        assert [row["summary"] for row in rows] == ["New", "Middle", "Old"]

    def test_editing_ones_date_moves_the_cadence_and_deleting_it_moves_it_back(self, api, contact):
        now = timezone.now()
        old = log_interaction(contact=contact, occurred_at=now - datetime.timedelta(days=20), summary="Old")
        new = log_interaction(contact=contact, occurred_at=now - datetime.timedelta(days=5), summary="New")
        earlier = (now - datetime.timedelta(days=40)).isoformat()
        edited = api.patch(reverse("api:interaction-detail", args=[new.pk]), {"occurred_at": earlier})
        assert edited.status_code == 200, edited.json()
        contact.refresh_from_db()
        assert contact.last_interaction_at == old.occurred_at
        assert api.delete(reverse("api:interaction-detail", args=[old.pk])).status_code == 204
        contact.refresh_from_db()
        assert contact.last_interaction_at == now - datetime.timedelta(days=40)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path, detail",
    [
        ("/api/v1/contact/", "No such API endpoint; see /api/docs/."),
        ("/api/v1/contacts/ada/", "No such API endpoint; see /api/docs/."),
        ("/api/v1/contacts", "No such API endpoint; API addresses end with a slash: /api/v1/contacts/"),
    ],
    ids=["typo", "not an id", "no slash"],
)
def test_an_address_the_api_does_not_have_is_a_404_in_json(api, path, detail):
    response = api.get(path)
    assert response.status_code == 404 and response.json() == {"detail": detail}
