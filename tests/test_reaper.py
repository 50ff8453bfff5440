"""The reaper: claimed-and-abandoned digests are queued again or failed visibly; imports whose
worker died are failed with "Try again"; nothing is ever sent twice."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from contacts.models import Contact, ImportJob
from followups.digest.delivery import deliver_digest
from followups.digest.schedule import claim_due_digests
from followups.models import DigestLog
from followups.reaper import reap_stranded
from transfer import services as transfer_services

from .import_helpers import upload
from .test_digest import MONDAY_9_UTC, make_user_with_due_contacts, travel
from .test_import_task import linkedin_file

State = DigestLog.State
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def claimed(db, settings):
    """A digest claimed at Monday 09:00 whose send task never ran (the broker lost it)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with travel(MONDAY_9_UTC - datetime.timedelta(days=7)):
        user = make_user_with_due_contacts("ada", due=2)
    with travel(MONDAY_9_UTC):
        [claim] = claim_due_digests()
    return DigestLog.objects.get(pk=claim.log_id), user


def collecting_queue():
    queued = []

    def queue(log_id):
        queued.append(log_id)
        return True

    return queue, queued


@pytest.mark.django_db
class TestDigests:
    def test_a_claimed_digest_whose_task_was_lost_is_queued_again_after_the_grace_period(self, claimed, settings):
        log, _ = claimed
        queue, queued = collecting_queue()
        grace = datetime.timedelta(seconds=settings.REAPER_GRACE_SECONDS)
        reap_stranded(now=MONDAY_9_UTC + grace - MINUTE, queue=queue)
        assert queued == []  # still within its time: the first task may be on its way
        result = reap_stranded(now=MONDAY_9_UTC + grace + MINUTE, queue=queue)
        assert (queued, result.digests_requeued) == ([log.pk], 1)
        reap_stranded(now=MONDAY_9_UTC + grace + 2 * MINUTE, queue=queue)
        assert queued == [log.pk]  # stamped when queued: the next run waits another period

    def test_queued_again_and_the_lost_task_arriving_late_still_sends_once(self, claimed, settings):
        log, _ = claimed
        with travel(MONDAY_9_UTC + datetime.timedelta(hours=1)):
            reap_stranded(queue=deliver_now)
            assert deliver_digest(log_id=log.pk) == "handled"  # the original task, late
        assert len(mail.outbox) == 1
        assert DigestLog.objects.get(pk=log.pk).state == State.SENT

    def test_a_digest_waiting_to_retry_whose_retry_was_lost_is_queued_again(self, claimed, settings):
        log, _ = claimed
        due = MONDAY_9_UTC + datetime.timedelta(minutes=2)
        DigestLog.objects.filter(pk=log.pk).update(state=State.RETRYING, attempts=1, next_attempt_at=due)
        queue, queued = collecting_queue()
        grace = datetime.timedelta(seconds=settings.REAPER_GRACE_SECONDS)
        reap_stranded(now=due + grace - MINUTE, queue=queue)
        assert queued == []
        reap_stranded(now=due + grace + MINUTE, queue=queue)
        assert queued == [log.pk]

    def test_a_send_abandoned_mid_way_is_failed_with_its_reason_and_never_sent_again(self, claimed, settings, client):
        log, user = claimed
        started = MONDAY_9_UTC + MINUTE
        DigestLog.objects.filter(pk=log.pk).update(state=State.SENDING, attempts=1, attempt_started_at=started)
        limit = datetime.timedelta(seconds=settings.DIGEST_SEND_TIME_LIMIT)
        assert reap_stranded(now=started + limit, queue=deliver_now).digests_failed == 0  # may still be sending
        assert reap_stranded(now=started + limit + 2 * MINUTE, queue=deliver_now).digests_failed == 1
        log.refresh_from_db()
        assert log.state == State.FAILED
        assert "worker stopped while handing this digest to the mail server" in log.error
        assert deliver_digest(log_id=log.pk) == "handled"
        assert mail.outbox == []

        client.force_login(user)
        settings_page = client.get(reverse("followups:preferences")).content.decode()
        assert "Failed" in settings_page and "may not have arrived" in settings_page

    def test_sent_skipped_and_failed_digests_are_left_alone(self, claimed):
        log, _ = claimed
        for state in (State.SENT, State.SKIPPED, State.FAILED):
            DigestLog.objects.filter(pk=log.pk).update(state=state, attempt_started_at=MONDAY_9_UTC)
            result = reap_stranded(now=MONDAY_9_UTC + datetime.timedelta(days=1), queue=deliver_now)
            assert (result.digests_requeued, result.digests_failed) == (0, 0)
            assert DigestLog.objects.get(pk=log.pk).state == state

    def test_failed_digests_and_their_reasons_show_in_the_admin(self, claimed, admin_client):
        log, _ = claimed
        DigestLog.objects.filter(pk=log.pk).update(state=State.FAILED, error="SMTPRecipientsRefused: 550 no such user")
        page = admin_client.get(reverse("admin:followups_digestlog_changelist") + "?state__exact=failed")
        assert page.status_code == 200
        assert "550 no such user" in page.content.decode()


def deliver_now(log_id):
    deliver_digest(log_id=log_id)
    return True


@pytest.mark.django_db
class TestImports:
    def test_an_import_whose_worker_died_is_failed_with_try_again_and_then_imports(self, owner_client, owner, settings):
        settings.NETCRM_IMPORT_BACKGROUND_ROWS = 10**6  # small: read and written in the request
        _response, job = upload(owner_client, linkedin_file(1), "Connections.csv")
        assert job.status == ImportJob.Status.PREVIEWED
        # The worker took the confirmed job and died: the job stays "importing", untouched since.
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.APPLYING, options={"tag_names": []})
        limit = datetime.timedelta(seconds=settings.NETCRM_IMPORT_TIME_LIMIT + 60)
        later = job.updated_at + limit + MINUTE
        assert reap_stranded(now=job.updated_at + limit - MINUTE).imports_failed == 0
        assert reap_stranded(now=later).imports_failed == 1

        job.refresh_from_db()
        assert (job.status, job.retryable) == (ImportJob.Status.FAILED, True)
        page = owner_client.get(job.get_absolute_url()).content.decode()
        assert "background worker stopped" in page and "Try again" in page
        assert not Contact.objects.filter(owner=owner).exists()

        owner_client.post(reverse("transfer:import_retry", args=[job.pk]))
        job.refresh_from_db()
        assert job.status == ImportJob.Status.DONE
        assert list(Contact.objects.filter(owner=owner).values_list("first_name", flat=True)) == ["Person0"]
        assert owner_client.post(reverse("transfer:import_retry", args=[job.pk])).status_code == 302
        assert Contact.objects.filter(owner=owner).count() == 1  # a second click does nothing

    def test_a_stale_task_of_an_earlier_attempt_does_nothing(self, owner):
        job = ImportJob.objects.create(
            owner=owner, original_name="x.csv", file_format="linkedin", status="planning", attempt=2
        )
        transfer_services.build_preview(job_id=job.pk, attempt=1)  # redelivered after a crash
        job.refresh_from_db()
        assert job.status == ImportJob.Status.PLANNING and job.preview is None

    def test_a_refused_file_offers_no_try_again(self, owner):
        job = ImportJob.objects.create(
            owner=owner, original_name="x.csv", file_format="linkedin", status="failed", error="Line 3: bad"
        )
        assert transfer_services.retry_import(job=job) is False
        assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.FAILED

    def test_the_reap_command_reports_what_it_did(self, owner, capsys):
        ImportJob.objects.create(owner=owner, original_name="x.csv", file_format="linkedin", status="planning")
        ImportJob.objects.filter(owner=owner).update(updated_at=MONDAY_9_UTC)
        call_command("reap_stranded")
        assert "1 import(s) marked failed" in capsys.readouterr().out
        assert ImportJob.objects.get(owner=owner).status == ImportJob.Status.FAILED
