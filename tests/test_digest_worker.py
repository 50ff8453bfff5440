"""Digests through a real Celery worker and a real SMTP server: retried on SMTP errors, sent once."""

import datetime

import pytest
import time_machine

from followups.digest.schedule import claim_due_digests
from followups.models import DigestLog
from followups.tasks import send_digest

from .conftest import wait_for
from .test_digest import MONDAY_9_UTC, make_user_with_due_contacts


def claimed_digest_log():
    with time_machine.travel(MONDAY_9_UTC - datetime.timedelta(days=7), tick=False):
        make_user_with_due_contacts("ada", due=2, when_empty=True)
    with time_machine.travel(MONDAY_9_UTC, tick=False):
        [claim] = claim_due_digests()
    return claim.log_id


@pytest.mark.django_db(transaction=True)
def test_an_smtp_failure_is_retried_with_backoff_and_then_sent_once(smtp_server, start_celery_worker):
    smtp_server.fail_next = 2
    log_id = claimed_digest_log()
    queue, worker = start_celery_worker({"EMAIL_URL": smtp_server.url, "DIGEST_RETRY_BACKOFF_SECONDS": "1"})
    send_digest.apply_async(args=[log_id], queue=queue)
    send_digest.apply_async(args=[log_id], queue=queue)  # a duplicate task changes nothing

    wait_for(lambda: DigestLog.objects.get(pk=log_id).state == "sent", worker=worker)
    log = DigestLog.objects.get(pk=log_id)
    assert smtp_server.refused == 2
    assert len(smtp_server.messages) == 1
    assert smtp_server.messages[0].rcpt_tos == ["ada@example.com"]
    assert log.attempts == 3
    assert log.contacts_count == 2


@pytest.mark.django_db(transaction=True)
def test_after_the_last_retry_the_failure_is_recorded_and_nothing_is_sent(smtp_server, start_celery_worker):
    smtp_server.fail_next = 100
    log_id = claimed_digest_log()
    queue, worker = start_celery_worker(
        {"EMAIL_URL": smtp_server.url, "DIGEST_RETRY_BACKOFF_SECONDS": "1", "DIGEST_MAX_RETRIES": "2"}
    )
    send_digest.apply_async(args=[log_id], queue=queue)

    wait_for(lambda: DigestLog.objects.get(pk=log_id).state == "failed", worker=worker)
    log = DigestLog.objects.get(pk=log_id)
    assert log.attempts == 3
    assert "451" in log.error
    assert smtp_server.messages == []
