"""A real Celery worker (real Redis broker, real PostgreSQL) is SIGKILLed mid-task, then a new one
starts: an import ends done with no partial or doubled rows, and a digest is sent at most once
and never lost silently (failed, with its reason on Settings)."""

import asyncio
import datetime
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact, ImportJob
from followups.digest.schedule import claim_due_digests
from followups.models import DigestLog
from followups.reaper import reap_stranded
from followups.tasks import send_digest, send_digest_batch

from .conftest import REPO, free_port, test_database_url
from .factories import UserFactory
from .import_helpers import confirm, upload
from .test_digest import make_user_with_due_contacts
from .test_import_task import linkedin_file

ROWS = 10_000
# The new worker's visibility timeout: a new worker puts a task that a dead one took longer ago
# than this back in the queue when it starts (kombu's restore of unacknowledged messages).
REDELIVER_AFTER_SECONDS = 2


def start_after_the_visibility_timeout(workers, **env):
    time.sleep(REDELIVER_AFTER_SECONDS + 0.5)
    return workers(**env)


@pytest.fixture
def workers(tmp_path):
    """Start workers on the default queue (what the pages queue to); SIGKILL or stop them."""
    assert connection.vendor == "postgresql" and os.environ.get("REDIS_URL"), "needs ./scripts/test.sh"
    started = []

    def start(**extra_env):
        env = {
            **os.environ,
            "DATABASE_URL": test_database_url(),
            "DB_CONN_MAX_AGE": "0",
            "NETCRM_DATA_DIR": str(tmp_path),
            "CELERY_VISIBILITY_TIMEOUT": str(REDELIVER_AFTER_SECONDS),
            **extra_env,
        }
        log = open(tmp_path / f"worker-{len(started)}.log", "w")  # noqa: SIM115 - closed below
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "netcrm", "worker", "--pool=solo", "-Q", "celery",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO",
             "-n", f"killed-{len(started)}-{os.getpid()}@%h"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        started.append((process, log))
        return process

    yield start
    for process, log in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()


def wait_until(predicate, *, seconds=90, what="the worker"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def sigkill(process):
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


def finished_tasks(log_path, task_name) -> int:
    """How many runs of ``task_name`` the worker whose log this is has finished."""
    return sum(1 for line in log_path.read_text().splitlines() if f".{task_name}[" in line and " succeeded " in line)


def job_state(job):
    job.refresh_from_db()
    return job.status


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_leaves_no_rows_and_the_retry_imports_each_row_once(
    client, settings, workers, tmp_path
):
    settings.NETCRM_IMPORT_BACKGROUND_ROWS = 100
    owner = UserFactory(username="killed-import")
    client.force_login(owner)
    first = workers()
    _response, job = upload(client, linkedin_file(ROWS), "Connections.csv")
    wait_until(lambda: job_state(job) == ImportJob.Status.PREVIEWED, what="the preview")
    confirm(client, job)
    # Killed while writing: some rows are done inside the import's (uncommitted) transaction.
    wait_until(lambda: job_state(job) == ImportJob.Status.APPLYING and 0 < job.rows_done < ROWS, what="progress")
    sigkill(first)
    assert not Contact.objects.filter(owner=owner).exists()  # nothing half-written

    # Nobody finishes it: past its time limit the reaper says so, and the page offers a retry.
    later = timezone.now() + datetime.timedelta(seconds=settings.NETCRM_IMPORT_TIME_LIMIT + 120)
    assert reap_stranded(now=later).imports_failed == 1
    page = client.get(job.get_absolute_url()).content.decode()
    assert "background worker stopped" in page and "Try again" in page

    start_after_the_visibility_timeout(workers)
    client.post(reverse("transfer:import_retry", args=[job.pk]))
    wait_until(lambda: job_state(job) == ImportJob.Status.DONE, what="the retried import")
    # The killed worker's task comes back: an earlier attempt's, so it writes nothing.
    wait_until(lambda: finished_tasks(tmp_path / "worker-1.log", "run_import") == 2, what="the redelivery")
    assert Contact.objects.filter(owner=owner).count() == ROWS
    assert job_state(job) == ImportJob.Status.DONE and job.result["created"] == ROWS


class HoldingSMTPHandler:
    """Takes a message only when released: a worker killed meanwhile is killed mid-send."""

    def __init__(self):
        self.receiving = threading.Event()
        self.release = threading.Event()
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.receiving.set()
        while not self.release.is_set():
            await asyncio.sleep(0.05)
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def holding_smtp_server():
    from aiosmtpd.controller import Controller

    handler = HoldingSMTPHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.url = f"smtp://127.0.0.1:{port}"
    yield handler
    handler.release.set()
    controller.stop()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_sends_at_most_once_and_the_failure_is_shown(
    client, settings, workers, holding_smtp_server, tmp_path
):
    owner = make_user_with_due_contacts("killed-digest", due=2)
    preferences = owner.followup_prefs
    DigestLogQuery = DigestLog.objects.filter(owner=owner)
    [claim] = claim_due_digests(now=preferences.next_digest_at + datetime.timedelta(minutes=1))
    first = workers(EMAIL_URL=holding_smtp_server.url)
    send_digest.apply_async(args=[claim.log_id])
    wait_until(holding_smtp_server.receiving.is_set, what="the send to reach the mail server")
    assert DigestLogQuery.get().state == DigestLog.State.SENDING
    sigkill(first)
    holding_smtp_server.release.set()  # the server may still take what it was given

    start_after_the_visibility_timeout(workers, EMAIL_URL=holding_smtp_server.url)
    # The killed worker's task is redelivered and finds the digest taken: it sends nothing.
    wait_until(lambda: finished_tasks(tmp_path / "worker-1.log", "send_digest") == 1, what="the redelivery")
    later = timezone.now() + datetime.timedelta(seconds=settings.DIGEST_SEND_TIME_LIMIT + 120)
    assert reap_stranded(now=later).digests_failed == 1

    log = DigestLogQuery.get()
    assert log.state == DigestLog.State.FAILED and log.attempts == 1
    assert len(holding_smtp_server.messages) <= 1  # at most once
    client.force_login(owner)
    assert "may not have arrived" in client.get(reverse("followups:preferences")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_sends_each_digest_at_most_once_and_the_rest_of_the_batch_after_it(
    settings, workers, holding_smtp_server, tmp_path
):
    owners = [make_user_with_due_contacts(f"batch-{index}", due=1) for index in range(3)]
    moment = max(owner.followup_prefs.next_digest_at for owner in owners) + datetime.timedelta(minutes=1)
    claims = {claim.owner_id: claim.log_id for claim in claim_due_digests(now=moment)}
    log_ids = [claims[owner.pk] for owner in owners]
    chunk_of_one = {"EMAIL_URL": holding_smtp_server.url, "DIGEST_SEND_CHUNK": "1"}
    first = workers(**chunk_of_one)
    send_digest_batch.apply_async(args=[log_ids])
    wait_until(holding_smtp_server.receiving.is_set, what="the first digest to reach the mail server")
    sigkill(first)  # holding the first digest; the other two not taken yet
    holding_smtp_server.release.set()

    # The killed worker's batch is redelivered: the one it was sending is not sent again, the others are.
    start_after_the_visibility_timeout(workers, **chunk_of_one)
    wait_until(lambda: finished_tasks(tmp_path / "worker-1.log", "send_digest_batch") == 1, what="the redelivery")
    later = timezone.now() + datetime.timedelta(seconds=settings.DIGEST_SEND_TIME_LIMIT + 120)
    assert reap_stranded(now=later).digests_failed == 1

    states = dict(DigestLog.objects.filter(pk__in=log_ids).values_list("pk", "state"))
    assert [states[log_id] for log_id in log_ids] == [
        DigestLog.State.FAILED,
        DigestLog.State.SENT,
        DigestLog.State.SENT,
    ]
    recipients = [envelope.rcpt_tos[0] for envelope in holding_smtp_server.messages]
    assert sorted(set(recipients)) == sorted(recipients)  # at most once each
    assert {"batch-1@example.com", "batch-2@example.com"} <= set(recipients)
