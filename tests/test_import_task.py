"""Big files go to Celery: the page shows a progress bar polled by htmx, can be left and come back,
and the tasks are safe to run twice. One test runs a real worker process against Redis."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from contacts.models import Contact, ImportJob
from transfer import tasks

from .import_helpers import confirm, upload

ROOT = Path(__file__).resolve().parents[1]


def linkedin_file(rows: int) -> bytes:
    lines = [
        "Notes:",
        '"Generated, for the tests."',
        "",
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
    ]
    lines += [
        f"Person{i},Surname{i},https://www.linkedin.com/in/person-{i},person{i}@example.org,"
        f"Company {i % 50},Role,05 Mar 2021"
        for i in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def background_from_ten_rows(settings):
    settings.NETCRM_IMPORT_BACKGROUND_ROWS = 10


@pytest.mark.django_db
def test_a_big_file_is_read_and_written_by_tasks_with_progress_on_the_page(
    owner_client, background_from_ten_rows, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    for step, task in (("build", tasks.build_import_preview), ("run", tasks.run_import)):
        monkeypatch.setattr(task, "apply_async", lambda args, step=step, **_: queued.append((step, args[0])))
    with django_capture_on_commit_callbacks(execute=True):
        _response, job = upload(owner_client, linkedin_file(50), "Connections.csv")
    assert queued == [("build", job.pk)]  # handed to a worker once the job row is committed
    assert job.in_background and job.status == ImportJob.Status.PLANNING

    page = owner_client.get(job.get_absolute_url()).content.decode()
    assert 'data-hx-trigger="every 1s"' in page and "You can leave this page" in page
    progress = owner_client.get(reverse("transfer:import_progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert 'role="progressbar"' in progress.content.decode()
    listing = owner_client.get(reverse("transfer:import_start")).content.decode()
    assert job.get_absolute_url() in listing and "Reading the file" in listing  # come back later from here

    tasks.build_import_preview(job.pk)  # what the worker runs
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED
    assert (job.rows_done, job.rows_total) == (50, 50)
    finished = owner_client.get(reverse("transfer:import_progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert finished.headers["HX-Refresh"] == "true"  # the page reloads itself to show the preview

    with django_capture_on_commit_callbacks(execute=True):
        confirm(owner_client, job)
    assert queued[-1] == ("run", job.pk)
    assert job.status == ImportJob.Status.APPLYING
    assert not Contact.objects.exists()
    assert "Importing your contacts" in owner_client.get(job.get_absolute_url()).content.decode()

    tasks.run_import(job.pk)
    tasks.run_import(job.pk)  # a redelivered message: nothing happens twice
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.result["created"] == 50
    assert Contact.objects.count() == 50
    assert "50 new contacts" in owner_client.get(job.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_the_tasks_leave_finished_jobs_alone(owner, background_from_ten_rows):
    job = ImportJob.objects.create(owner=owner, original_name="x.csv", file_format="linkedin", status="done")
    tasks.build_import_preview(job.pk)
    tasks.run_import(job.pk)
    tasks.run_import(987654)  # a job deleted meanwhile
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE


@pytest.mark.django_db
def test_the_tasks_are_acknowledged_late_and_time_limited():
    for task in (tasks.build_import_preview, tasks.run_import):
        assert task.acks_late is True
        assert task.time_limit and task.soft_time_limit < task.time_limit


def _services_or_skip():
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.fail("a real worker needs PostgreSQL and Redis; run ./scripts/test.sh")


def _database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """``celery worker`` in its own process, on the test database and the test Redis."""
    _services_or_skip()
    env = dict(os.environ, DATABASE_URL=_database_url(), NETCRM_DATA_DIR=str(tmp_path), DB_CONN_MAX_AGE="0")
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed below
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "netcrm", "worker", "-P", "solo", "-c", "1", "-l", "INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"test-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    yield worker
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
    log.close()


def wait_for(job, status, *, timeout=60):
    deadline = time.monotonic() + timeout
    seen_progress = set()
    while time.monotonic() < deadline:
        job.refresh_from_db()
        seen_progress.add(job.rows_done)
        if job.status == status:
            return seen_progress
        assert job.status != ImportJob.Status.FAILED, job.error
        time.sleep(0.1)
    raise AssertionError(f"job still {job.status} after {timeout}s (wanted {status})")


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_imports_a_big_file(celery_worker_process, client, owner, settings, tmp_path):
    settings.NETCRM_IMPORT_BACKGROUND_ROWS = 100
    client.force_login(owner)
    _response, job = upload(client, linkedin_file(3000), "Connections.csv")
    assert job.in_background
    wait_for(job, ImportJob.Status.PREVIEWED)
    assert job.preview["counts"]["new"] == 3000
    confirm(client, job)
    wait_for(job, ImportJob.Status.DONE)
    assert job.result["created"] == 3000
    assert Contact.objects.filter(owner=owner).count() == 3000
    assert Contact.objects.filter(owner=owner, next_due_at__isnull=True).count() == 3000  # no classification


@pytest.mark.django_db(transaction=True)
def test_progress_written_inside_the_import_transaction_is_seen_by_the_progress_page(owner):
    if connection.vendor != "postgresql":
        _services_or_skip()
    from django.db import DEFAULT_DB_ALIAS, connections, transaction

    from transfer.services import ProgressReporter

    job = ImportJob.objects.create(owner=owner, original_name="big.csv", file_format="linkedin", status="applying")
    reporter = ProgressReporter(job.pk)
    observer = connections.create_connection(DEFAULT_DB_ALIAS)  # another request, another connection
    try:
        with transaction.atomic():
            reporter(1200, 3000)
            with observer.cursor() as cursor:
                cursor.execute("SELECT rows_done, rows_total FROM contacts_importjob WHERE id = %s", [job.pk])
                assert cursor.fetchone() == (1200, 3000)
    finally:
        reporter.close()
        observer.close()


@pytest.mark.django_db
def test_a_finished_job_keeps_its_preview_but_not_the_upload(owner_client):
    from .import_helpers import import_file

    job = import_file(owner_client, linkedin_file(3), "Connections.csv")
    job = ImportJob.objects.get(pk=job.pk)
    assert bytes(job.source_bytes) == b"" and job.parsed_rows is None
    assert job.preview["counts"]["new"] == 3
