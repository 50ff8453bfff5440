"""After a large import the planner's statistics are refreshed at once (netcrm.sql), so the next
pages are not planned from a young database's empty tables while autovacuum has not come by."""

import pytest
from django.db import connection

from contacts.models import Contact, ContactEmail, ImportJob
from netcrm.sql import ANALYZE_AFTER_ROWS
from transfer import tasks

from .import_helpers import confirm, upload
from .test_import_task import linkedin_file


def planner_rows(model) -> float:
    """What PostgreSQL believes the table holds (-1: never analysed); pg_class is transactional,
    so this is what the test's own transaction wrote and analysed."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [model._meta.db_table])
        return cursor.fetchone()[0]


def imported(client, settings, django_capture_on_commit_callbacks, monkeypatch, rows: int) -> ImportJob:
    settings.NETCRM_IMPORT_BACKGROUND_ROWS = 10
    for task in (tasks.build_import_preview, tasks.run_import):
        monkeypatch.setattr(task, "apply_async", lambda *args, **kwargs: None)
    with django_capture_on_commit_callbacks(execute=True):
        _response, job = upload(client, linkedin_file(rows), "Connections.csv")
    tasks.build_import_preview(job.pk)
    job.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, job)
    tasks.run_import(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    return job


@pytest.mark.django_db
def test_a_large_import_leaves_the_planner_knowing_how_many_rows_there_are(
    owner_client, settings, django_capture_on_commit_callbacks, monkeypatch
):
    assert connection.vendor == "postgresql"
    imported(owner_client, settings, django_capture_on_commit_callbacks, monkeypatch, ANALYZE_AFTER_ROWS)
    assert planner_rows(Contact) == Contact.objects.count() == ANALYZE_AFTER_ROWS
    assert planner_rows(ContactEmail) == ContactEmail.objects.count()


@pytest.mark.django_db
def test_a_small_import_leaves_it_to_autovacuum(
    owner_client, settings, django_capture_on_commit_callbacks, monkeypatch
):
    before = planner_rows(Contact)
    imported(owner_client, settings, django_capture_on_commit_callbacks, monkeypatch, 50)
    assert planner_rows(Contact) == before
