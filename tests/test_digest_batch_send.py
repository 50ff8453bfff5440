"""A claimed batch's digests go out from one send task, a chunk at a time: each still sent at most
once, one message's trouble never costs the others, and the database work does not grow with
the number of digests."""

import datetime
import types

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from followups import tasks
from followups.digest import batch_delivery, delivery
from followups.digest import jobs as digest_jobs
from followups.digest.batch_delivery import deliver_digests
from followups.digest.delivery import deliver_digest
from followups.digest.schedule import claim_due_digests
from followups.models import DigestLog
from followups.reaper import reap_stranded

from .test_digest import MONDAY_9_UTC, make_user_with_due_contacts, travel

State = DigestLog.State


def claimed_weeks(count, *, prefix="user") -> list[int]:
    """``count`` users with two people due each, their week claimed: the logs' ids, in user order."""
    with travel(MONDAY_9_UTC - datetime.timedelta(days=7)):
        users = [make_user_with_due_contacts(f"{prefix}{index}", due=2) for index in range(count)]
    with travel(MONDAY_9_UTC):
        claims = {claim.owner_id: claim.log_id for claim in claim_due_digests()}
    return [claims[user.pk] for user in users]


def states(log_ids) -> list[str]:
    by_id = dict(DigestLog.objects.filter(pk__in=log_ids).values_list("pk", "state"))
    return [by_id[log_id] for log_id in log_ids]


@pytest.fixture
def queued(monkeypatch):
    """What the send tasks hand to the broker (no worker runs): (task name, args, countdown)."""
    handed = []
    for task in (tasks.send_digest, tasks.send_digest_batch):
        monkeypatch.setattr(
            task,
            "apply_async",
            lambda args=(), name=task.name, countdown=None, **_: handed.append((name, tuple(args), countdown)),
        )
    return handed


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 12])
def test_a_batch_is_taken_and_recorded_in_two_statements_whatever_its_size(size, django_assert_num_queries):
    log_ids = claimed_weeks(size)
    with django_assert_num_queries(2):  # moved to "sending" with what to send, then recorded sent
        outcomes = deliver_digests(log_ids=log_ids).outcomes
    assert outcomes == dict.fromkeys(log_ids, "sent")
    assert sorted(message.to[0] for message in mail.outbox) == sorted(f"user{i}@example.com" for i in range(size))
    logs = DigestLog.objects.filter(pk__in=log_ids)
    assert {(log.state, log.attempts, log.contacts_count, log.content) for log in logs} == {(State.SENT, 1, 2, None)}


@pytest.mark.django_db
def test_a_batch_larger_than_a_chunk_takes_two_statements_per_chunk(settings, django_assert_num_queries):
    settings.DIGEST_SEND_CHUNK = 2
    log_ids = claimed_weeks(5)
    with django_assert_num_queries(6):
        deliver_digests(log_ids=log_ids)
    assert states(log_ids) == [State.SENT] * 5
    assert len(mail.outbox) == 5


@pytest.mark.django_db
def test_a_batch_delivered_twice_sends_each_digest_once(queued):
    log_ids = claimed_weeks(3)
    assert digest_jobs.send_batch_and_queue(log_ids=log_ids) == {"sent": 3}
    assert tasks.send_digest_batch(log_ids) == {"handled": 3}  # the task redelivered, or queued twice
    assert len(mail.outbox) == 3
    assert queued == []


@pytest.mark.django_db
def test_one_refused_message_waits_to_retry_with_its_reason_and_the_others_are_sent(smtp_server, settings, queued):
    settings.DIGEST_RETRY_BACKOFF_SECONDS = 30
    first, *others = log_ids = claimed_weeks(3)
    smtp_server.fail_next = 1  # the mail server refuses the first message, takes the next ones
    assert digest_jobs.send_batch_and_queue(log_ids=log_ids) == {"retrying": 1, "sent": 2}

    assert states(log_ids) == [State.RETRYING, State.SENT, State.SENT]
    refused = DigestLog.objects.get(pk=first)
    assert "451" in refused.error and refused.next_attempt_at is not None and refused.attempts == 1
    assert queued == [(tasks.send_digest.name, (first,), 30)]  # its own retry, after the backoff
    assert sorted(envelope.rcpt_tos[0] for envelope in smtp_server.messages) == ["user1@example.com",
                                                                                 "user2@example.com"]  # fmt: skip

    assert deliver_digest(log_id=first) == "sent"  # what that retry task does
    assert sorted(envelope.rcpt_tos[0] for envelope in smtp_server.messages) == [
        f"user{i}@example.com" for i in range(3)
    ]
    assert DigestLog.objects.get(pk=first).attempts == 2


@pytest.mark.django_db
def test_a_message_refused_after_the_last_retry_fails_alone(smtp_server, settings, queued):
    settings.DIGEST_MAX_RETRIES = 0
    log_ids = claimed_weeks(2)
    smtp_server.fail_next = 1
    assert digest_jobs.send_batch_and_queue(log_ids=log_ids) == {"failed": 1, "sent": 1}
    assert states(log_ids) == [State.FAILED, State.SENT]
    assert "451" in DigestLog.objects.get(pk=log_ids[0]).error
    assert queued == []


@pytest.mark.django_db
def test_a_digest_that_cannot_be_rendered_fails_with_the_reason_and_the_others_are_sent(monkeypatch):
    log_ids = claimed_weeks(3)
    broken_owner = DigestLog.objects.get(pk=log_ids[1]).owner_id
    render = delivery.render_digest

    def render_or_break(content, **kwargs):
        if content.owner_id == broken_owner:
            raise ValueError("a date this template cannot format")
        return render(content, **kwargs)

    monkeypatch.setattr(delivery, "render_digest", render_or_break)
    assert deliver_digests(log_ids=log_ids).outcomes == {log_ids[0]: "sent", log_ids[1]: "failed", log_ids[2]: "sent"}
    assert states(log_ids) == [State.SENT, State.FAILED, State.SENT]
    assert DigestLog.objects.get(pk=log_ids[1]).error == "ValueError: a date this template cannot format"
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_batch_stopped_mid_send_keeps_what_was_sent_never_resends_the_one_in_flight_and_sends_the_rest(
    monkeypatch, settings
):
    log_ids = claimed_weeks(3)
    handed_over = []

    def stopped_on_the_second(self, messages):
        handed_over.extend(messages)
        if len(handed_over) == 2:  # e.g. the task's soft time limit, while the server has the message
            raise RuntimeError("stopped")
        return len(messages)

    monkeypatch.setattr(EmailBackend, "send_messages", stopped_on_the_second)
    with travel(MONDAY_9_UTC + datetime.timedelta(minutes=1)), pytest.raises(RuntimeError):
        deliver_digests(log_ids=log_ids)
    assert states(log_ids) == [State.SENT, State.SENDING, State.CLAIMED]
    assert DigestLog.objects.get(pk=log_ids[2]).attempts == 0  # put back as it was: never tried
    monkeypatch.undo()

    # The reaper: the one in flight may have arrived, so it is failed visibly; the untried one is sent.
    later = MONDAY_9_UTC + datetime.timedelta(seconds=settings.DIGEST_SEND_TIME_LIMIT + settings.REAPER_GRACE_SECONDS)
    with travel(later):
        result = reap_stranded(queue=lambda log_id: deliver_digest(log_id=log_id) == "sent")
    assert (result.digests_failed, result.digests_requeued) == (1, 1)
    assert states(log_ids) == [State.SENT, State.FAILED, State.SENT]
    assert "may not have arrived" in DigestLog.objects.get(pk=log_ids[1]).error
    assert [message.to[0] for message in mail.outbox] == ["user2@example.com"]  # the others went to the stub


@pytest.mark.django_db
def test_when_the_time_runs_out_the_rest_of_the_batch_is_queued_as_a_task_of_its_own(monkeypatch, settings, queued):
    settings.DIGEST_SEND_TIME_LIMIT = 30  # a batch task sends for 15 s at most
    settings.DIGEST_SEND_CHUNK = 3
    clock = types.SimpleNamespace(now=0.0)
    monkeypatch.setattr(batch_delivery, "time", types.SimpleNamespace(monotonic=lambda: clock.now))
    send = EmailBackend.send_messages

    def slow_send(self, messages):  # each message takes 10 s
        clock.now += 10
        return send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", slow_send)
    log_ids = claimed_weeks(4)
    assert digest_jobs.send_batch_and_queue(log_ids=log_ids) == {"sent": 2}
    assert states(log_ids) == [State.SENT, State.SENT, State.CLAIMED, State.CLAIMED]
    assert DigestLog.objects.get(pk=log_ids[2]).attempts == 0
    assert queued == [(tasks.send_digest_batch.name, (log_ids[2:],), None)]
    assert len(mail.outbox) == 2
