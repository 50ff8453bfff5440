"""The weekly digest is a plan, not a dump: the user's most pressing people (their setting), ranked
as the dashboard ranks them and grouped by classification, everyone else counted with a link, and
a small email whatever the size of the network."""

import datetime
import json
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from contacts.models import Contact
from followups import services
from followups.dashboard.selectors import Day, todays_outreach
from followups.digest import jobs as digest_jobs
from followups.digest.content import build_digest, render_digest
from followups.digest.schedule import claim_due_digests
from followups.digest.snapshot import DigestContent
from followups.models import Commitment, DigestLog, Reminder, WeekPlanEntry
from followups.sweep import run_sweep

from .factories import ClassificationFactory, ContactFactory, UserFactory
from .followup_factories import bulk_due_contacts
from .test_digest import DIGEST_BUILD_QUERIES

NOW = datetime.datetime(2026, 6, 15, 9, 0, tzinfo=datetime.UTC)  # a Monday, after the 08:00 slot


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def a_user(username="ada", *, digest_size=None):
    user = UserFactory(username=username)
    preferences = services.preferences_for(user)
    if digest_size:
        preferences.digest_size = digest_size
        services.save_preferences(preferences=preferences)
    return user


def late(user, classification, *, days, count=1, first_name="Late"):
    """``count`` contacts ``days`` days past due."""
    moments = [NOW - datetime.timedelta(days=days, seconds=index) for index in range(count)]
    return bulk_due_contacts(user, classification=classification, due_at=moments, first_name=first_name,
                             summary=f"Talked {days} days ago", next_step="Send the deck")  # fmt: skip


def named(content):
    return [row.name for group in content.groups for row in group.rows]


@pytest.fixture
def network():
    """Weekly, monthly and yearly people, late by different shares of their frequency."""
    user = a_user(digest_size=5)
    inner = ClassificationFactory(owner=user, name="Inner circle", contact_every_days=7, display_order=0,
                                  message_guidance="Ask how the launch went")  # fmt: skip
    clients = ClassificationFactory(owner=user, name="Clients", contact_every_days=30, display_order=1)
    yearly = ClassificationFactory(owner=user, name="Old friends", contact_every_days=365, display_order=2)
    late(user, inner, days=1, count=3, first_name="Inner")  # 1/7 of a cadence late
    late(user, clients, days=20, count=4, first_name="Client")  # 2/3 late
    late(user, yearly, days=30, count=23, first_name="Friend")  # 1/12 late
    return {"user": user, "inner": inner, "clients": clients, "yearly": yearly}


@pytest.mark.django_db
class TestThePlan:
    def test_it_names_the_top_people_ranked_as_the_dashboard_ranks_them(self, network):
        user = network["user"]
        content = build_digest(owner=user, preferences=services.preferences_for(user))
        dashboard = todays_outreach(owner=user, day=Day.of(NOW, datetime.UTC), size=5)
        assert sorted(named(content)) == sorted(contact.full_name for contact in dashboard)
        assert [group.name for group in content.groups] == ["Inner circle", "Clients"]  # the plan's order
        for group in content.groups:  # within a group, the dashboard's order
            ranked = [c.full_name for c in dashboard if c.full_name in {row.name for row in group.rows}]
            assert [row.name for row in group.rows] == ranked
        # 4 of 4 Clients (2/3 of a cadence late) and the latest Inner circle (1/7), in the plan's order
        assert named(content) == [f"{name} Bulk" for name in ("Inner00002", "Client00003", "Client00002",
                                                              "Client00001", "Client00000")]  # fmt: skip

    def test_each_person_comes_with_what_to_say_and_what_was_said(self, network):
        user = network["user"]
        _, html = render_digest(build_digest(owner=user, preferences=services.preferences_for(user)))
        assert "What to say: Ask how the launch went" in html
        assert "Talked 20 days ago" in html and "Send the deck" in html

    def test_everyone_else_due_is_counted_per_classification_with_a_link(self, network, client):
        user = network["user"]
        content = build_digest(owner=user, preferences=services.preferences_for(user))
        assert [line.text for line in content.more_due] == [
            "and 2 more Inner circle are due",
            "23 Old friends are due",
        ]
        assert content.due_total == 30
        link = content.more_due[1].url
        assert link.endswith(f"/followups/?classification={network['yearly'].pk}")
        client.force_login(user)
        board = client.get(urlsplit(link).path + "?" + urlsplit(link).query).context["board"]
        assert board.query.classification == network["yearly"]
        assert board.counts["today"] == 23  # due: 30 days past a yearly ideal is well within its maximum

    def test_unclassified_people_have_their_line_and_link(self, network):
        user = network["user"]
        loner = ContactFactory(owner=user, classification=None, contact_every_days_override=7)
        Contact.objects.filter(pk=loner.pk).update(next_due_at=NOW + datetime.timedelta(days=3))
        content = build_digest(owner=user, preferences=services.preferences_for(user))
        assert content.more_due[-1].text == "1 people without a classification is due"
        assert content.more_due[-1].url.endswith("/followups/?classification=none")

    def test_snoozed_and_dismissed_people_are_left_out_of_the_plan(self, network):
        user = network["user"]
        run_sweep()
        first, second = Reminder.objects.filter(contact__classification=network["clients"]).order_by("pk")[:2]
        services.snooze(reminder=first, until=NOW + datetime.timedelta(days=7))
        services.dismiss(reminder=second)
        content = build_digest(owner=user, preferences=services.preferences_for(user))
        assert first.contact.full_name not in named(content) and second.contact.full_name not in named(content)
        assert content.due_total == 28

    def test_the_email_links_snooze_a_week_for_people_with_a_reminder(self, network):
        user = network["user"]
        run_sweep()
        content = build_digest(owner=user, preferences=services.preferences_for(user))
        snooze_urls = {row.name: row.snooze_url for group in content.groups for row in group.rows}
        reminders = Reminder.objects.filter(contact__first_name__in=[name.split()[0] for name in named(content)])
        assert {r.contact.full_name: r.pk for r in reminders}.keys() == snooze_urls.keys()
        for reminder in reminders:
            assert snooze_urls[reminder.contact.full_name].endswith(f"/followups/reminders/{reminder.pk}/snooze-week/")


@pytest.mark.django_db
class TestTheSetting:
    def form(self, **changes):
        return {"time_zone": "UTC", "outreach_list_size": 5, "digest_enabled": "on", "digest_weekday": 0,
                "digest_hour": 8, "digest_size": 10, "date_reminder_days": 7, **changes}  # fmt: skip

    def test_ten_people_by_default(self, owner):
        assert services.preferences_for(owner).digest_size == 10

    def test_the_settings_page_sets_it_from_1_to_50(self, owner_client, owner):
        page = owner_client.get(reverse("followups:preferences")).content.decode()
        assert "People in the weekly digest" in page
        for wrong, message in (("0", "Show at least 1 person."), ("51", "Show at most 50."), ("", "required")):
            response = owner_client.post(reverse("followups:preferences"), self.form(digest_size=wrong))
            assert message in response.content.decode()
            assert response.context["form"].errors["digest_size"]
        assert services.preferences_for(owner).digest_size == 10  # nothing half-saved
        owner_client.post(reverse("followups:preferences"), self.form(digest_size="3"))
        assert services.preferences_for(owner).digest_size == 3

    def test_the_digest_names_as_many_as_the_setting_says(self, network):
        user = network["user"]
        preferences = services.preferences_for(user)
        for size, expected in ((1, 1), (50, 30)):
            preferences.digest_size = size
            services.save_preferences(preferences=preferences)
            content = build_digest(owner=user, preferences=preferences)
            assert content.contacts_count == expected
            assert sum(int(re.search(r"\d+", line.text).group()) for line in content.more_due) == 30 - expected


@pytest.mark.django_db
def test_promises_due_are_listed_up_to_50_with_the_rest_counted():
    user = a_user()
    clients = ClassificationFactory(owner=user, contact_every_days=30)
    (contact,) = late(user, clients, days=3)
    Commitment.objects.bulk_create(
        [Commitment(owner=user, contact=contact, description=f"Promise {index:02d}", due_on=datetime.date(2026, 6, 16),
                    due_at=datetime.datetime(2026, 6, 16, tzinfo=datetime.UTC)) for index in range(60)]
        + [Commitment(owner=user, contact=contact, description="Next month", due_on=datetime.date(2026, 7, 16),
                      due_at=datetime.datetime(2026, 7, 16, tzinfo=datetime.UTC))]
    )  # fmt: skip
    content = build_digest(owner=user, preferences=services.preferences_for(user))
    assert [promise.description for promise in content.promises_due] == [f"Promise {i:02d}" for i in range(50)]
    assert content.promises_more == 10
    text, html = render_digest(content)
    assert "and 10 more promises due" in text and "and 10 more promises due" in html
    assert "Next month" not in text


@pytest.mark.django_db
def test_the_weeks_snapshot_holds_only_what_the_email_shows(frozen, settings):
    frozen.move_to(NOW - datetime.timedelta(days=7))
    user = a_user()  # the first slot: Monday 08:00
    clients = ClassificationFactory(owner=user, name="Clients", contact_every_days=30)
    frozen.move_to(NOW)
    late(user, clients, days=5, count=300)
    (claim,) = claim_due_digests()
    snapshot = DigestLog.objects.get(pk=claim.log_id).content
    content = DigestContent.from_snapshot(snapshot)
    assert [len(group.rows) for group in content.groups] == [10]
    assert [(line.text, line.url) for line in content.more_due] == [
        ("and 290 more Clients are due", f"{settings.SITE_URL}/followups/?classification={clients.pk}")
    ]
    # what was read, not the links made from it: each send reads and then drops it
    assert len(json.dumps(snapshot)) < 4_000


MAX_TEXT = "x" * 255  # the longest summary, next step and promise the app takes


# Committed and truncated afterwards (transaction=True) rather than rolled back: 100,000 rolled-back
# rows would stay behind as dead tuples and sway the planner in the tests that follow.
@pytest.mark.django_db(transaction=True)
def test_with_50000_people_due_the_email_stays_under_100_kb(django_assert_num_queries, frozen):
    frozen.move_to(NOW - datetime.timedelta(days=7))
    user = a_user(digest_size=50)  # the most people a digest names; the first slot: Monday 08:00
    frozen.move_to(NOW)
    for order, name in enumerate(["Inner circle", "Clients", "Prospects", "Collaborators"]):
        classification = ClassificationFactory(owner=user, name=name, contact_every_days=14 + 7 * order,
                                               display_order=order, message_guidance=MAX_TEXT)  # fmt: skip
        moments = [NOW - datetime.timedelta(days=1 + index % 40, seconds=index) for index in range(12_500)]
        contacts = bulk_due_contacts(user, classification=classification, due_at=moments, first_name="W" * 90,
                                     company="C" * 200, summary=MAX_TEXT, next_step=MAX_TEXT)  # fmt: skip
    Commitment.objects.bulk_create(
        [Commitment(owner=user, contact=contact, description=MAX_TEXT, due_on=datetime.date(2026, 6, 16),
                    due_at=datetime.datetime(2026, 6, 16, tzinfo=datetime.UTC)) for contact in contacts[:80]]
    )  # fmt: skip
    Reminder.objects.bulk_create(
        [Reminder(owner=user, contact=contact, kind=Reminder.Kind.EVENT_FOLLOWUP, due_at=NOW, message=MAX_TEXT)
         for contact in contacts[:80]]
    )  # fmt: skip
    monday = datetime.date(2026, 6, 15)
    WeekPlanEntry.objects.bulk_create(
        [WeekPlanEntry(owner=user, contact=contact, week_starting=monday) for contact in contacts[:80]]
    )
    assert Contact.objects.filter(owner=user, next_due_at__lt=NOW).count() == 50_000
    preferences = services.preferences_for(user)
    with django_assert_num_queries(DIGEST_BUILD_QUERIES):  # as for a user with two people due
        content = build_digest(owner=user, preferences=preferences)
    assert content.contacts_count == 50 and content.due_total == 50_000
    text, html = render_digest(content)
    assert len(html.encode()) < 100_000, len(html.encode())
    assert len(text.encode()) < 100_000, len(text.encode())
    assert [line.text for line in content.more_due] == [
        "and 12,450 more Inner circle are due",  # the most overdue share of a cadence: 40 days late every 14
        "12,500 Clients are due",
        "12,500 Prospects are due",
        "12,500 Collaborators are due",
    ]
    assert all(f'<a href="{line.url}">{line.text}</a>' in html for line in content.more_due)
    assert "and 30 more promises due" in html
    assert html.count("and 55 more</a>") == 2  # the event follow-ups and the week plan
    digest_jobs.claim_and_send_now()  # as the scheduler does: the week's snapshot, rendered and sent
    (message,) = mail.outbox
    assert len(message.alternatives[0][0].encode()) < 100_000
    print(f"50,000 due: HTML {len(html.encode()):,} bytes, text {len(text.encode()):,} bytes")
