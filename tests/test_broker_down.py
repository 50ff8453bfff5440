"""With the broker unreachable (a real connection refused: nothing listens on its port), work
that needs the worker is not lost and the user is told to try again, never shown a 500."""

import datetime

import pytest
from django.urls import reverse

from contacts.models import Contact, ImportJob
from followups import tasks as followup_tasks
from followups.digest import jobs as digest_jobs
from followups.models import DigestLog
from followups.reaper import reap_stranded
from netcrm.celery import app
from transfer import tasks as transfer_tasks

from .conftest import free_port
from .import_helpers import confirm, upload
from .test_digest import MONDAY_9_UTC, make_user_with_due_contacts, travel
from .test_import_task import linkedin_file

RETRY_MESSAGE = "The background worker cannot be reached; try again in a minute."


class Broker:
    """Switches Celery between a broker on a closed port and a live stand-in that records what is
    handed over (these tests run no worker; tests/test_worker_killed.py does)."""

    TASKS = (
        transfer_tasks.build_import_preview,
        transfer_tasks.run_import,
        followup_tasks.send_digest,
        followup_tasks.send_digest_batch,
    )

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch
        self.sent = []
        self._live = pytest.MonkeyPatch()

    def down(self):
        self._live.undo()
        self.monkeypatch.setattr(app.conf, "broker_url", f"redis://127.0.0.1:{free_port()}/0")
        forget_connections()

    def up(self):
        for task in self.TASKS:
            record = lambda args=(), name=task.name, **_: self.sent.append((name, args))  # noqa: E731
            self._live.setattr(task, "apply_async", record)


def forget_connections():
    """Make Celery connect afresh with its current broker URL (it keeps pools of connections)."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker(monkeypatch):
    switch = Broker(monkeypatch)
    yield switch
    switch._live.undo()
    monkeypatch.undo()  # the real broker URL back, then connections to it
    forget_connections()


@pytest.fixture
def in_background(settings):
    settings.NETCRM_IMPORT_BACKGROUND_ROWS = 10


@pytest.mark.django_db
class TestImports:
    def test_an_upload_is_kept_and_can_be_tried_again_once_the_worker_is_back(
        self, owner_client, owner, broker, in_background, django_capture_on_commit_callbacks
    ):
        broker.down()
        with django_capture_on_commit_callbacks(execute=True):
            response, job = upload(owner_client, linkedin_file(20), "Connections.csv")
        assert response.status_code == 302
        job.refresh_from_db()
        assert (job.status, job.retryable, job.error) == (ImportJob.Status.FAILED, True, RETRY_MESSAGE)
        page = owner_client.get(job.get_absolute_url()).content.decode()
        assert RETRY_MESSAGE in page and "Try again" in page
        assert bytes(ImportJob.objects.get(pk=job.pk).source_bytes)  # the upload is kept

        broker.up()
        with django_capture_on_commit_callbacks(execute=True):
            owner_client.post(reverse("transfer:import_retry", args=[job.pk]))
        job.refresh_from_db()
        assert job.status == ImportJob.Status.PLANNING and job.attempt == 2
        assert broker.sent == [("transfer.tasks.build_import_preview", (job.pk, 2))]

    def test_a_confirmed_import_waits_retryable_and_writes_nothing(
        self, owner_client, owner, broker, in_background, django_capture_on_commit_callbacks
    ):
        broker.up()
        with django_capture_on_commit_callbacks(execute=True):
            _response, job = upload(owner_client, linkedin_file(20), "Connections.csv")
        from transfer.services import build_preview

        build_preview(job_id=job.pk)  # what the worker did
        broker.down()
        with django_capture_on_commit_callbacks(execute=True):
            response = confirm(owner_client, job)
        assert response.status_code == 302
        job.refresh_from_db()
        assert (job.status, job.retryable) == (ImportJob.Status.FAILED, True)
        assert not Contact.objects.filter(owner=owner).exists()
        assert RETRY_MESSAGE in owner_client.get(job.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_digests_claimed_while_the_broker_is_down_wait_claimed_and_are_queued_by_the_reaper(
    broker, settings, django_capture_on_commit_callbacks
):
    with travel(MONDAY_9_UTC - datetime.timedelta(days=7)):
        make_user_with_due_contacts("ada", due=2)
    broker.down()
    with travel(MONDAY_9_UTC), django_capture_on_commit_callbacks(execute=True):
        [claim] = digest_jobs.claim_and_queue()  # no exception: the scheduler goes on
    assert DigestLog.objects.get(pk=claim.log_id).state == DigestLog.State.CLAIMED

    broker.up()
    later = MONDAY_9_UTC + datetime.timedelta(seconds=settings.REAPER_GRACE_SECONDS + 60)
    assert reap_stranded(now=later).digests_requeued == 1
    assert broker.sent == [("followups.tasks.send_digest", (claim.log_id,))]
