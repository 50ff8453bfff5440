"""Uploads are not kept for ever: 48 hours for a file never imported, 30 days of rows for a done
import (then only its counts), and at most 5 open imports per person."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from contacts.models import ImportJob
from netcrm.schedule import beat_schedule
from transfer.services import purge_old_uploads

from .import_helpers import confirm, upload
from .test_import_task import linkedin_file

Status = ImportJob.Status


def job_aged(owner, *, status, age, **fields):
    job = ImportJob.objects.create(
        owner=owner,
        original_name="Connections.csv",
        file_format="linkedin",
        status=status,
        source_bytes=b"First Name\nAda\n",
        parsed_rows={"rows": [{"first_name": "Ada"}]},
        preview={"counts": {"new": 1}, "entries": [{"line": 2, "name": "Ada"}]},
        **fields,
    )
    moment = timezone.now() - age
    ImportJob.objects.filter(pk=job.pk).update(created_at=moment, finished_at=moment if status == Status.DONE else None)
    return job


@pytest.mark.django_db
class TestRetention:
    def test_an_upload_never_imported_is_deleted_after_48_hours(self, owner):
        old = job_aged(owner, status=Status.PREVIEWED, age=datetime.timedelta(hours=49))
        recent = job_aged(owner, status=Status.PREVIEWED, age=datetime.timedelta(hours=47))
        failed = job_aged(owner, status=Status.FAILED, age=datetime.timedelta(days=3), retryable=True)

        assert purge_old_uploads() == {"expired": 2, "trimmed": 0, "backups_deleted": 0}
        for job in (old, failed):
            job.refresh_from_db()
            assert job.status == Status.EXPIRED
            assert (bytes(job.source_bytes), job.parsed_rows, job.preview) == (b"", None, None)
            assert "deleted after 48 hours" in job.error
        recent.refresh_from_db()
        assert recent.status == Status.PREVIEWED and bytes(recent.source_bytes)

    def test_a_done_import_keeps_only_its_counts_after_30_days(self, owner):
        old = job_aged(owner, status=Status.DONE, age=datetime.timedelta(days=31), result={"created": 1})
        recent = job_aged(owner, status=Status.DONE, age=datetime.timedelta(days=29), result={"created": 1})
        assert purge_old_uploads() == {"expired": 0, "trimmed": 1, "backups_deleted": 0}
        old.refresh_from_db()
        assert (old.status, old.result, old.preview, old.parsed_rows) == (Status.DONE, {"created": 1}, None, None)
        recent.refresh_from_db()
        assert recent.preview is not None
        assert purge_old_uploads() == {"expired": 0, "trimmed": 0, "backups_deleted": 0}  # idempotent

    def test_an_expired_import_says_so_and_offers_no_confirm(self, owner_client, owner):
        job = job_aged(owner, status=Status.PREVIEWED, age=datetime.timedelta(days=3))
        call_command("purge_old_uploads")
        page = owner_client.get(job.get_absolute_url()).content.decode()
        assert "Upload the file again" in page and "Expired" in page
        assert f"/import/{job.pk}/confirm/" not in page

    def test_a_backup_never_restored_is_deleted_after_48_hours(self, owner):
        from transfer.models import RestoreJob

        def backup(status, hours):
            job = RestoreJob.objects.create(owner=owner, original_name="b.json", source_bytes=b"{}", status=status)
            RestoreJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(hours=hours))
            return job

        stuck, recent = backup("not_queued", 49), backup("not_queued", 47)
        assert purge_old_uploads()["backups_deleted"] == 1
        stuck.refresh_from_db()
        assert (stuck.status, bytes(stuck.source_bytes)) == ("failed", b"")
        assert "deleted after 48 hours" in stuck.error
        assert bytes(RestoreJob.objects.get(pk=recent.pk).source_bytes) == b"{}"

    def test_the_purge_is_a_beat_job(self):
        assert beat_schedule()["purge-old-uploads"]["task"] == "transfer.tasks.purge_old_uploads"


@pytest.mark.django_db
class TestOpenImportsCap:
    def test_a_sixth_open_import_is_refused_until_one_is_finished_or_discarded(self, owner_client, owner):
        jobs = [upload(owner_client, linkedin_file(1), f"Connections{i}.csv")[1] for i in range(5)]
        assert all(job.status == Status.PREVIEWED for job in jobs)

        response, sixth = upload(owner_client, linkedin_file(1), "Connections5.csv")
        assert response.status_code == 400 and sixth is None
        assert "You have 5 imports waiting" in response.content.decode()

        confirm(owner_client, jobs[0])  # done: no longer open
        owner_client.post(reverse("transfer:import_discard", args=[jobs[1].pk]))
        assert upload(owner_client, linkedin_file(1), "Connections6.csv")[1] is not None
        assert upload(owner_client, linkedin_file(1), "Connections7.csv")[1] is not None
        assert upload(owner_client, linkedin_file(1), "Connections8.csv")[1] is None

    def test_another_users_imports_do_not_count(self, owner_client, stranger):
        for _ in range(5):
            job_aged(stranger, status=Status.PREVIEWED, age=datetime.timedelta(hours=1))
        assert upload(owner_client, linkedin_file(1))[1] is not None
