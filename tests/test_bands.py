"""Ideal and maximum interval: a contact is due from its frequency and overdue past its "at most"
interval (default 1.5 times the frequency); every page shows the band in words and ranks the
overdue first."""

import datetime
import re

import pytest
import time_machine
from django.apps import apps as live_apps
from django.urls import reverse

from contacts import services
from contacts.bands import Band, band_of
from contacts.cadence import refresh_cadence
from contacts.models import Contact
from contacts.selectors import StatusBounds
from followups import services as followup_services
from followups.dashboard.selectors import todays_outreach
from followups.digest.content import build_digest, render_digest
from followups.digest.plan import top_contacts
from followups.selectors import Day

from .factories import ClassificationFactory, ContactFactory, InteractionFactory
from .import_helpers import import_file

NOW = datetime.datetime(2026, 6, 17, 12, 0, tzinfo=datetime.UTC)  # a Wednesday; the owner's zone is UTC


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def last_seen(owner, classification, *, days_ago, first_name="Person", **fields):
    contact = ContactFactory(owner=owner, classification=classification, first_name=first_name, **fields)
    InteractionFactory(contact=contact, occurred_at=NOW - datetime.timedelta(days=days_ago))
    refresh_cadence(Contact.objects.filter(pk=contact.pk))
    contact.refresh_from_db()
    return contact


def gap_days(contact, field):
    return (getattr(contact, field) - contact.last_interaction_at) / datetime.timedelta(days=1)


@pytest.mark.django_db
class TestTheMaximum:
    def test_by_default_it_is_one_and_a_half_times_the_frequency_rounded_up(self, owner):
        for every_days, at_most in [(30, 45), (7, 11), (1, 2), (365, 548)]:
            contact = last_seen(owner, ClassificationFactory(owner=owner, contact_every_days=every_days), days_ago=0)
            assert (gap_days(contact, "next_due_at"), gap_days(contact, "overdue_at")) == (every_days, at_most)

    def test_a_classification_sets_its_own(self, owner):
        clients = ClassificationFactory(owner=owner, contact_every_days=30, contact_at_most_days=40)
        assert gap_days(last_seen(owner, clients, days_ago=0), "overdue_at") == 40

    def test_an_override_with_both_wins(self, owner):
        clients = ClassificationFactory(owner=owner, contact_every_days=30, contact_at_most_days=40)
        contact = last_seen(
            owner, clients, days_ago=0, contact_every_days_override=10, contact_at_most_days_override=12
        )
        assert (gap_days(contact, "next_due_at"), gap_days(contact, "overdue_at")) == (10, 12)

    def test_an_override_of_only_the_frequency_gets_one_and_a_half_times_it(self, owner):
        clients = ClassificationFactory(owner=owner, contact_every_days=30, contact_at_most_days=40)
        contact = last_seen(owner, clients, days_ago=0, contact_every_days_override=10)
        assert gap_days(contact, "overdue_at") == 15

    def test_changing_a_classifications_maximum_moves_its_contacts_overdue_moment(self, owner):
        clients = ClassificationFactory(owner=owner, contact_every_days=30)
        contact = last_seen(owner, clients, days_ago=0)
        clients.contact_at_most_days = 60
        services.save_classification(classification=clients)
        contact.refresh_from_db()
        assert gap_days(contact, "overdue_at") == 60

    def test_an_import_into_a_classification_stores_the_maximum(self, owner_client, owner):
        clients = ClassificationFactory(owner=owner, contact_every_days=30, contact_at_most_days=40)
        vcard = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\nEND:VCARD\r\n"
        import_file(owner_client, vcard, "ada.vcf", classification=clients)
        contact = Contact.objects.get(first_name="Ada")
        assert gap_days_from_creation(contact, "overdue_at") == 40

    def test_the_bulk_own_frequency_action_sets_one_and_a_half_times_it(self, owner_client, owner):
        clients = ClassificationFactory(owner=owner, contact_every_days=30)
        contact = last_seen(owner, clients, days_ago=0, contact_at_most_days_override=100)
        owner_client.post(
            reverse("contacts:bulk"), {"action": "set_frequency", "contact": [contact.pk], "every_days": 10}
        )
        contact.refresh_from_db()
        assert (contact.contact_at_most_days_override, gap_days(contact, "overdue_at")) == (None, 15)

    def test_no_frequency_no_maximum(self, owner):
        contact = last_seen(owner, ClassificationFactory(owner=owner, contact_every_days=None), days_ago=3)
        assert (contact.next_due_at, contact.overdue_at) == (None, None)

    def test_the_data_migration_fills_existing_contacts(self, owner):
        from importlib import import_module

        migration = import_module("contacts.migrations.0009_overdue_band")
        contact = last_seen(owner, ClassificationFactory(owner=owner, contact_every_days=30), days_ago=2)
        Contact.objects.update(overdue_at=None)
        migration.fill_overdue_at(live_apps, None)
        contact.refresh_from_db()
        assert gap_days(contact, "overdue_at") == 45


@pytest.mark.django_db
class TestTheForms:
    def test_the_classification_form_sets_the_maximum_and_refuses_one_below_the_frequency(self, owner_client, owner):
        url = reverse("contacts:classification_create")
        response = owner_client.post(url, {"name": "Clients", "contact_every_days": 30, "contact_at_most_days": 20})
        assert response.status_code == 200
        assert "“At most” cannot be shorter than the frequency (30 days)." in response.content.decode()
        owner_client.post(url, {"name": "Clients", "contact_every_days": 30, "contact_at_most_days": 50})
        assert owner.classifications.get().contact_at_most_days == 50

    def test_the_contact_form_sets_both_and_refuses_a_maximum_below_the_frequency(self, owner_client, owner):
        clients = ClassificationFactory(owner=owner, contact_every_days=30)
        form = {"first_name": "Ada", "classification": clients.pk, "contact_every_days_override": 10}
        refused = owner_client.post(reverse("contacts:create"), {**form, "contact_at_most_days_override": 5})
        assert "“At most” cannot be shorter than the frequency (10 days)." in refused.content.decode()
        assert not Contact.objects.exists()
        owner_client.post(reverse("contacts:create"), {**form, "contact_at_most_days_override": 14})
        contact = Contact.objects.get()
        assert (gap_days_from_creation(contact, "next_due_at"), gap_days_from_creation(contact, "overdue_at")) == (
            10,
            14,
        )
        page = owner_client.get(contact.get_absolute_url()).content.decode()
        assert "every 10 days, at most 14 (own)" in page


def gap_days_from_creation(contact, field):
    return (getattr(contact, field) - contact.created_at) / datetime.timedelta(days=1)


class TestTheBoundaries:
    """The rule on its own, at the edges of the user's days (contacts.bands)."""

    IDEAL = datetime.datetime(2026, 6, 17, 9, 30, tzinfo=datetime.UTC)
    MAXIMUM = datetime.datetime(2026, 7, 2, 9, 30, tzinfo=datetime.UTC)  # 45 days after the last contact

    def band_at(self, moment):
        return band_of(next_due_at=self.IDEAL, overdue_at=self.MAXIMUM, day=StatusBounds.of(moment, datetime.UTC))

    def test_due_from_the_ideals_day_and_exactly_at_it(self):
        assert self.band_at(datetime.datetime(2026, 6, 16, 23, 59, 59, tzinfo=datetime.UTC)) == Band.NOT_DUE
        assert self.band_at(datetime.datetime(2026, 6, 17, 0, 0, tzinfo=datetime.UTC)) == Band.DUE
        assert self.band_at(self.IDEAL) == Band.DUE

    def test_the_maximums_last_day_is_still_due_the_next_is_overdue(self):
        assert self.band_at(self.MAXIMUM) == Band.DUE
        assert self.band_at(datetime.datetime(2026, 7, 2, 23, 59, 59, 999999, tzinfo=datetime.UTC)) == Band.DUE
        assert self.band_at(datetime.datetime(2026, 7, 3, 0, 0, tzinfo=datetime.UTC)) == Band.OVERDUE

    def test_the_day_is_the_users(self):
        # 23:30 UTC on 2 July is already 3 July in Auckland: overdue there, due in London.
        moment = datetime.datetime(2026, 7, 2, 13, 0, tzinfo=datetime.UTC)
        from zoneinfo import ZoneInfo

        day = StatusBounds.of(moment, ZoneInfo("Pacific/Auckland"))
        assert band_of(next_due_at=self.IDEAL, overdue_at=self.MAXIMUM, day=day) == Band.OVERDUE
        day = StatusBounds.of(moment, ZoneInfo("Europe/London"))
        assert band_of(next_due_at=self.IDEAL, overdue_at=self.MAXIMUM, day=day) == Band.DUE

    def test_no_cadence(self):
        assert band_of(next_due_at=None, overdue_at=None, day=StatusBounds.of(NOW)) == Band.NO_CADENCE


def statuses(client, status):
    response = client.get(reverse("contacts:list"), {"status": status})
    return sorted(contact.first_name for contact in response.context["page"].object_list)


@pytest.fixture
def three_bands(owner):
    """A weekly group (at most 11 days): one seen 12 days ago (overdue), one 8 days ago (due),
    one 7 days ago this morning (due today, exactly at the ideal), one 3 days ago (not due)."""
    weekly = ClassificationFactory(owner=owner, name="Weekly", contact_every_days=7)
    return {
        "Over": last_seen(owner, weekly, days_ago=12, first_name="Over", last_name="Band"),
        "Due": last_seen(owner, weekly, days_ago=8, first_name="Due", last_name="Band"),
        "Exact": last_seen(owner, weekly, days_ago=7, first_name="Exact", last_name="Band"),
        "Fine": last_seen(owner, weekly, days_ago=3, first_name="Fine", last_name="Band"),
    }


@pytest.mark.django_db
class TestPagesShowTheBand:
    def test_the_status_filter_cuts_at_the_maximum_and_the_ideal(self, owner_client, three_bands):
        assert statuses(owner_client, "overdue") == ["Over"]
        assert statuses(owner_client, "due") == ["Due", "Exact"]
        assert statuses(owner_client, "due_this_week") == ["Fine"]

    def test_the_contacts_list_says_the_band_in_words(self, owner_client, three_bands):
        html = owner_client.get(reverse("contacts:list")).content.decode()
        assert re.findall(r'data-band="(\w+)">(\w+)<', html) == [("due", "Due"), ("due", "Due"), ("overdue", "Overdue")]

    def test_the_contact_page_says_the_band(self, owner_client, three_bands):
        html = owner_client.get(three_bands["Over"].get_absolute_url()).content.decode()
        assert '<span class="band band-overdue" data-band="overdue">Overdue</span>' in html
        html = owner_client.get(three_bands["Fine"].get_absolute_url()).content.decode()
        assert '<span class="band band-not_due" data-band="not_due">Not due yet</span>' in html

    def test_the_follow_ups_page_puts_the_overdue_in_their_own_section(self, owner_client, three_bands):
        board = owner_client.get(reverse("followups:board")).context["board"]
        assert [row.contact.first_name for row in board.section("overdue").rows] == ["Over"]
        assert [row.contact.first_name for row in board.section("today").rows] == ["Due", "Exact"]
        assert [row.band for row in board.section("today").rows] == [Band.DUE, Band.DUE]


@pytest.fixture
def overdue_with_a_smaller_share(owner):
    """Relative to its frequency, "Roomy" is further behind (20 days late on 10, share 2), but its
    group allows 30 days; "Strict" is 2 days late on 10 (share 0.2) and its group allows 11: overdue."""
    roomy = ClassificationFactory(owner=owner, name="Roomy", contact_every_days=10, contact_at_most_days=30,
                                  display_order=0)  # fmt: skip
    strict = ClassificationFactory(owner=owner, name="Strict", contact_every_days=10, contact_at_most_days=11,
                                   display_order=1)  # fmt: skip
    last_seen(owner, roomy, days_ago=30, first_name="Roomy")
    last_seen(owner, strict, days_ago=12, first_name="Strict")


@pytest.mark.django_db
class TestOverdueComeFirst:
    def test_on_the_dashboard(self, owner, overdue_with_a_smaller_share):
        ranked = todays_outreach(owner=owner, day=Day.of(NOW, datetime.UTC), size=5)
        assert [contact.first_name for contact in ranked] == ["Strict", "Roomy"]

    def test_on_the_dashboard_an_own_maximum_is_not_cut_off_with_its_classification(self, owner):
        roomy = ClassificationFactory(owner=owner, name="Roomy", contact_every_days=10, contact_at_most_days=30)
        for index in range(3):
            last_seen(owner, roomy, days_ago=15, first_name=f"Roomy{index}")  # 5 days late: due
        last_seen(owner, roomy, days_ago=12, first_name="Strict", contact_at_most_days_override=11)  # overdue
        ranked = todays_outreach(owner=owner, day=Day.of(NOW, datetime.UTC), size=2)
        assert [contact.first_name for contact in ranked] == ["Strict", "Roomy0"]

    def test_in_the_digest_with_the_band_in_words(self, owner, overdue_with_a_smaller_share):
        digest = build_digest(owner=owner, preferences=followup_services.preferences_for(owner))
        rows = [row for group in digest.groups for row in group.rows]
        assert [(row.name.split()[0], row.band_label) for row in rows] == [("Roomy", "Due"), ("Strict", "Overdue")]
        text, html = render_digest(digest)
        assert "* [Overdue] Strict" in text and "* [Due] Roomy" in text
        assert '<span class="band band-overdue">Overdue</span>' in html

    def test_in_the_digests_plan_before_the_groups_are_made(self, owner, overdue_with_a_smaller_share):
        day = Day.of(NOW, datetime.UTC)
        chosen = top_contacts(owner_ids=[owner.pk], day=day)[owner.pk]
        assert [row["first_name"] for row in chosen] == ["Strict", "Roomy"]
