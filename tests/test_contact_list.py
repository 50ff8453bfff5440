"""The contacts list as a user drives it: sort, status filter, search into what was said."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from contacts.cadence import refresh_cadence
from contacts.models import Contact
from contacts.services import log_interaction
from followups import services as followup_services

from .factories import ClassificationFactory, ContactFactory, TagFactory

LIST = reverse("contacts:list")


def person(**fields) -> Contact:
    """A contact without Faker's company (surnames: they would be searched too)."""
    return ContactFactory(company="", **fields)


def names(client, **params) -> list[str]:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return [contact.first_name for contact in response.context["page"].object_list]


@pytest.mark.django_db
class TestSort:
    @pytest.fixture
    def people(self, owner):
        monthly = ClassificationFactory(owner=owner, contact_every_days=30)
        now = timezone.now()
        people = {}
        for first, last, company, met_days_ago in [
            ("Ada", "Lovelace", "Engines", 40),
            ("Grace", "Hopper", "", 5),
            ("Alan", "turing", "Bletchley", None),
            ("Cher", "", "Acme", 20),
        ]:
            people[first] = ContactFactory(
                owner=owner, first_name=first, last_name=last, company=company, classification=monthly
            )
            if met_days_ago is not None:
                log_interaction(
                    contact=people[first], occurred_at=now - datetime.timedelta(days=met_days_ago), summary="Chat"
                )
        people["Nobody"] = ContactFactory(
            owner=owner, first_name="Nobody", last_name="Zed", company="", classification=None
        )
        Contact.objects.filter(owner=owner).update(created_at=now - datetime.timedelta(days=90))
        refresh_cadence(Contact.objects.filter(owner=owner))
        return people

    def test_by_name_both_ways_last_name_first_in_any_case(self, owner_client, people):
        assert names(owner_client) == ["Cher", "Grace", "Ada", "Alan", "Nobody"]
        assert names(owner_client, sort="-name") == ["Nobody", "Alan", "Ada", "Grace", "Cher"]

    def test_by_company_with_the_empty_ones_last_both_ways(self, owner_client, people):
        assert names(owner_client, sort="company")[:3] == ["Cher", "Alan", "Ada"]
        assert names(owner_client, sort="-company")[:3] == ["Ada", "Alan", "Cher"]
        assert names(owner_client, sort="company")[-2:] == names(owner_client, sort="-company")[-2:]

    def test_by_last_contact_longest_ago_starts_with_the_never_contacted(self, owner_client, people):
        assert names(owner_client, sort="last_contact") == ["Alan", "Nobody", "Ada", "Cher", "Grace"]
        assert names(owner_client, sort="-last_contact") == ["Grace", "Cher", "Ada", "Alan", "Nobody"]

    def test_by_next_due_with_no_cadence_last_both_ways(self, owner_client, people):
        # Alan was never met: due 30 days after he was added (60 days ago), the most overdue.
        assert names(owner_client, sort="next_due") == ["Alan", "Ada", "Cher", "Grace", "Nobody"]
        assert names(owner_client, sort="-next_due") == ["Grace", "Cher", "Ada", "Alan", "Nobody"]

    def test_the_sort_is_kept_in_the_url_across_pages_and_filters(self, owner_client, owner):
        ContactFactory.create_batch(30, owner=owner, company="Same Co")
        html = owner_client.get(LIST, {"q": "same", "sort": "-company"}).content.decode()
        assert "?q=same&amp;sort=-company&page=2" in html  # the next page
        assert '<option value="-company" selected>' in html  # the filter form sends it again
        assert "?q=same&amp;sort=company" in html  # the company header turns it round

    def test_the_sorted_column_says_so_to_screen_readers(self, owner_client, people):
        html = owner_client.get(LIST, {"sort": "-last_contact"}).content.decode()
        assert 'aria-sort="descending"><a class="sort-link" href="?sort=last_contact"' in html
        assert html.count("aria-sort=") == 1

    def test_an_unknown_sort_is_by_name(self, owner_client, people):
        assert names(owner_client, sort="password") == names(owner_client)


@pytest.mark.django_db
class TestStatusFilter:
    # 20:00 UTC on 1 December is 09:00 on 2 December in Auckland (UTC+13).
    NOW = datetime.datetime(2026, 12, 1, 20, 0, tzinfo=datetime.UTC)

    def due_at(self, owner, first_name, moment):
        weekly = ClassificationFactory(owner=owner, contact_every_days=7)
        contact = ContactFactory(owner=owner, first_name=first_name, classification=weekly)
        Contact.objects.filter(pk=contact.pk).update(created_at=moment - datetime.timedelta(days=7))
        refresh_cadence(Contact.objects.filter(pk=contact.pk))

    def test_overdue_due_this_week_within_cadence_and_no_cadence_in_the_users_zone(self, owner_client, owner):
        followup_services.set_time_zone(user=owner, time_zone="Pacific/Auckland")
        with time_machine.travel(self.NOW, tick=False):
            # 23:30 on 1 December in Auckland: yesterday there (in UTC it would still be today).
            self.due_at(owner, "Late", datetime.datetime(2026, 12, 1, 10, 30, tzinfo=datetime.UTC))
            self.due_at(owner, "Today", datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.UTC))
            self.due_at(owner, "Sunday", datetime.datetime(2026, 12, 6, 12, 0, tzinfo=datetime.UTC))
            self.due_at(owner, "Later", datetime.datetime(2026, 12, 20, 12, 0, tzinfo=datetime.UTC))
            ContactFactory(owner=owner, first_name="Never", classification=None)
            # A weekly group allows 11 days: "Late" is due (yesterday there), not yet overdue.
            self.due_at(owner, "Gone", datetime.datetime(2026, 11, 27, 10, 30, tzinfo=datetime.UTC))
            assert names(owner_client, status="overdue") == ["Gone"]
            assert set(names(owner_client, status="due")) == {"Late", "Today"}
            assert names(owner_client, status="due_this_week") == ["Sunday"]
            assert names(owner_client, status="within_cadence") == ["Later"]
            assert names(owner_client, status="no_cadence") == ["Never"]
            html = owner_client.get(LIST).content.decode()
        assert '<option value="overdue">Overdue (1)</option>' in html
        assert '<option value="due">Due (2)</option>' in html
        assert '<option value="due_this_week">Due later this week (1)</option>' in html

    def test_status_combines_with_classification_and_tag(self, owner_client, owner):
        clients = ClassificationFactory(owner=owner, contact_every_days=30)
        vip = TagFactory(owner=owner, name="vip")
        for first_name, tagged in [("Old vip", True), ("Old", False)]:
            contact = ContactFactory(owner=owner, first_name=first_name, classification=clients)
            if tagged:
                contact.tags.add(vip)
        Contact.objects.filter(owner=owner).update(created_at=timezone.now() - datetime.timedelta(days=50))
        refresh_cadence(Contact.objects.filter(owner=owner))
        ContactFactory(owner=owner, first_name="New vip", classification=clients).tags.add(vip)
        assert names(owner_client, status="overdue", classification=clients.pk, tag=vip.pk) == ["Old vip"]


@pytest.mark.django_db
class TestSearch:
    def test_finds_notes_summaries_and_next_steps(self, owner_client, owner):
        person(owner=owner, first_name="Noted", notes="Loves sailing in Brittany")
        said = person(owner=owner, first_name="Said")
        log_interaction(contact=said, summary="Coffee about the product launch", next_step="Send the pitch deck")
        person(owner=owner, first_name="Other", notes="Nothing to see")
        assert names(owner_client, q="sailing") == ["Noted"]
        assert names(owner_client, q="launch") == ["Said"]
        assert names(owner_client, q="deck") == ["Said"]

    def test_every_word_must_be_found_somewhere_in_the_record(self, owner_client, owner):
        said = person(owner=owner, first_name="Ada", last_name="Lovelace")
        log_interaction(contact=said, summary="Talked about engines")
        person(owner=owner, first_name="Ada", last_name="Other")
        assert names(owner_client, q="ada engines") == ["Ada"]
        assert names(owner_client, q="ada pottery") == []

    def test_a_word_start_finds_the_word(self, owner_client, owner):
        person(owner=owner, first_name="Ada", last_name="Lovelace")
        assert names(owner_client, q="lovel") == ["Ada"]

    def test_the_best_match_comes_first(self, owner_client, owner):
        person(owner=owner, first_name="Aaron", last_name="Abbot", notes="Met through Sailor Jones")
        person(owner=owner, first_name="Zoe", last_name="Sailor")
        assert names(owner_client, q="sailor") == ["Zoe", "Aaron"]
        assert names(owner_client, q="sailor", sort="name") == ["Aaron", "Zoe"]

    def test_another_users_interactions_do_not_make_a_match(self, owner_client, owner, stranger):
        mine = person(owner=owner, first_name="Mine")
        theirs = person(owner=stranger, first_name="Theirs")
        log_interaction(contact=theirs, summary="Secret acquisition talks")
        log_interaction(contact=mine, summary="Lunch")
        assert names(owner_client, q="acquisition") == []

    @pytest.mark.parametrize("typed", ["'", "&|!():*", "a & b", "\\", "’’", "-- ;", "x" * 300, "%", "_"])
    def test_any_typed_text_is_a_search_not_an_error(self, owner_client, owner, typed):
        person(owner=owner, first_name="Ada")
        response = owner_client.get(LIST, {"q": typed})
        assert response.status_code == 200

    def test_punctuation_still_matches_an_email(self, owner_client, owner):
        from .factories import ContactEmailFactory

        ContactEmailFactory(contact=person(owner=owner, first_name="Mail"), address="ada@analytical.example")
        assert names(owner_client, q="@analytical") == ["Mail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"classification": "²"},
        {"tag": "²"},
        {"classification": "99999999999999999999999"},
        {"tag": "-1"},
        {"status": "late"},
        {"q": "nul\x00byte"},
        {"page": "zzz"},
        {"sort": "-"},
    ],
)
def test_a_hand_edited_url_is_ignored_not_an_error(owner_client, owner, params):
    ContactFactory(owner=owner, first_name="Ada")
    response = owner_client.get(LIST, params)
    assert response.status_code == 200
    assert [c.first_name for c in response.context["page"].object_list] == ["Ada"]


@pytest.mark.django_db
def test_a_purposes_list_sorts_and_filters_too_but_offers_ticking_only(owner_client, owner):
    from strategy.models import Purpose

    customers = Purpose.objects.create(owner=owner, name="Customers")
    for first_name in ("Bea", "Cal", "Abe"):
        customers.contacts.add(ContactFactory(owner=owner, first_name=first_name, last_name=first_name))
    ContactFactory(owner=owner, first_name="Outside")
    response = owner_client.get(reverse("strategy:purpose_contacts", args=[customers.pk]), {"sort": "-name"})
    assert [c.first_name for c in response.context["page"].object_list] == ["Cal", "Bea", "Abe"]
    html = response.content.decode()
    assert 'name="contact"' in html and "Select all" not in html  # the bulk view cannot narrow by purpose


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Auckland", "America/Los_Angeles", "Asia/Kolkata"])
def test_the_rows_machine_readable_moments_read_as_djangos_date_filter_writes_them(zone):
    import zoneinfo

    from django.template import Context, Template

    ours = Template("{% load contact_list_tags %}{{ moment|machine_moment }}")
    djangos = Template("{{ moment|date:'Y-m-d\\TH:i:sO' }}")
    moments = [datetime.datetime(2026, month, 1, 23, 30, 5, tzinfo=datetime.UTC) for month in (1, 3, 4, 7, 10, 12)]
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        for moment in moments:
            written = ours.render(Context({"moment": moment}))
            assert written == djangos.render(Context({"moment": moment}))
            assert datetime.datetime.strptime(written, "%Y-%m-%dT%H:%M:%S%z") == moment
        assert ours.render(Context({"moment": None})) == ""
