"""A new user restores a big backup: the upload lands on the restore's own page, whose progress
bar polls with htmx and which turns into the outcome by itself; "try again" when the worker
could not be reached. The pages pass axe at desktop and phone widths."""

import pytest
from playwright.sync_api import expect

from contacts.models import Contact
from tests.restore_helpers import backup_bytes
from transfer import tasks
from transfer.models import RestoreJob
from transfer.restore_jobs import WORKER_UNREACHABLE

from ..factories import UserFactory
from .test_accessibility import blocking_violations, describe, load_axe
from .test_followups_in_place import log_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_big_restore_shows_its_progress_and_then_what_was_restored(page, screenshot_dir, tmp_path, monkeypatch):
    queued = []
    monkeypatch.setattr(
        tasks.restore_backup_job, "apply_async", lambda args=(), **_: queued.append(args[0])
    )  # the test plays the worker
    backup = tmp_path / "netcrm-backup.json"
    backup.write_bytes(backup_bytes(contacts=1200, note="Met at PyCon; ask about the robot."))
    UserFactory(username="newcomer")
    load_axe(page)
    log_in(page, "newcomer")
    page.goto("/export/")
    page.get_by_label("Backup file (.json)").set_input_files(backup)
    page.screenshot(path=screenshot_dir / "export-1280.png", full_page=True)
    page.get_by_role("button", name="Restore").click()

    page.get_by_text("Waiting for the background worker").wait_for()
    job = RestoreJob.objects.get()
    assert queued == [job.pk] and not Contact.objects.exists()
    problems = [describe(page.url, 1280, violation) for violation in blocking_violations(page)]
    RestoreJob.objects.filter(pk=job.pk).update(status="restoring", rows_total=8000, rows_done=2400)
    expect(page.locator(".progress-bar")).to_have_text("30%")  # polled, not reloaded
    assert "2400 of 8000 items checked" in page.content()
    page.screenshot(path=screenshot_dir / "progress-1280.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 800})
    page.screenshot(path=screenshot_dir / "progress-390.png", full_page=True)
    problems += [describe(page.url, 390, violation) for violation in blocking_violations(page)]

    RestoreJob.objects.filter(pk=job.pk).update(status="queued")
    tasks.restore_backup_job(job.pk)  # what the worker runs
    page.get_by_text("1,200 contacts, 1,200 interactions").wait_for()  # the page reloaded itself
    assert Contact.objects.count() == 1200
    page.screenshot(path=screenshot_dir / "done-390.png", full_page=True)
    page.goto("/export/")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert "Restored" in page.locator("text=Your restores").locator("..").inner_text()
    page.screenshot(path=screenshot_dir / "export-with-restores-1280.png", full_page=True)
    assert problems == [], "\n".join(problems)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_restore_the_worker_could_not_take_offers_to_try_again(page, screenshot_dir, monkeypatch):
    user = UserFactory(username="unlucky")
    job = RestoreJob.objects.create(
        owner=user, original_name="netcrm-backup.json", size_bytes=3_400_000, source_bytes=backup_bytes(contacts=3),
        status="not_queued", in_background=True, error=WORKER_UNREACHABLE,
    )  # fmt: skip
    queued = []
    monkeypatch.setattr(tasks.restore_backup_job, "apply_async", lambda args=(), **_: queued.append(args[0]))
    load_axe(page)
    log_in(page, "unlucky")
    page.goto(job.get_absolute_url())
    assert WORKER_UNREACHABLE in page.content()
    page.screenshot(path=screenshot_dir / "not-queued-1280.png", full_page=True)
    problems = [describe(page.url, 1280, violation) for violation in blocking_violations(page)]
    page.get_by_role("button", name="Try again").click()
    page.get_by_text("Waiting for the background worker").wait_for()
    assert queued == [job.pk]
    assert problems == [], "\n".join(problems)
