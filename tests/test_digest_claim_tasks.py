"""The scheduler splits everyone due into batches of one slot, one claim task each, so that several
workers claim and build at once; each week is still claimed once, however the batches overlap, and
each claimed batch gets one send task."""

import datetime
import threading

import pytest
from django.db import connection, connections

from followups import tasks
from followups.digest import jobs as digest_jobs
from followups.digest import schedule
from followups.models import DigestLog

from .test_broker_down import broker  # noqa: F401 (the fixture)
from .test_digest import MONDAY_9_UTC, make_user_with_due_contacts, travel


@pytest.fixture
def queued(monkeypatch):
    """What the scheduler and the claim tasks hand to the broker, by task name (no worker runs)."""
    handed = {tasks.claim_digest_batch.name: [], tasks.send_digest_batch.name: []}
    for task in (tasks.claim_digest_batch, tasks.send_digest_batch):
        monkeypatch.setattr(task, "apply_async", lambda args=(), name=task.name, **_: handed[name].append(args))
    return handed


def users_due(count, *, prefix="user", zone="UTC"):
    with travel(MONDAY_9_UTC - datetime.timedelta(days=7)):
        return [make_user_with_due_contacts(f"{prefix}{index}", due=1, zone=zone).pk for index in range(count)]


@pytest.mark.django_db
def test_the_scheduler_queues_a_claim_task_per_batch_and_each_claimed_batch_gets_its_send_task(
    monkeypatch, queued, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(schedule, "CLAIM_BATCH", 2)
    london = users_due(5, zone="Europe/London")
    utc = users_due(1, prefix="utc")
    with travel(MONDAY_9_UTC):
        assert tasks.schedule_digests() == 4
        batches = [owner_ids for (owner_ids,) in queued[tasks.claim_digest_batch.name]]
        assert sorted(map(len, batches)) == [1, 1, 2, 2]  # users who share a slot, two at most
        assert sorted(owner_id for batch in batches for owner_id in batch) == sorted(london + utc)
        assert not DigestLog.objects.exists()  # the scheduler claims nothing itself

        with django_capture_on_commit_callbacks(execute=True):
            claimed = [tasks.claim_digest_batch(owner_ids) for owner_ids in batches]  # what the workers run
    assert sum(claimed) == 6
    logs = DigestLog.objects.all()
    assert sorted(log.owner_id for log in logs) == sorted(london + utc)
    sends = [sorted(log_ids) for (log_ids,) in queued[tasks.send_digest_batch.name]]
    claimed_batches = [sorted(log.pk for log in logs if log.owner_id in owner_ids) for owner_ids in batches]
    assert sorted(sends) == sorted(claimed_batches)  # one send task per claimed batch, with its weeks
    with travel(MONDAY_9_UTC):
        assert tasks.claim_digest_batch(batches[0]) == 0  # a task delivered twice claims nothing more


@pytest.mark.django_db(transaction=True)
def test_two_claim_tasks_at_once_with_overlapping_batches_claim_each_week_once(queued):
    assert connection.vendor == "postgresql", "the concurrency test needs PostgreSQL"
    owner_ids = users_due(24)
    batches = [owner_ids[:16], owner_ids[8:]]  # a third of the users in both
    start, claims, errors = threading.Barrier(2), [], []

    def claim(batch):
        try:
            with travel(MONDAY_9_UTC):
                start.wait(timeout=10)
                claims.extend(digest_jobs.claim_batch_and_queue(owner_ids=batch))
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(claim.owner_id for claim in claims) == sorted(owner_ids)  # each user once, by one of them
    assert DigestLog.objects.count() == 24
    assert all(log.content for log in DigestLog.objects.all())  # each built with its digest
    sent = sorted(log_id for (log_ids,) in queued[tasks.send_digest_batch.name] for log_id in log_ids)
    assert sent == sorted(claim.log_id for claim in claims)


@pytest.mark.django_db
def test_with_the_broker_down_the_scheduler_claims_everyone_due_itself(broker, django_capture_on_commit_callbacks):  # noqa: F811
    owner_ids = users_due(2)
    broker.down()
    with travel(MONDAY_9_UTC), django_capture_on_commit_callbacks(execute=True):
        assert digest_jobs.queue_claims() == 0  # no exception: the scheduler goes on
    logs = DigestLog.objects.all()
    assert sorted(log.owner_id for log in logs) == sorted(owner_ids)
    assert {log.state for log in logs} == {DigestLog.State.CLAIMED}  # their sends wait for the reaper
