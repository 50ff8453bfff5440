"""The contact list, a search, a bulk reclassify of everyone and the contact page cost the same
number of queries at 10 contacts and at 5,000."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contacts.cadence import refresh_cadence
from contacts.models import Contact, ContactEmail, Interaction
from contacts.selectors import TIMELINE_LENGTH
from followups.introductions import services as followup_introductions

from .bulk_rows import Sql, insert_select, series
from .factories import ClassificationFactory, InteractionFactory, TagFactory, UserFactory

SIZES = [10, 5000]


def build_network(owner, size):
    """``size`` contacts, each with an email, a tag and an interaction: one INSERT … SELECT per table."""
    clients, friends, _other = (ClassificationFactory(owner=owner, contact_every_days=days) for days in (30, 90, 7))
    tag = TagFactory(owner=owner, name="founders")
    added = timezone.now() - datetime.timedelta(days=60)
    numbers, count = series(size)
    insert_select(
        Contact, source=numbers, params=count, owner=owner, first_name=Sql("'Person' || n"),
        last_name=Sql("'Family' || (n %% 97)"), company=Sql("'Company ' || (n %% 13)"),
        notes=Sql("CASE WHEN n %% 2 = 1 THEN 'Met at the spring conference' ELSE '' END"),
        classification=Sql(f"CASE WHEN n %% 3 = 0 THEN {friends.pk} ELSE {clients.pk} END"), created_at=added,
    )  # fmt: skip
    theirs = "contacts_contact c WHERE c.owner_id = %s ORDER BY c.id"
    insert_select(ContactEmail, source=theirs, params=[owner.pk], contact=Sql("c.id"),
                  address=Sql("'person' || c.id || '@example.org'"))  # fmt: skip
    insert_select(Contact.tags.through, source=theirs, params=[owner.pk], contact=Sql("c.id"), tag=tag)
    insert_select(Interaction, source=theirs, params=[owner.pk], owner=owner, contact=Sql("c.id"), occurred_at=added,
                  summary="Coffee about the product launch")  # fmt: skip
    refresh_cadence(Contact.objects.filter(owner=owner))
    return list(Contact.objects.filter(owner=owner).order_by("pk"))


# session, user, status counts, count, page of contacts (with each row's tags and emails: contacts.page_rows),
# classifications, tags, purposes
LIST_QUERIES = 8
# the same but the count: an unfiltered list is counted by the status counts' query
UNFILTERED_LIST_QUERIES = LIST_QUERIES - 1
# the same but the count, which a search reads with its page of matches
SEARCH_QUERIES = LIST_QUERIES - 1
# the bulk POST: session, user, the owner's classifications (the form's choices), savepoint, owners of the
# selection, the UPDATE, refresh_cadence (owners, UPDATE), release (the message goes in a cookie)
RECLASSIFY_QUERIES = 9
# session, user, the contact (with its classification, introducer, tags, emails, phones, important dates and
# newest interactions: contacts.page_statement), the follow-ups card (open reminders and promises:
# followups.selectors.open_items_for_contact), the strategy card (purposes, venues and events to pick where you
# met, where you met: strategy.selectors.contact_card); the ledger balance is counted from the interactions
# shown while they are all of them. The contact's own row says whether they introduced you to anyone.
DETAIL_QUERIES_NOBODY_INTRODUCED = 5
# and the people they introduced you to
DETAIL_QUERIES_SOME_INTRODUCED = DETAIL_QUERIES_NOBODY_INTRODUCED + 1
# and, some interactions shown being introductions, those introductions with both their people
DETAIL_QUERIES = DETAIL_QUERIES_SOME_INTRODUCED + 1
# more interactions than the page shows: the ledger balance is asked of the database
DETAIL_QUERIES_LONG_TIMELINE = DETAIL_QUERIES + 1


@pytest.fixture
def warm_client(owner_client):
    owner_client.get(reverse("home"))  # the first page of a session caches the time zone
    return owner_client


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
def test_contact_list_queries_do_not_grow(warm_client, owner, size, django_assert_num_queries):
    build_network(owner, size)
    with django_assert_num_queries(LIST_QUERIES):
        response = warm_client.get(reverse("contacts:list"), {"sort": "-next_due", "status": "overdue"})
    assert response.context["page"].paginator.count == len([n for n in range(size) if n % 3])  # the monthly ones


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
def test_the_unfiltered_list_is_counted_with_its_statuses(warm_client, owner, size, django_assert_num_queries):
    build_network(owner, size)
    with django_assert_num_queries(UNFILTERED_LIST_QUERIES):
        response = warm_client.get(reverse("contacts:list"), {"sort": "company", "page": "2"})
    page = response.context["page"]
    assert page.paginator.count == size
    assert page.number == (2 if size > 25 else 1)
    assert f"{size:,}" in response.content.decode()  # the heading's count


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
def test_a_search_into_what_was_said_costs_the_same(warm_client, owner, size, django_assert_num_queries):
    build_network(owner, size)
    with django_assert_num_queries(SEARCH_QUERIES):
        response = warm_client.get(reverse("contacts:list"), {"q": "launch conference"})
    assert response.context["page"].paginator.count == size // 2
    assert response.context["sort"] == "relevance"


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
def test_reclassifying_everyone_costs_the_same(warm_client, owner, size, django_assert_num_queries):
    build_network(owner, size)
    target = ClassificationFactory(owner=owner, name="Everyone", contact_every_days=14)
    with django_assert_num_queries(RECLASSIFY_QUERIES):
        data = {"action": "set_classification", "select_all": "on", "to_classification": target.pk}
        response = warm_client.post(reverse("contacts:bulk"), data)
    assert response.status_code == 302
    assert Contact.objects.filter(owner=owner, classification=target).count() == size
    first = Contact.objects.get(pk=Contact.objects.filter(owner=owner).order_by("pk").values("pk")[:1])
    assert first.next_due_at == first.last_interaction_at + datetime.timedelta(days=14)


@pytest.mark.django_db
@pytest.mark.parametrize("size", [10, 500])
def test_contact_page_queries_do_not_grow(warm_client, owner, size, django_assert_num_queries):
    contacts = build_network(owner, size)
    for _ in range(size // 10):
        InteractionFactory(contact=contacts[0])
    for other in contacts[1 : 1 + size // 10]:  # people they introduced you to; introductions made
        followup_introductions.introduce(contact=contacts[0], introduced_to=other)
    Contact.objects.filter(pk__in=[c.pk for c in contacts[1 : 1 + size // 10]]).update(introduced_by=contacts[0])
    shown = min(contacts[0].interactions.count(), TIMELINE_LENGTH)
    long_timeline = contacts[0].interactions.count() >= TIMELINE_LENGTH
    with django_assert_num_queries(DETAIL_QUERIES_LONG_TIMELINE if long_timeline else DETAIL_QUERIES):
        response = warm_client.get(contacts[0].get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["interactions"]) == shown


@pytest.mark.django_db
@pytest.mark.parametrize("size", [10, 500])
def test_a_contact_who_introduced_nobody_costs_one_query_less(warm_client, owner, size, django_assert_num_queries):
    contacts = build_network(owner, size)
    Contact.objects.filter(pk__in=[c.pk for c in contacts[2:]]).update(introduced_by=contacts[1])
    with django_assert_num_queries(DETAIL_QUERIES_NOBODY_INTRODUCED):
        response = warm_client.get(contacts[0].get_absolute_url())
    assert response.context["introduced"] == [] and response.context["introduced_count"] == 0
    with django_assert_num_queries(DETAIL_QUERIES_SOME_INTRODUCED):
        response = warm_client.get(contacts[1].get_absolute_url())
    assert response.context["introduced_count"] == size - 2


def bulk_post(client, owner, action):
    extra = {
        "set_classification": lambda: {"to_classification": ClassificationFactory(owner=owner).pk},
        "add_tag": lambda: {"tag_name": "new-tag"},
        "remove_tag": lambda: {"tag_name": "founders"},
        "set_frequency": lambda: {"every_days": "21"},
        "add_to_week_plan": dict,
        "delete": lambda: {"confirmed": "on", "expected_count": Contact.objects.filter(owner=owner).count()},
    }[action]()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("contacts:bulk"), {"action": action, "select_all": "on", **extra})
    assert response.status_code == 302, response.content.decode()[:500]
    return [query["sql"] for query in queries.captured_queries]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "action", ["set_classification", "add_tag", "remove_tag", "set_frequency", "add_to_week_plan", "delete"]
)
def test_every_bulk_action_on_everyone_is_set_based(client, action):
    """The same statements for 10 contacts as for 5,000, and never more than one write of a kind
    per table (plus the one cadence refresh; a delete also nulls each SET_NULL reference once)."""
    statements = {}
    for size in SIZES:
        owner = UserFactory(username=f"owner{size}")
        build_network(owner, size)
        client.force_login(owner)
        # The first page of a session caches the time zone; a light one: the dashboard of a network
        # just written, before autovacuum's statistics, is not what this test is about.
        client.get(reverse("password_change"))
        statements[size] = bulk_post(client, owner, action)
    assert len(statements[10]) == len(statements[5000]), statements
    writes = [sql.split(" WHERE ")[0] for sql in statements[5000] if sql.startswith(("UPDATE", "INSERT", "DELETE"))]
    writes = [sql for sql in writes if "django_session" not in sql]
    cadence_refresh = [sql for sql in writes if 'SET "last_interaction_id" = (SELECT' in sql]
    assert len(cadence_refresh) <= 1
    # A write's kind: its verb, table and (for an UPDATE) the column it sets, so nulling two
    # references of one table (a contact's last interaction and its introducer) are two kinds.
    kinds = [
        (sql.split()[0], sql.split('"')[1], sql.split('"')[3] if sql.startswith("UPDATE") else "")
        for sql in writes
        if sql not in cadence_refresh
    ]
    assert len(kinds) == len(set(kinds)), writes
