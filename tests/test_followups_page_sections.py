"""The follow-ups page at a real network's size: 25 rows a section with its count and "show more"
(htmx, or a plain link), a classification filter, counts that follow in-place actions, and the
same queries for 10 or 5,000 people due."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from contacts.models import Contact
from followups.models import Commitment, Reminder
from followups.sweep import run_sweep

from .factories import ClassificationFactory, ContactFactory
from .followup_factories import bulk_due_contacts

NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)  # a Monday
BOARD = reverse("followups:board")
HTMX = {"HTTP_HX_REQUEST": "true"}


def on_page(url=BOARD):
    """The headers htmx sends from a page (django-htmx reads the page's URL from HX-Current-URL)."""
    return {**HTMX, "HTTP_HX_CURRENT_URL": f"http://testserver{url}"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def overdue(owner, count, *, classification=None, first_name="Late"):
    """``count`` contacts overdue by 1 to ``count`` hours past a day, reminded by the sweep (their
    classification allows no gap beyond its frequency: at most 30 days)."""
    classification = classification or ClassificationFactory(
        owner=owner, name="Clients", contact_every_days=30, contact_at_most_days=30
    )
    moments = [NOW - datetime.timedelta(days=1, hours=count - index) for index in range(count)]
    contacts = bulk_due_contacts(owner, classification=classification, due_at=moments, first_name=first_name)
    run_sweep()
    return contacts


def names(rows):
    return [row.contact.first_name for row in rows]


def more_link(html, section):
    match = re.search(rf'id="{section}-more"[^>]*>\s*<a[^>]*href="([^"#]+)', html)
    return match and match.group(1).replace("&amp;", "&")


def count_badge(html, section):
    return re.search(rf'id="{section}-count"[^>]*>([\d,]+)<', html).group(1)


@pytest.mark.django_db
class TestShowMore:
    def test_a_section_shows_25_rows_with_its_count(self, owner_client, owner):
        overdue(owner, 60)
        response = owner_client.get(BOARD)
        section = response.context["board"].section("overdue")
        assert section.total == 60
        assert names(section.rows) == [f"Late{index:05d}" for index in range(25)]  # the earliest due first
        html = response.content.decode()
        assert count_badge(html, "overdue") == "60"
        assert html.count('<li class="list-group-item py-3"') == 25
        assert "Show 25 more" in html

    def test_show_more_with_htmx_returns_the_next_rows_and_a_new_link(self, owner_client, owner):
        overdue(owner, 60)
        page = owner_client.get(BOARD).content.decode()
        second = owner_client.get(more_link(page, "overdue"), **on_page())
        assert second.status_code == 200
        body = second.content.decode()
        assert "<html" not in body
        assert names(second.context["section"].rows) == [f"Late{index:05d}" for index in range(25, 50)]
        assert 'id="overdue-more" data-hx-swap-oob="true"' in body  # the link moves on
        assert "Show 10 more" in body
        third = owner_client.get(more_link(body, "overdue"), **on_page())
        assert names(third.context["section"].rows) == [f"Late{index:05d}" for index in range(50, 60)]
        assert more_link(third.content.decode(), "overdue") is None  # the end: no link left
        assert "HX-Request" in second["Vary"]

    def test_the_plain_link_works_without_javascript(self, owner_client, owner):
        overdue(owner, 60)
        link = more_link(owner_client.get(BOARD).content.decode(), "overdue")
        assert "section=overdue" in link
        response = owner_client.get(link)
        html = response.content.decode()
        assert "<html" in html
        assert names(response.context["board"].section("overdue").rows) == [f"Late{i:05d}" for i in range(25, 50)]
        assert "26–50 of 60" in html
        assert count_badge(html, "overdue") == "60"  # the section's count, not what is left

    def test_rows_acted_on_above_do_not_make_the_next_ones_skip(self, owner_client, owner):
        overdue(owner, 30)
        page = owner_client.get(BOARD)
        first_rows = page.context["board"].section("overdue").rows
        for row in first_rows[:3]:
            owner_client.post(reverse("followups:dismiss", args=[row.reminder.pk]), **on_page())
        more = owner_client.get(more_link(page.content.decode(), "overdue"), **on_page())
        assert names(more.context["section"].rows) == [f"Late{index:05d}" for index in range(25, 30)]

    @pytest.mark.parametrize(
        "query",
        ["section=overdue&after=garbage", "section=nowhere&after=1.2.r3", "after=1.2.r3", "section=overdue&after=9" * 3,
         "section=promises&after=99999999999999999.1.p1", "page=2&section=week"],
    )  # fmt: skip
    def test_a_broken_show_more_link_shows_the_first_rows_never_an_error(self, owner_client, owner, query):
        overdue(owner, 30)
        for headers in ({}, HTMX):
            response = owner_client.get(f"{BOARD}?{query}", **headers)
            assert response.status_code == 200

    def test_promises_and_this_week_are_paged_too(self, owner_client, owner):
        clients = ClassificationFactory(owner=owner, contact_every_days=30)
        soon = [NOW + datetime.timedelta(days=2, minutes=index) for index in range(30)]
        contacts = bulk_due_contacts(owner, classification=clients, due_at=soon, first_name="Soon")
        Commitment.objects.bulk_create(
            [Commitment(owner=owner, contact=contact, description=f"Promise {index:02d}",
                        due_on=datetime.date(2026, 6, 20), due_at=datetime.datetime(2026, 6, 20, tzinfo=datetime.UTC))
             for index, contact in enumerate(contacts)]
        )  # fmt: skip
        board = owner_client.get(BOARD).context["board"]
        assert (board.section("week").total, len(board.section("week").rows)) == (30, 25)
        assert (board.section("promises").total, len(board.section("promises").rows)) == (30, 25)
        html = owner_client.get(BOARD).content.decode()
        more = owner_client.get(more_link(html, "promises"), **on_page())
        assert [promise.description for promise in more.context["section"].rows] == [
            f"Promise {index:02d}" for index in range(25, 30)
        ]
        assert "Kept" in more.content.decode()


@pytest.mark.django_db
class TestClassificationFilter:
    @pytest.fixture
    def network(self, owner):
        clients = ClassificationFactory(owner=owner, name="Clients", contact_every_days=30, contact_at_most_days=30)
        friends = ClassificationFactory(owner=owner, name="Friends", contact_every_days=90, contact_at_most_days=90)
        overdue(owner, 3, classification=clients, first_name="Client")
        overdue(owner, 2, classification=friends, first_name="Friend")
        loner = ContactFactory(owner=owner, classification=None, first_name="Loner", contact_every_days_override=7)
        Contact.objects.filter(pk=loner.pk).update(next_due_at=NOW + datetime.timedelta(days=2))
        return {"clients": clients, "friends": friends}

    def test_filtering_by_a_classification_shows_only_its_rows_and_counts(self, owner_client, network):
        response = owner_client.get(f"{BOARD}?classification={network['clients'].pk}")
        board = response.context["board"]
        assert names(board.section("overdue").rows) == ["Client00000", "Client00001", "Client00002"]
        assert board.counts == {"overdue": 3, "today": 0, "week": 0, "snoozed": 0, "promises": 0}
        html = response.content.decode()
        assert f'<option value="{network["clients"].pk}" selected>Clients</option>' in html
        assert 'Follow-ups <span class="text-body-secondary">· Clients</span>' in html

    def test_not_classified_is_a_filter_too(self, owner_client, network):
        board = owner_client.get(f"{BOARD}?classification=none").context["board"]
        assert names(board.section("week").rows) == ["Loner"]
        assert board.counts["overdue"] == 0

    def test_show_more_and_row_forms_keep_the_filter(self, owner_client, owner, network):
        overdue(owner, 30, classification=network["friends"], first_name="More")
        url = f"{BOARD}?classification={network['friends'].pk}"
        html = owner_client.get(url).content.decode()
        link = more_link(html, "overdue")
        assert f"classification={network['friends'].pk}" in link
        more = owner_client.get(link, **on_page(url))
        assert {row.contact.classification_id for row in more.context["section"].rows} == {network["friends"].pk}
        assert f'name="next" value="{BOARD}?classification={network["friends"].pk}"' in html

    @pytest.mark.parametrize("value", ["", "abc", "99999999", "-1", "1.5", "none'--", "strangers"])
    def test_a_bad_classification_is_ignored_never_an_error(self, owner_client, network, stranger, value):
        if value == "strangers":
            value = str(ClassificationFactory(owner=stranger, name="Their clients").pk)
        response = owner_client.get(f"{BOARD}?classification={value}")
        assert response.status_code == 200
        board = response.context["board"]
        assert not board.query.is_filtered
        assert board.counts["overdue"] == 5 and board.counts["week"] == 1
        assert "Their clients" not in response.content.decode()

    def test_an_empty_filtered_page_says_so_and_offers_everything(self, owner_client, owner, network):
        quiet = ClassificationFactory(owner=owner, name="Quiet", contact_every_days=365)
        html = owner_client.get(f"{BOARD}?classification={quiet.pk}").content.decode()
        assert "Nothing to follow up here" in html and "Show all follow-ups" in html


@pytest.mark.django_db
class TestCountsFollowActions:
    @pytest.fixture
    def rows(self, owner):
        overdue(owner, 4)
        return list(Reminder.objects.filter(owner=owner).order_by("due_at"))

    def oob_counts(self, response):
        return dict(re.findall(r'id="(\w+)-count" data-hx-swap-oob="true">([\d,]+)<', response.content.decode()))

    def test_snoozing_a_row_moves_it_between_the_counts(self, owner_client, rows):
        response = owner_client.post(reverse("followups:snooze", args=[rows[0].pk]), {"days": "7"}, **on_page())
        assert "Snoozed" in response.content.decode()
        assert self.oob_counts(response) == {"overdue": "3", "today": "0", "week": "0", "snoozed": "1", "promises": "0"}

    def test_dismissing_and_logging_lower_the_count(self, owner_client, rows):
        dismissed = owner_client.post(reverse("followups:dismiss", args=[rows[0].pk]), **on_page())
        assert self.oob_counts(dismissed)["overdue"] == "3"
        url = reverse("followups:log_interaction", args=[rows[1].contact_id])
        form = {"occurred_at": "2026-06-15T11:00", "kind": "call", "summary": "Hi"}
        logged = owner_client.post(url, form, **on_page())
        assert "Logged: Hi" in logged.content.decode()
        assert self.oob_counts(logged)["overdue"] == "2"

    def test_the_counts_follow_the_pages_filter(self, owner_client, owner, rows):
        friends = ClassificationFactory(owner=owner, name="Friends", contact_every_days=90, contact_at_most_days=90)
        overdue(owner, 2, classification=friends, first_name="Friend")
        page = f"{BOARD}?classification={friends.pk}"
        friend = Reminder.objects.filter(contact__classification=friends).first()
        response = owner_client.post(reverse("followups:dismiss", args=[friend.pk]), **on_page(page))
        assert self.oob_counts(response)["overdue"] == "1"

    def test_an_action_from_another_page_sends_no_counts(self, owner_client, rows):
        response = owner_client.post(
            reverse("followups:dismiss", args=[rows[0].pk]), **on_page(reverse("contacts:list"))
        )
        assert self.oob_counts(response) == {}


def build_board(owner, size):
    """``size`` people at every stage of the page: overdue (reminded; at most 30 days, so 2 days
    late is overdue), due later today, due this week, snoozed, and owed a promise."""
    clients = ClassificationFactory(owner=owner, name="Clients", contact_every_days=30, contact_at_most_days=30)
    late = [NOW - datetime.timedelta(days=2, minutes=index) for index in range(size * 4 // 10)]
    bulk_due_contacts(owner, classification=clients, due_at=late, first_name="Late")
    run_sweep()
    today = [NOW + datetime.timedelta(hours=1, seconds=index) for index in range(size // 10)]
    bulk_due_contacts(owner, classification=clients, due_at=today, first_name="Today")
    week = [NOW + datetime.timedelta(days=3, seconds=index) for index in range(size * 3 // 10)]
    contacts = bulk_due_contacts(owner, classification=clients, due_at=week, first_name="Week")
    snoozing = Reminder.objects.filter(owner=owner).values("pk")[: size // 10]
    Reminder.objects.filter(pk__in=snoozing).update(state="snoozed", snoozed_until=NOW + datetime.timedelta(days=3))
    Commitment.objects.bulk_create(
        [Commitment(owner=owner, contact=contact, description="Send the deck", due_on=datetime.date(2026, 6, 19),
                    due_at=datetime.datetime(2026, 6, 19, tzinfo=datetime.UTC)) for contact in contacts[: size // 10]]
    )  # fmt: skip


# session, user, classifications (the filter), every section's rows and counts, then the rows
# shown: reminders, contacts, promises
BOARD_QUERIES = 7


@pytest.mark.django_db
@pytest.mark.parametrize("size", [10, 5000])
def test_the_page_runs_the_same_queries_for_10_and_5000_people_due(
    owner_client, owner, size, django_assert_num_queries
):
    build_board(owner, size)
    # The first page of a session caches the time zone (a light one: the dashboard of a network
    # just written, planned before autovacuum's statistics, is not what this test is about).
    owner_client.get(reverse("password_change"))
    with django_assert_num_queries(BOARD_QUERIES):
        response = owner_client.get(BOARD)
    board = response.context["board"]
    assert board.counts == {"overdue": size * 3 // 10, "today": size // 10, "week": size * 3 // 10,
                            "snoozed": size // 10, "promises": size // 10}  # fmt: skip
    assert all(len(section.rows) == min(section.total, 25) for section in board.sections)
    link = more_link(response.content.decode(), "week")
    if size > 250:
        with django_assert_num_queries(5):  # session, user, classifications, the section's rows, its contacts
            assert len(owner_client.get(link, **HTMX).context["section"].rows) == 25
