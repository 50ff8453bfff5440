"""The scheduler builds everyone's digest in batches and keeps it on the week's log; each send
renders that snapshot. What users see: the same email, with every link working."""

import datetime
import json
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import resolve

from contacts.models import Contact
from followups import services
from followups.digest import jobs as digest_jobs
from followups.digest import schedule
from followups.digest.content import build_digest, render_digest
from followups.digest.delivery import deliver_digest
from followups.digest.schedule import claim_batches, claim_due_digests
from followups.digest.snapshot import DigestContent
from followups.models import DigestLog
from followups.sweep import run_sweep

from .factories import ContactFactory
from .followup_factories import CommitmentFactory
from .strategy_factories import EventFactory, PersonMetFactory
from .test_digest import DIGEST_BUILD_QUERIES, MONDAY_9_UTC, make_user_with_due_contacts, travel

SITE = "https://crm.example.org"


def a_full_week(username="ada"):
    """A user whose digest has every section: people due, a promise, someone met at an event,
    a week plan and an unfinished networking plan."""
    with travel(MONDAY_9_UTC - datetime.timedelta(days=7)):
        user = make_user_with_due_contacts(username, due=3)
        event = EventFactory(owner=user, name="Data meetup", held_on=datetime.date(2026, 6, 9))
        PersonMetFactory(event=event, contact=ContactFactory(owner=user, first_name="Linus", last_name="Met"))
        CommitmentFactory(
            contact=Contact.objects.filter(owner=user).first(),
            description="Send the article",
            due_on=MONDAY_9_UTC.date(),
        )
    services.add_to_week_plan(
        owner=user, contacts=list(Contact.objects.filter(owner=user)[:2]), week_starting=datetime.date(2026, 6, 15)
    )
    return user


@pytest.mark.django_db
def test_every_link_in_the_digest_is_absolute_and_opens_a_page(settings):
    settings.SITE_URL = SITE
    a_full_week()
    with travel(MONDAY_9_UTC):
        run_sweep()
        digest_jobs.claim_and_send_now()
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    links = set(re.findall(r"https?://\S+", message.body)) | set(re.findall(r'href="([^"]+)"', html))
    assert len(links) >= 10  # open, log and snooze per person, promise, event, week plan, plan, footer
    for link in links:
        assert link.startswith(SITE + "/") and link.count("://") == 1, link
        resolve(urlsplit(link).path)  # raises Resolver404 for a link to nowhere


@pytest.mark.django_db
def test_the_snapshot_renders_the_same_email_as_the_digest_it_was_taken_from():
    user = a_full_week()
    with travel(MONDAY_9_UTC):
        run_sweep()
        content = build_digest(owner=user, preferences=services.preferences_for(user))
    snapshot = json.loads(json.dumps(content.to_snapshot()))  # what a JSONField stores and gives back
    assert content.contacts_count == 3 and content.promises_due
    assert render_digest(DigestContent.from_snapshot(snapshot)) == render_digest(content)


@pytest.mark.django_db
def test_the_week_is_claimed_with_its_digest_and_the_snapshot_is_dropped_once_sent():
    user = a_full_week()
    with travel(MONDAY_9_UTC):
        run_sweep()
        (claim,) = claim_due_digests()
        log = DigestLog.objects.get(pk=claim.log_id)
        snapshot = DigestContent.from_snapshot(log.content)
        assert [row.name for group in snapshot.groups for row in group.rows] == [
            "Due0 ada",
            "Due2 ada",
            "Due1 ada",
        ]
        assert deliver_digest(log_id=claim.log_id) == "sent"
    log.refresh_from_db()
    assert log.state == DigestLog.State.SENT and log.contacts_count == 3
    assert log.content is None
    assert "Due2 ada" in mail.outbox[0].body and mail.outbox[0].to == [user.email]


@pytest.mark.django_db
def test_a_week_claimed_without_a_snapshot_is_built_when_it_is_sent():
    user = make_user_with_due_contacts("ada", due=2)
    log = DigestLog.objects.create(owner=user, week_starting=datetime.date(2026, 6, 15))
    with travel(MONDAY_9_UTC):
        run_sweep()
        assert deliver_digest(log_id=log.pk) == "sent"
    assert "Due1 ada" in mail.outbox[0].body


@pytest.mark.django_db
def test_a_snapshot_of_another_shape_is_rebuilt_when_it_is_sent():
    """A deploy between the claim and the send can change what a snapshot holds."""
    user = make_user_with_due_contacts("ada", due=2)
    log = DigestLog.objects.create(
        owner=user, week_starting=datetime.date(2026, 6, 15), content={"sections": [], "format": 99}
    )
    with travel(MONDAY_9_UTC):
        run_sweep()
        assert deliver_digest(log_id=log.pk) == "sent"
    assert "Due0 ada" in mail.outbox[0].body and "Due1 ada" in mail.outbox[0].body


@pytest.mark.django_db
def test_sending_a_snapshot_takes_two_queries(django_assert_num_queries):
    a_full_week()
    with travel(MONDAY_9_UTC):
        run_sweep()
        (claim,) = claim_due_digests()
        with django_assert_num_queries(2):  # take the claim and read it with the address, record it sent
            assert deliver_digest(log_id=claim.log_id) == "sent"


@pytest.mark.django_db
def test_claiming_and_building_costs_the_same_queries_for_few_and_many_users(django_assert_num_queries):
    with travel(MONDAY_9_UTC - datetime.timedelta(days=7)):
        few = [make_user_with_due_contacts(f"few{index}", due=2).pk for index in range(2)]
        many = [make_user_with_due_contacts(f"many{index}", due=3).pk for index in range(9)]
    counts = []
    with travel(MONDAY_9_UTC):
        run_sweep()
        for owner_ids in (few, many):
            # the slots due; then one batch in a savepoint: plan without parallel workers, lock, move
            # the slot, weeks already claimed, whose addresses are verified, build (DIGEST_BUILD_QUERIES,
            # in a savepoint of its own), record, read back
            with django_assert_num_queries(12 + DIGEST_BUILD_QUERIES) as captured:
                claims = claim_due_digests(owner_ids=owner_ids)
            assert len(claims) == len(owner_ids)
            counts.append(len(captured))
    assert counts[0] == counts[1]
    assert all(log.content["groups"] for log in DigestLog.objects.all())


@pytest.mark.django_db
def test_a_slot_is_claimed_in_batches_each_user_once(monkeypatch):
    monkeypatch.setattr(schedule, "CLAIM_BATCH", 2)
    with travel(MONDAY_9_UTC - datetime.timedelta(days=7)):
        users = [make_user_with_due_contacts(f"user{index}", due=1) for index in range(5)]
    with travel(MONDAY_9_UTC):
        run_sweep()
        batches = list(claim_batches())
        assert [len(batch) for batch in batches] == [2, 2, 1]
        assert list(claim_batches()) == []  # run again: nothing left to claim
    logs = DigestLog.objects.order_by("owner_id")
    assert [log.owner_id for log in logs] == [user.pk for user in users]
    assert all(log.content["groups"] for log in logs)


@pytest.mark.django_db
def test_when_building_a_batch_fails_each_digest_is_built_when_it_is_sent(monkeypatch, caplog):
    with travel(MONDAY_9_UTC - datetime.timedelta(days=7)):
        make_user_with_due_contacts("ada", due=2)
        make_user_with_due_contacts("grace", due=1)

    def broken(**kwargs):
        raise RuntimeError("a bug met by one user's data")

    monkeypatch.setattr(schedule, "build_digests", broken)
    with travel(MONDAY_9_UTC):
        run_sweep()
        results = digest_jobs.claim_and_send_now()
    assert [outcome for _, outcome in results] == ["sent", "sent"]
    assert sorted(message.subject for message in mail.outbox) == [
        "Your networking week: 1 person to reach out to",
        "Your networking week: 2 people to reach out to",
    ]
    assert "Building 2 digests together failed" in caplog.text
