"""A big backup is restored by a Celery task with a progress bar, never inside the web request;
small ones still restore at once. Every list is capped; a broker that cannot be reached or a
worker that died leaves a job to try again, with nothing half-written."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact, ContactEmail, Interaction
from transfer import tasks
from transfer.models import RestoreJob
from transfer.restore import RestoreError, restore_backup

from .conftest import free_port, wait_for
from .restore_helpers import backup_bytes, backup_document, post_restore

Status = RestoreJob.Status
KB = 1024


@pytest.fixture
def queued(monkeypatch):
    """The restore tasks handed to the broker, by job id (the worker's part is run by the test)."""
    sent = []
    monkeypatch.setattr(tasks.restore_backup_job, "apply_async", lambda args=(), **_: sent.append(args[0]))
    return sent


@pytest.mark.django_db
def test_a_small_backup_is_restored_at_once_inside_the_request(owner_client, owner, queued):
    raw = backup_bytes(contacts=5)
    assert len(raw) < 256 * KB
    response, job = post_restore(owner_client, raw)
    assert response.status_code == 302 and response.url == reverse("contacts:list")
    assert (job.status, job.in_background, queued) == (Status.DONE, False, [])
    assert Contact.objects.filter(owner=owner).count() == 5
    page = owner_client.get(response.url).content.decode()
    assert "Restored 5 contacts, 5 interactions" in page
    assert bytes(job.source_bytes) == b""  # the upload is not kept once restored


@pytest.mark.django_db
def test_a_backup_over_256_kb_is_restored_by_a_task_with_progress_on_its_page(
    owner_client, owner, queued, django_capture_on_commit_callbacks
):
    raw = backup_bytes(contacts=1000)
    assert len(raw) > 256 * KB
    with django_capture_on_commit_callbacks(execute=True):
        response, job = post_restore(owner_client, raw)
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert (job.status, job.in_background, queued) == (Status.QUEUED, True, [job.pk])
    assert not Contact.objects.filter(owner=owner).exists()  # nothing restored inside the request

    page = owner_client.get(job.get_absolute_url()).content.decode()
    assert "Waiting for the background worker" in page and 'data-hx-trigger="every 1s"' in page
    progress = owner_client.get(reverse("transfer:restore_progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert 'role="progressbar"' in progress.content.decode()
    listing = owner_client.get(reverse("transfer:export")).content.decode()
    assert job.get_absolute_url() in listing and "Waiting for the worker" in listing

    tasks.restore_backup_job(job.pk)  # what the worker runs
    tasks.restore_backup_job(job.pk)  # a redelivered message restores nothing twice
    job.refresh_from_db()
    assert job.status == Status.DONE and job.rows_done == job.rows_total > 3000
    assert Contact.objects.filter(owner=owner).count() == 1000
    assert Interaction.objects.filter(owner=owner).count() == 1000
    finished = owner_client.get(reverse("transfer:restore_progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert finished.headers["HX-Refresh"] == "true"  # the page reloads itself to show the outcome
    page = owner_client.get(job.get_absolute_url()).content.decode()
    assert "Restored</strong> 1,000 contacts, 1,000 interactions" in page


@pytest.mark.django_db
def test_the_size_from_which_a_restore_goes_to_the_background_is_a_setting(owner_client, settings, queued):
    settings.NETCRM_IMPORT_BACKGROUND_BYTES = 2 * KB
    _response, job = post_restore(owner_client, backup_bytes(contacts=20))
    assert job.in_background and job.status == Status.QUEUED


@pytest.mark.django_db
def test_a_restore_reports_its_progress_as_it_checks_the_items(owner):
    reported = []
    restore_backup(owner=owner, raw=backup_bytes(contacts=400), progress=lambda done, total: reported.append(done))
    assert reported[0] == 0
    assert reported == sorted(reported) and len(reported) > 5  # steady steps, not one jump at the end
    assert Contact.objects.filter(owner=owner).count() == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("document", "message"),
    [
        (backup_document(contacts=21), "The section “contacts” holds 21 contacts; a restore takes at most 20."),
        (backup_document(contacts=8, interactions_each=3), "“contacts” holds 24 interactions"),
    ],
)
def test_each_list_of_a_backup_is_capped_with_a_message_naming_the_section(
    owner_client, owner, settings, document, message
):
    settings.NETCRM_IMPORT_MAX_ROWS, settings.NETCRM_RESTORE_ROWS_FACTOR = 10, 2
    response, job = post_restore(owner_client, json.dumps(document).encode())
    assert response.status_code == 400 and message in response.content.decode()
    assert job is None and not Contact.objects.filter(owner=owner).exists()


@pytest.mark.django_db
def test_the_emails_of_all_contacts_count_towards_the_cap(owner, settings):
    settings.NETCRM_IMPORT_MAX_ROWS, settings.NETCRM_RESTORE_ROWS_FACTOR = 10, 2
    document = backup_document(contacts=2)
    document["sections"]["contacts"]["contacts"][0]["emails"] = [f"a{i}@example.org" for i in range(20)]
    with pytest.raises(RestoreError, match="holds 21 emails of contacts"):
        restore_backup(owner=owner, raw=json.dumps(document).encode())
    assert not ContactEmail.objects.exists()


@pytest.fixture
def broker_unreachable(monkeypatch):
    """Point the Celery app at a port where nothing listens (a real refused connection), as when
    Redis is down; ``back()`` points it at the suite's broker again."""
    from netcrm.celery import app

    def repoint(url):
        monkeypatch.setattr(app.conf, "broker_url", url)
        app._pool = None  # the connection and producer pools are made from broker_url on first use
        app.amqp._producer_pool = None

    original = app.conf.broker_url
    repoint(f"redis://127.0.0.1:{free_port()}/0")
    yield lambda: repoint(original)
    repoint(original)


@pytest.mark.django_db
def test_with_the_broker_unreachable_the_user_is_told_to_retry_and_the_job_can_be_tried_again(
    owner_client, owner, settings, broker_unreachable, django_capture_on_commit_callbacks, monkeypatch
):
    settings.NETCRM_IMPORT_BACKGROUND_BYTES = 2 * KB
    with django_capture_on_commit_callbacks(execute=True):
        response, job = post_restore(owner_client, backup_bytes(contacts=20))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == Status.NOT_QUEUED and not job.is_running  # not stuck "running"
    page = owner_client.get(job.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "The background worker cannot be reached; try again in a minute." in html
    assert reverse("transfer:restore_retry", args=[job.pk]) in html and "Try again" in html
    assert not Contact.objects.filter(owner=owner).exists()

    broker_unreachable()  # the broker is back
    sent = []
    monkeypatch.setattr(tasks.restore_backup_job, "apply_async", lambda args=(), **_: sent.append(args[0]))
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("transfer:restore_retry", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.error, sent) == (Status.QUEUED, "", [job.pk])
    tasks.restore_backup_job(job.pk)
    assert Contact.objects.filter(owner=owner).count() == 20


@pytest.mark.django_db
def test_a_restore_whose_worker_died_shows_as_stopped_with_try_again(
    owner_client, owner, queued, django_capture_on_commit_callbacks
):
    job = RestoreJob.objects.create(
        owner=owner, original_name="big.json", source_bytes=backup_bytes(contacts=3), status=Status.RESTORING
    )
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    RestoreJob.objects.filter(pk=job.pk).update(updated_at=long_ago)
    html = owner_client.get(job.get_absolute_url()).content.decode()
    assert "Stopped" in html and "stopped without finishing" in html and "Try again" in html
    refresh = owner_client.get(reverse("transfer:restore_progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert refresh.headers["HX-Refresh"] == "true"  # an open page stops polling and shows it
    assert "Stopped" in owner_client.get(reverse("transfer:export")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("transfer:restore_retry", args=[job.pk]))
        owner_client.post(reverse("transfer:restore_retry", args=[job.pk]))  # a double click
    assert queued == [job.pk]
    tasks.restore_backup_job(job.pk)
    job.refresh_from_db()
    assert job.status == Status.DONE
    assert Contact.objects.filter(owner=owner).count() == 3


@pytest.mark.django_db
def test_a_second_restore_waits_for_the_first(owner_client, owner, settings, queued):
    settings.NETCRM_IMPORT_BACKGROUND_BYTES = 2 * KB
    post_restore(owner_client, backup_bytes(contacts=20))
    response, job = post_restore(owner_client, backup_bytes(contacts=20))
    assert response.status_code == 400 and job is None
    assert "A restore is already running for this account" in response.content.decode()


@pytest.mark.django_db
def test_a_restore_job_is_the_owners_only(stranger_client, owner, queued):
    job = RestoreJob.objects.create(owner=owner, original_name="mine.json", status=Status.NOT_QUEUED)
    for name in ("restore_detail", "restore_progress"):
        assert stranger_client.get(reverse(f"transfer:{name}", args=[job.pk])).status_code == 404
    assert stranger_client.post(reverse("transfer:restore_retry", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == Status.NOT_QUEUED and queued == []
    assert "mine.json" not in stranger_client.get(reverse("transfer:export")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_restores_a_big_backup_and_one_killed_half_way_leaves_it_to_try_again(
    client, owner, start_celery_worker, monkeypatch
):
    """Through the page, on the suite's Redis and PostgreSQL: a worker is SIGKILLed in the middle
    of a big restore; nothing of it is in the account; "try again" after the time limit hands it
    to a new worker, which restores all of it."""
    client.force_login(owner)
    current = {}
    publish = tasks.restore_backup_job.apply_async
    monkeypatch.setattr(  # this test's workers listen on their own queues
        tasks.restore_backup_job,
        "apply_async",
        lambda *args, **kwargs: publish(*args, queue=current["queue"], **kwargs),
    )
    current["queue"], first_worker = start_celery_worker()
    raw = backup_bytes(contacts=4000, note="Met at the conference; ask about the project. " * 3)
    assert len(raw) > 1024 * KB
    response, job = post_restore(client, raw)
    assert response.url == job.get_absolute_url()

    def restoring_half_way():
        job.refresh_from_db()
        return job.status == Status.RESTORING and 0 < job.rows_done < job.rows_total

    wait_for(restoring_half_way, worker=first_worker)  # progress seen from outside the transaction
    first_worker.kill()
    first_worker.wait(timeout=10)
    assert not Contact.objects.filter(owner=owner).exists()  # its transaction died with it

    RestoreJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - datetime.timedelta(hours=1))
    assert "Try again" in client.get(job.get_absolute_url()).content.decode()
    current["queue"], second_worker = start_celery_worker()
    client.post(reverse("transfer:restore_retry", args=[job.pk]))

    def done():
        job.refresh_from_db()
        assert job.status != Status.FAILED, job.error
        return job.status == Status.DONE

    wait_for(done, seconds=120, worker=second_worker)
    assert Contact.objects.filter(owner=owner).count() == 4000
    assert Interaction.objects.filter(owner=owner).count() == 4000
    assert ContactEmail.objects.filter(contact__owner=owner).count() == 4000
    assert "Restored</strong> 4,000 contacts, 4,000 interactions" in client.get(job.get_absolute_url()).content.decode()
