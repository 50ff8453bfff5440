"""Important dates on the pages: the contact form's dates, the contact page, Settings, the
dashboard's "coming up" with the classification's guidance, the follow-ups page and the admin."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse

from contacts.models import Contact, Occasion
from contacts.services import add_occasion
from followups import services
from followups.models import Reminder
from followups.sweep import run_sweep

from .factories import ClassificationFactory, ContactFactory, UserFactory

NOW = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.UTC)
HOME = reverse("home")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def contact_form(**fields):
    return {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "occasions-TOTAL_FORMS": "1",
        "occasions-INITIAL_FORMS": "0",
        "occasions-MAX_NUM_FORMS": "20",
        **fields,
    }


@pytest.mark.django_db
class TestTheContactForm:
    def test_a_new_contact_is_saved_with_its_dates(self, owner_client, owner):
        response = owner_client.post(
            reverse("contacts:create"),
            contact_form(
                birthday="1985-12-06",
                **{
                    "occasions-0-kind": "work_anniversary",
                    "occasions-0-on": "2019-03-01",
                    "occasions-0-is_yearly": "on",
                },
            ),
        )
        contact = Contact.objects.get(first_name="Ada")
        assert response.status_code == 302
        occasion = contact.occasions.get()
        assert (occasion.title, occasion.on, occasion.is_yearly, occasion.owner) == (
            "Work anniversary",
            datetime.date(2019, 3, 1),
            True,
            owner,
        )

    def test_a_date_of_my_own_without_a_label_is_refused_on_its_field_and_nothing_is_saved(self, owner_client):
        response = owner_client.post(
            reverse("contacts:create"), contact_form(**{"occasions-0-kind": "other", "occasions-0-on": "2019-03-01"})
        )
        assert response.status_code == 200
        assert "Name this date" in response.content.decode()
        assert not Contact.objects.filter(first_name="Ada").exists()

    def test_an_impossible_date_is_refused_on_its_field(self, owner_client):
        response = owner_client.post(
            reverse("contacts:create"),
            contact_form(**{"occasions-0-kind": "met", "occasions-0-on": "2019-02-30"}),
        )
        assert "Enter a valid date" in response.content.decode()
        assert not Occasion.objects.exists()

    def test_the_empty_row_adds_nothing(self, owner_client):
        owner_client.post(reverse("contacts:create"), contact_form(**{"occasions-0-kind": "other"}))
        assert Contact.objects.filter(first_name="Ada").exists() and not Occasion.objects.exists()

    def test_editing_changes_and_removes_dates(self, owner_client, owner):
        contact = ContactFactory(owner=owner, first_name="Ada")
        met = add_occasion(contact=contact, kind="met", on=datetime.date(2015, 5, 5))
        wedding = add_occasion(contact=contact, label="Wedding day", on=datetime.date(2016, 6, 6))
        page = owner_client.get(reverse("contacts:edit", args=[contact.pk])).content.decode()
        assert 'value="2016-06-06"' in page and "Wedding day" in page
        owner_client.post(
            reverse("contacts:edit", args=[contact.pk]),
            {
                "first_name": "Ada",
                "occasions-TOTAL_FORMS": "3",
                "occasions-INITIAL_FORMS": "2",
                "occasions-0-id": met.pk,
                "occasions-0-kind": "met",
                "occasions-0-on": "2015-05-07",
                "occasions-0-is_yearly": "on",
                "occasions-1-id": wedding.pk,
                "occasions-1-kind": "other",
                "occasions-1-label": "Wedding day",
                "occasions-1-on": "2016-06-06",
                "occasions-1-DELETE": "on",
                "occasions-2-kind": "other",
            },
        )
        assert list(contact.occasions.values_list("kind", "on")) == [("met", datetime.date(2015, 5, 7))]

    def test_a_post_without_the_dates_leaves_them_as_they_are(self, owner_client, owner):
        contact = ContactFactory(owner=owner, first_name="Ada")
        add_occasion(contact=contact, kind="met", on=datetime.date(2015, 5, 5))
        response = owner_client.post(reverse("contacts:edit", args=[contact.pk]), {"first_name": "Ada B"})
        assert response.status_code == 302
        assert contact.occasions.count() == 1

    def test_another_users_date_cannot_be_edited_through_my_contact(self, owner_client, owner, stranger):
        mine = ContactFactory(owner=owner, first_name="Ada")
        theirs = add_occasion(contact=ContactFactory(owner=stranger), kind="met", on=datetime.date(2015, 5, 5))
        owner_client.post(
            reverse("contacts:edit", args=[mine.pk]),
            {"first_name": "Ada", "occasions-TOTAL_FORMS": "1", "occasions-INITIAL_FORMS": "1",
             "occasions-0-id": theirs.pk, "occasions-0-kind": "met", "occasions-0-on": "2020-01-01"},
        )  # fmt: skip
        theirs.refresh_from_db()
        assert theirs.on == datetime.date(2015, 5, 5) and theirs.contact.owner == stranger


@pytest.mark.django_db
def test_the_contact_page_shows_the_dates_and_a_birthday_without_its_unknown_year(owner_client, owner):
    contact = ContactFactory(owner=owner, birthday=datetime.date(1604, 3, 15))
    add_occasion(contact=contact, kind="work_anniversary", on=datetime.date(2019, 3, 1))
    add_occasion(contact=contact, label="Launch", on=datetime.date(2027, 1, 9), is_yearly=False)
    page = owner_client.get(contact.get_absolute_url()).content.decode()
    assert "15 March<" in page and "1604" not in page
    assert "Work anniversary" in page and "1 March 2019" in page
    assert "9 January 2027 (once)" in page


@pytest.mark.django_db
class TestTheSetting:
    def form(self, **changes):
        return {"time_zone": "UTC", "outreach_list_size": 5, "digest_enabled": "on", "digest_weekday": 0,
                "digest_hour": 8, "digest_size": 10, "date_reminder_days": 7, **changes}  # fmt: skip

    def test_seven_days_by_default(self, owner):
        assert services.preferences_for(owner).date_reminder_days == 7

    def test_the_settings_page_sets_it_from_0_to_60(self, owner_client, owner):
        owner_client.post(reverse("followups:preferences"), self.form(date_reminder_days=14))
        assert services.preferences_for(owner).date_reminder_days == 14
        response = owner_client.post(reverse("followups:preferences"), self.form(date_reminder_days=61))
        assert "Remind at most 60 days before." in response.content.decode()
        response = owner_client.post(reverse("followups:preferences"), self.form(date_reminder_days=-1))
        assert response.status_code == 200
        assert services.preferences_for(owner).date_reminder_days == 14


@pytest.mark.django_db
class TestComingUpOnTheDashboard:
    def raised_birthday(self, owner, **fields):
        classification = ClassificationFactory(owner=owner, message_guidance="Wish them well; ask about the family.")
        contact = ContactFactory(owner=owner, classification=classification, **fields)
        run_sweep()
        return contact, Reminder.objects.get(kind="date", contact=contact)

    def test_a_birthday_in_five_days_shows_with_the_classifications_guidance(self, owner_client, owner):
        self.raised_birthday(owner, first_name="Ada", birthday=datetime.date(1985, 12, 6))
        page = owner_client.get(HOME).content.decode()
        section = page[page.index('id="coming-up-heading"') :]
        assert "Ada" in section and "Birthday" in section and "(turns 41)" in section
        assert "Sun 6 Dec · in 5 days" in section
        assert "Wish them well; ask about the family." in section

    def test_a_work_anniversary_counts_its_years(self, owner_client, owner):
        contact = ContactFactory(owner=owner, first_name="Bo")
        add_occasion(contact=contact, kind="work_anniversary", on=datetime.date(2016, 12, 3))
        run_sweep()
        page = owner_client.get(HOME).content.decode()
        assert "Work anniversary</span> (10 years)" in page and "in 2 days" in page

    def test_dismissing_it_takes_it_off_and_the_sweep_does_not_bring_it_back(self, owner_client, owner):
        _, reminder = self.raised_birthday(owner, first_name="Ada", birthday=datetime.date(1985, 12, 6))
        response = owner_client.post(reverse("followups:dismiss", args=[reminder.pk]), {"next": "/"}, **HTMX)
        assert "Dismissed the reminder for" in response.content.decode()
        run_sweep()
        page = owner_client.get(HOME).content.decode()
        assert "No birthdays or other dates in the next days" in page

    def test_nothing_coming_up_says_how_far_ahead_reminders_come(self, owner_client, owner):
        ContactFactory(owner=owner)
        page = owner_client.get(HOME).content.decode()
        assert "you are reminded 7 days ahead" in page

    def test_another_users_dates_are_not_shown(self, owner_client, owner, stranger):
        ContactFactory(owner=owner)
        ContactFactory(owner=stranger, first_name="Zed", birthday=datetime.date(1985, 12, 6))
        run_sweep()
        page = owner_client.get(HOME).content.decode()
        assert "Zed" not in page


@pytest.mark.django_db
def test_the_follow_ups_page_shows_the_date_reminder_with_its_day(owner_client, owner):
    ContactFactory(owner=owner, first_name="Ada", birthday=datetime.date(1985, 12, 6))
    run_sweep()
    page = owner_client.get(reverse("followups:board")).content.decode()
    assert "Birthday · Sun 6 Dec" in page


@pytest.mark.django_db
def test_the_admin_edits_a_contacts_dates_as_an_inline_owned_by_the_contacts_owner(client):
    staff = UserFactory(username="staffer", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="contacts"))
    client.force_login(staff)
    contact = ContactFactory(owner=staff, first_name="Ada")
    change_page = client.get(reverse("admin:contacts_contact_change", args=[contact.pk])).content.decode()
    assert "occasions-TOTAL_FORMS" in change_page
    client.post(
        reverse("admin:contacts_contact_change", args=[contact.pk]),
        {"first_name": "Ada", "emails-TOTAL_FORMS": "0", "emails-INITIAL_FORMS": "0", "phones-TOTAL_FORMS": "0",
         "phones-INITIAL_FORMS": "0", "occasions-TOTAL_FORMS": "1", "occasions-INITIAL_FORMS": "0",
         "occasions-0-kind": "met", "occasions-0-on": "2015-05-05", "occasions-0-is_yearly": "on"},
    )  # fmt: skip
    assert list(Occasion.objects.values_list("contact", "owner", "kind")) == [(contact.pk, staff.pk, "met")]


@pytest.mark.django_db
def test_a_birthday_raised_days_ago_is_not_overdue_on_the_follow_ups_page(owner_client, owner, frozen):
    ContactFactory(owner=owner, first_name="Ada", birthday=datetime.date(1985, 12, 6))
    run_sweep()
    frozen.shift(datetime.timedelta(days=3))
    board = owner_client.get(reverse("followups:board")).context["board"]
    assert [row.contact.first_name for row in board.section("today").rows] == ["Ada"]
    assert board.section("overdue").rows == []
    page = owner_client.get(reverse("followups:board")).content.decode()
    assert "coming up" in page and "day overdue" not in page
